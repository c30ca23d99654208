// A benchmark server in a child process, and the messages it exchanges with the parent.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The servers of the remote section: keys from a JWKS the parent serves (`BENCH_JWKS_URI`). */
export const REMOTE_VARIANTS = ['remote-ours-off', 'remote-ours-on', 'remote-oauth2-bearer', 'remote-express-jwt'] as const;
export type RemoteVariant = (typeof REMOTE_VARIANTS)[number];

/** The servers of the DPoP section: one guard (Bearer or DPoP, cache on), the replay store in-process or in Redis (`BENCH_REDIS_URL`). */
export const DPOP_VARIANTS = ['dpop-bearer', 'dpop-memory', 'dpop-redis'] as const;
export type DpopVariant = (typeof DPOP_VARIANTS)[number];

export const VARIANTS = [
  'bare',
  'noop',
  'refuse',
  'ours-off',
  'ours-on',
  'ours-redis',
  'express-jwt',
  'passport-jwt',
  'fast-jwt',
  'memory',
  ...REMOTE_VARIANTS,
  ...DPOP_VARIANTS,
] as const;
export type Variant = (typeof VARIANTS)[number];

export type ParentMessage = { type: 'start' } | { type: 'stop' } | { type: 'memory' } | { type: 'estimate'; count: number };
export type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'started' }
  | { type: 'stopped'; cpuMicros: number; requests: number }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'estimate'; perEntry: number };

const SERVER = fileURLToPath(new URL('../server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class ServerChild {
  private constructor(
    readonly variant: Variant,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** Forks `bench/server.ts <variant>` under tsx and waits until it listens. */
  static async start(variant: Variant, env: Record<string, string> = {}): Promise<ServerChild> {
    const child = fork(SERVER, [variant], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        reject(new Error(`server ${variant} exited with ${String(code)} before listening`));
      });
      child.once('message', (message: ChildMessage) => {
        if (message.type === 'listening') resolve(message.port);
        else reject(new Error(`server ${variant}: unexpected ${message.type}`));
      });
    });
    return new ServerChild(variant, `http://127.0.0.1:${String(port)}/`, child);
  }

  /** Sends a message and waits for the answer of the given type. */
  ask<T extends ChildMessage['type']>(message: ParentMessage, answer: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: ChildMessage): void => {
        if (reply.type !== answer) return;
        this.child.off('message', onMessage);
        resolve(reply as Extract<ChildMessage, { type: T }>);
      };
      this.child.on('message', onMessage);
      this.child.send(message, (error) => {
        if (error) reject(error);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
