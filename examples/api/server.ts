// `npm start`: the example API on a SQLite file. Settings: PORT, HOST, DATABASE_PATH, SECRET_KEY, ADMIN_PASSWORD.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ensureAdmin } from './admin.js';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openDatabase } from './db.js';
import { loadSecret } from './secret-file.js';

const log = (line: string): void => {
  console.log(line);
};

async function main(): Promise<void> {
  const config = readConfig(process.env);
  mkdirSync(config.dataDir, { recursive: true });
  const { secret, file } = loadSecret(process.env.SECRET_KEY, config.dataDir);
  if (file !== undefined) {
    console.warn(`warning: SECRET_KEY is not set; using the secret generated in ${file} (kept so that tokens survive restarts). Set SECRET_KEY in production.`);
  }

  const db = openDatabase(config.databasePath);
  let app;
  try {
    // First, as tokenRequired checks the secret: a bad one stops the start before anything is created.
    app = createApp({ db, secret, log });
    const admin = await ensureAdmin(db, process.env.ADMIN_PASSWORD);
    if (admin.status === 'generated') log(`Created user "admin" with password: ${admin.password}\n(shown once; set ADMIN_PASSWORD before the first start to choose it)`);
    if (admin.status === 'exists' && process.env.ADMIN_PASSWORD) log('note: ADMIN_PASSWORD is only used when the database is first created');
  } catch (error) {
    db.close();
    throw error;
  }

  const server = app.listen(config.port, config.host);
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    log(`listening on http://${config.host}:${String(port)} (database: ${config.databasePath})`);
  });
  server.once('error', (error) => {
    console.error(`error: cannot listen on ${config.host}:${String(config.port)}: ${error.message}`);
    db.close();
    process.exitCode = 1;
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    log(`${signal}: closing the server and the database`);
    // Stop accepting, let requests in flight finish, then close the database; the process then ends by itself.
    server.close(() => {
      db.close();
      log('closed');
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
