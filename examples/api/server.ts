// `npm start`: the example API on a SQLite file. Settings: PORT, HOST, DATABASE_PATH, SECRET_KEY, ADMIN_PASSWORD, REDIS_URL,
// and for public-key tokens TOKEN_ALG, SIGNING_KEY_FILE, PUBLIC_URL.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisRevocationStore } from '../../src/redis.js';
import { ensureAdmin } from './admin.js';
import { createApp, type AppKey } from './app.js';
import { readConfig } from './config.js';
import { openDatabase } from './db.js';
import { closeRedis, connectRedis, redactUrl } from './redis-client.js';
import { loadSecret } from './secret-file.js';
import { issuerOf, readSigningConfig, type SigningConfig } from './signing-config.js';
import { loadSigningKey } from './signing-key-file.js';

const log = (line: string): void => {
  console.log(line);
};

/**
 * The secret or the private key, read (or generated and kept in the data folder) before anything
 * else starts; the app's key once the bound port is known, as it is the default issuer's.
 */
function loadKey(signing: SigningConfig, dataDir: string): (port: number) => AppKey {
  if (signing.algorithm === 'HS256') {
    const { secret, file } = loadSecret(process.env.SECRET_KEY, dataDir);
    if (file !== undefined) {
      console.warn(
        `warning: SECRET_KEY is not set; using the secret generated in ${file} (kept so that tokens survive restarts). Set SECRET_KEY in production.`,
      );
    }
    return () => ({ secret });
  }
  const { algorithm, keyFile, publicUrl } = signing;
  const { privateKey, file, generated } = loadSigningKey(algorithm, keyFile, dataDir);
  if (generated) {
    console.warn(
      `warning: SIGNING_KEY_FILE is not set; using the ${algorithm} private key generated in ${file} (kept so that tokens survive restarts). Set SIGNING_KEY_FILE in production.`,
    );
  }
  return (port) => ({ signer: { privateKey, algorithm, issuer: issuerOf(publicUrl, port) } });
}

/** Binds the server; resolves to the port it got (PORT=0 asks the system for a free one). */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** On SIGINT or SIGTERM: stop accepting, let requests in flight finish, then close the stores; the process then ends by itself. */
function closeOnSignals(server: Server, closeStores: () => Promise<void>, stores: string): void {
  const shutdown = (signal: NodeJS.Signals): void => {
    log(`${signal}: closing the server${stores}`);
    server.close(() => {
      void closeStores().then(() => {
        log('closed');
      });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
    }, 5000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const signing = readSigningConfig(process.env);
  mkdirSync(config.dataDir, { recursive: true });
  const appKey = loadKey(signing, config.dataDir);

  // With REDIS_URL, logouts are shared through Redis by every instance; otherwise they stay in the SQLite file.
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, log);
  const db = openDatabase(config.databasePath);
  const closeStores = async (): Promise<void> => {
    db.close();
    if (redis) await closeRedis(redis);
  };

  // Bound first, as the default issuer names the port the system gave; the app answers once built.
  const server = createServer();
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    console.error(`error: cannot listen on ${config.host}:${String(config.port)}: ${(error as Error).message}`);
    await closeStores();
    process.exitCode = 1;
    return;
  }
  const key = appKey(port);
  try {
    // First, as tokenRequired checks the secret: a bad one stops the start before anything is created.
    const app = createApp({ ...key, db, log, ...(redis && { revocations: new RedisRevocationStore(redis) }) });
    server.on('request', app);
    const admin = await ensureAdmin(db, process.env.ADMIN_PASSWORD);
    if (admin.status === 'generated')
      log(`Created user "admin" with password: ${admin.password}\n(shown once; set ADMIN_PASSWORD before the first start to choose it)`);
    if (admin.status === 'exists' && process.env.ADMIN_PASSWORD)
      log('note: ADMIN_PASSWORD is only used when the database is first created');
  } catch (error) {
    server.close();
    await closeStores();
    throw error;
  }

  // Before the line that says it listens, which is what a supervisor (or a test) waits for to signal it.
  closeOnSignals(server, closeStores, redis ? ', the database and the Redis client' : ' and the database');

  const revokedIn = config.redisUrl === undefined ? 'the database' : `Redis at ${redactUrl(config.redisUrl)}`;
  const tokens = key.signer ? `; ${key.signer.algorithm} tokens of issuer ${key.signer.issuer}` : '';
  log(`listening on http://${config.host}:${String(port)} (database: ${config.databasePath}; revoked tokens in ${revokedIn}${tokens})`);
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
