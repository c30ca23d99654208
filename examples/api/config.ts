// The server's settings from the environment, with the documented defaults.
import { dirname, resolve } from 'node:path';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly databasePath: string;
  /** The database's folder: the generated secret is kept there too. */
  readonly dataDir: string;
  /** REDIS_URL: revoked tokens go to this Redis, shared by every instance; unset, to the SQLite file. */
  readonly redisUrl?: string;
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const port = env.PORT || '3000';
  // 0 asks the system for a free port (the tests use it).
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535)
    throw new Error(`PORT must be a port number from 0 to 65535 (got ${JSON.stringify(port)})`);
  const databasePath = resolve(env.DATABASE_PATH || './data/api.db');
  const redisUrl = env.REDIS_URL || undefined;
  // Never echoed: the URL may hold a password.
  if (redisUrl !== undefined && !isRedisUrl(redisUrl))
    throw new Error('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
  return { host: env.HOST || '127.0.0.1', port: Number(port), databasePath, dataDir: dirname(databasePath), ...(redisUrl && { redisUrl }) };
}

function isRedisUrl(text: string): boolean {
  return URL.canParse(text) && ['redis:', 'rediss:'].includes(new URL(text).protocol);
}
