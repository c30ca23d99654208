// A real redis-server per test file, on a free loopback port, with nothing written to disk.
import { type ChildProcess, spawn } from 'node:child_process';
import { createClient } from 'redis';
import type { IoRedisClientLike } from '../../src/redis.js';
import { freePort } from './ports.js';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed: the Redis tests need a real server. Install it with ' +
  '`apt-get update && apt-get install -y redis-server` (.ci/run does this), then run the tests again.';

/**
 * Starts `redis-server --port <free port> --bind 127.0.0.1 --save '' --appendonly no` and
 * resolves once it accepts connections. Fails (never skips) when redis-server is missing.
 */
export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(port);
    } catch (error) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

function launch(port: number): Promise<RedisServer> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${String(port)} within 10 s:\n${output}`));
    }, 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT' ? new Error(MISSING, { cause: error }) : error);
    });
    child.once('exit', (code) => {
      fail(/address already in use/i.test(output) ? new PortTaken(output) : new Error(`redis-server exited (${String(code)}):\n${output}`));
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve({ port, url: `redis://127.0.0.1:${String(port)}`, stop: () => stop(child, exited) });
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  });
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

export type NodeRedis = ReturnType<typeof createClient>;

/** The node-redis clients of one test file: `connect()` opens one, `closeAll()` (in afterEach) closes them. */
export function redisClients(defaultUrl: () => string): {
  connect: (url?: string, options?: Parameters<typeof createClient>[0]) => Promise<NodeRedis>;
  closeAll: () => void;
} {
  const clients: NodeRedis[] = [];
  return {
    connect: async (url = defaultUrl(), options = {}) => {
      const client = createClient({ url, ...options });
      // Reconnection noise after an outage would otherwise be an unhandled 'error' event.
      client.on('error', () => undefined);
      clients.push(client);
      await client.connect();
      return client;
    },
    closeAll: () => {
      for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
    },
  };
}

/**
 * An ioredis-shaped client (`status`, positional SET tokens) over a node-redis connection,
 * recording each call as `[command, ...arguments]`: the `ioredis` package is not installed here.
 */
export function ioredisStyle(redis: NodeRedis, calls: unknown[][] = []): IoRedisClientLike {
  return {
    status: 'ready',
    set: (...args: (string | number)[]) => {
      calls.push(['set', ...args]);
      return redis.sendCommand(['SET', ...args.map(String)]);
    },
    exists: (key: string) => {
      calls.push(['exists', key]);
      return redis.sendCommand(['EXISTS', key]);
    },
  };
}
