// `npm start`: the example API on a SQLite file. Settings: PORT, HOST, DATABASE_PATH, SECRET_KEY, ADMIN_PASSWORD, REDIS_URL.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { RedisRevocationStore } from '../../src/redis.js';
import { ensureAdmin } from './admin.js';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openDatabase } from './db.js';
import { closeRedis, connectRedis, redactUrl } from './redis-client.js';
import { loadSecret } from './secret-file.js';

const log = (line: string): void => {
  console.log(line);
};

async function main(): Promise<void> {
  const config = readConfig(process.env);
  mkdirSync(config.dataDir, { recursive: true });
  const { secret, file } = loadSecret(process.env.SECRET_KEY, config.dataDir);
  if (file !== undefined) {
    console.warn(
      `warning: SECRET_KEY is not set; using the secret generated in ${file} (kept so that tokens survive restarts). Set SECRET_KEY in production.`,
    );
  }

  // With REDIS_URL, logouts are shared through Redis by every instance; otherwise they stay in the SQLite file.
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, log);
  const db = openDatabase(config.databasePath);
  const closeStores = async (): Promise<void> => {
    db.close();
    if (redis) await closeRedis(redis);
  };
  let app;
  try {
    // First, as tokenRequired checks the secret: a bad one stops the start before anything is created.
    app = createApp({ db, secret, log, ...(redis && { revocations: new RedisRevocationStore(redis) }) });
    const admin = await ensureAdmin(db, process.env.ADMIN_PASSWORD);
    if (admin.status === 'generated')
      log(`Created user "admin" with password: ${admin.password}\n(shown once; set ADMIN_PASSWORD before the first start to choose it)`);
    if (admin.status === 'exists' && process.env.ADMIN_PASSWORD)
      log('note: ADMIN_PASSWORD is only used when the database is first created');
  } catch (error) {
    await closeStores();
    throw error;
  }

  const revokedIn = config.redisUrl === undefined ? 'the database' : `Redis at ${redactUrl(config.redisUrl)}`;
  const server = app.listen(config.port, config.host);
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    log(`listening on http://${config.host}:${String(port)} (database: ${config.databasePath}; revoked tokens in ${revokedIn})`);
  });
  server.once('error', (error) => {
    console.error(`error: cannot listen on ${config.host}:${String(config.port)}: ${error.message}`);
    void closeStores();
    process.exitCode = 1;
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    log(`${signal}: closing the server${redis ? ', the database and the Redis client' : ' and the database'}`);
    // Stop accepting, let requests in flight finish, then close the stores; the process then ends by itself.
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

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
