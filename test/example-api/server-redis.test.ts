// The real server.ts twice, as two instances of `npm start` with REDIS_URL: a logout on one is seen by the other.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE } from '../helpers/app.js';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { subOf, tempDir, UUID } from './helpers.js';
import { killAll, launch, stop } from './server-process.js';

const temp = tempDir();
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 20_000);
afterAll(async () => {
  killAll();
  await redis.stop();
  temp.remove();
});

const SECRET_KEY = 'e'.repeat(64);

async function json(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

describe('server.ts with REDIS_URL', () => {
  it('two instances: log in and out on one, the token is refused by the other; both exit 0', async () => {
    // One secret, so one user store: the same database file, and one Redis for logouts (as the README lays them out).
    const env = { DATABASE_PATH: join(temp.dir, 'shared', 'api.db'), SECRET_KEY, ADMIN_PASSWORD: 'change-me-please', REDIS_URL: redis.url };
    const one = launch(env);
    const urlOne = await one.listening;
    const two = launch(env);
    const urlTwo = await two.listening;
    expect(one.output().stdout).toContain(`; revoked tokens in Redis at ${redis.url})`);

    const login = await json(`${urlOne}/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'change-me-please' }),
    });
    const { token } = login.body as { token: string };
    expect(subOf(token)).toMatch(UUID);
    expect(await json(`${urlTwo}/me`, { headers: { token } })).toEqual({
      status: 200,
      body: { id: subOf(token), username: 'admin', admin: true },
    });

    expect(await json(`${urlOne}/logout`, { method: 'POST', headers: { token } })).toEqual({ status: 204, body: null });
    expect(await json(`${urlTwo}/me`, { headers: { token } })).toEqual({ status: 401, body: ENVELOPE.revoked });
    expect(await json(`${urlTwo}/items`, { method: 'POST', headers: { token }, body: '{"name":"x"}' })).toEqual({
      status: 401,
      body: ENVELOPE.revoked,
    });
    expect(await json(`${urlOne}/me`, { headers: { token } })).toEqual({ status: 401, body: ENVELOPE.revoked });

    expect(await stop(one, 'SIGTERM')).toBe(0);
    expect(await stop(two, 'SIGINT')).toBe(0);
    expect(one.output().stdout).toContain('SIGTERM: closing the server, the database and the Redis client\nclosed\n');
    expect(two.output().stdout).toContain('SIGINT: closing the server, the database and the Redis client\nclosed\n');
    expect(one.output().stderr + two.output().stderr).toBe('');
  }, 60_000);

  it('answers 500 while its Redis is gone, and still shuts down cleanly', async () => {
    const gone = await startRedis();
    const server = launch({
      DATABASE_PATH: join(temp.dir, 'gone', 'api.db'),
      SECRET_KEY,
      ADMIN_PASSWORD: 'change-me-please',
      REDIS_URL: gone.url,
    });
    const url = await server.listening;
    const { token } = (
      await json(`${url}/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'change-me-please' }) })
    ).body as { token: string };
    await gone.stop();
    expect(await json(`${url}/me`, { headers: { token } })).toEqual({
      status: 500,
      body: { code: '500', status: 'Internal Server Error', message: 'Internal Server Error' },
    });
    expect(await stop(server, 'SIGTERM')).toBe(0);
    expect(server.output().stdout).toContain('error: Error: express-token-required/redis: Redis ');
    expect(server.output().stdout).toContain('SIGTERM: closing the server, the database and the Redis client\nclosed\n');
  }, 30_000);

  it('never prints the password of REDIS_URL', async () => {
    const server = launch({
      DATABASE_PATH: join(temp.dir, 'pw', 'api.db'),
      SECRET_KEY,
      ADMIN_PASSWORD: 'change-me-please',
      REDIS_URL: `redis://default:hunter2-secret@127.0.0.1:${String(redis.port)}`,
    });
    await server.listening;
    expect(server.output().stdout).toContain(`revoked tokens in Redis at redis://127.0.0.1:${String(redis.port)})`);
    expect(await stop(server, 'SIGTERM')).toBe(0);
    expect(server.output().stdout + server.output().stderr).not.toContain('hunter2');
  }, 30_000);

  it('without REDIS_URL, says that revoked tokens stay in the database', async () => {
    const server = launch({ DATABASE_PATH: join(temp.dir, 'sqlite', 'api.db'), SECRET_KEY, ADMIN_PASSWORD: 'change-me-please' });
    await server.listening;
    expect(server.output().stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(database: .*; revoked tokens in the database\)\n/);
    expect(await stop(server, 'SIGTERM')).toBe(0);
  }, 30_000);

  it.each([
    [
      'a REDIS_URL that is not a Redis URL',
      () => Promise.resolve('http://user:hunter2@example.com'),
      'error: REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379\n',
    ],
    [
      'a Redis that does not answer',
      async () => `redis://:hunter2@127.0.0.1:${String(await freePort())}`,
      /^error: cannot connect to Redis at REDIS_URL: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/,
    ],
  ])(
    'exits 1 with only a clear message on %s, never the password',
    async (name, url, message) => {
      const server = launch({ DATABASE_PATH: join(temp.dir, name.replaceAll(' ', '-'), 'api.db'), SECRET_KEY, REDIS_URL: await url() });
      await expect(server.listening).rejects.toThrow(/^server exited with 1 before listening/);
      const { stdout, stderr } = server.output();
      expect(stdout).toBe('');
      if (typeof message === 'string') expect(stderr).toBe(message);
      else expect(stderr).toMatch(message);
      expect(stderr).not.toContain('hunter2');
    },
    30_000,
  );
});
