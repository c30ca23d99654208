// The real server.ts in a child process, as `npm start` runs it: env settings, first start, clean shutdown.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVELOPE } from '../helpers/app.js';
import { subOf, tempDir, UUID } from './helpers.js';
import { killAll, launch, stop } from './server-process.js';

const temp = tempDir();
afterAll(() => {
  killAll();
  temp.remove();
});

async function json(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: await res.json() };
}

describe('server.ts', () => {
  const dbPath = join(temp.dir, 'nested', 'data', 'api.db');
  let token = '';

  it('serves the API on DATABASE_PATH, logs each request, and exits 0 on SIGTERM', async () => {
    const server = launch({ DATABASE_PATH: dbPath, ADMIN_PASSWORD: 'change-me-please' });
    const url = await server.listening;
    const login = await json(`${url}/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'change-me-please' }) });
    expect(login.status).toBe(200);
    token = (login.body as { token: string }).token;
    const created = await json(`${url}/items`, { method: 'POST', headers: { token }, body: JSON.stringify({ name: 'apple' }) });
    expect(created).toEqual({ status: 201, body: expect.objectContaining({ id: 1, name: 'apple', createdBy: 'admin' }) });
    expect(await json(`${url}/items`, { method: 'POST', body: '{}' })).toEqual({ status: 400, body: ENVELOPE.missing });

    expect(await stop(server, 'SIGTERM')).toBe(0);
    const { stdout, stderr } = server.output();
    expect(stdout).toMatch(/ POST \/login 200 [\d.]+ms\n.* POST \/items 201 [\d.]+ms\n.* POST \/items 400 [\d.]+ms\n/);
    expect(stdout).toContain('SIGTERM: closing the server and the database\nclosed\n');
    expect(stdout).not.toContain('change-me-please');
    expect(stdout + stderr).not.toContain(token);
    // No SECRET_KEY: a secret was made, kept beside the database, and the user was told.
    const secretFile = join(temp.dir, 'nested', 'data', 'secret-key');
    expect(stderr).toBe(
      `warning: SECRET_KEY is not set; using the secret generated in ${secretFile} (kept so that tokens survive restarts). Set SECRET_KEY in production.\n`,
    );
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(dbPath).isFile()).toBe(true);
  }, 30_000);

  it('restarts on the same files: data and tokens survive; exits 0 on SIGINT', async () => {
    const server = launch({ DATABASE_PATH: dbPath, ADMIN_PASSWORD: 'another-password' });
    const url = await server.listening;
    expect(await json(`${url}/items/1`)).toEqual({ status: 200, body: expect.objectContaining({ name: 'apple' }) });
    expect(subOf(token)).toMatch(UUID);
    expect(await json(`${url}/me`, { headers: { token } })).toEqual({
      status: 200,
      body: { id: subOf(token), username: 'admin', admin: true },
    });
    expect(await stop(server, 'SIGINT')).toBe(0);
    expect(server.output().stdout).toContain('note: ADMIN_PASSWORD is only used when the database is first created\n');
    expect(server.output().stdout).toContain('SIGINT: closing the server and the database\nclosed\n');
  }, 30_000);

  it('with SECRET_KEY and no ADMIN_PASSWORD: no secret file, a generated admin password printed once', async () => {
    const path = join(temp.dir, 'second', 'api.db');
    const env = { DATABASE_PATH: path, SECRET_KEY: 'k'.repeat(64) };
    const server = launch(env);
    const url = await server.listening;
    const password = /Created user "admin" with password: (\S+)\n/.exec(server.output().stdout)?.[1];
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(server.output().stderr).toBe('');
    expect(() => statSync(join(temp.dir, 'second', 'secret-key'))).toThrow(/ENOENT/);
    const login = await json(`${url}/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password }) });
    expect(login.status).toBe(200);
    expect(await stop(server, 'SIGTERM')).toBe(0);

    const again = launch(env);
    await again.listening;
    expect(again.output().stdout).not.toContain('password');
    expect(await stop(again, 'SIGTERM')).toBe(0);
  }, 30_000);

  it.each([
    ['a bad PORT', { PORT: 'eighty' }, 'error: PORT must be a port number from 0 to 65535 (got "eighty")\n'],
    ['a short SECRET_KEY', { SECRET_KEY: 'short' }, /^error: express-token-required: secret must be at least 32 bytes for HS256 \(got 5\)/],
    ['a short ADMIN_PASSWORD', { ADMIN_PASSWORD: 'short' }, 'error: ADMIN_PASSWORD: Password must be 8 to 1024 characters\n'],
  ])(
    'exits 1 with only a clear message on %s',
    async (name, env, message) => {
      const dir = join(temp.dir, name.replaceAll(' ', '-'));
      const server = launch({ DATABASE_PATH: join(dir, 'api.db'), SECRET_KEY: 'k'.repeat(64), ...env });
      await expect(server.listening).rejects.toThrow(/^server exited with 1 before listening/);
      const { stdout, stderr } = server.output();
      expect(stdout).toBe('');
      if (typeof message === 'string') expect(stderr).toBe(message);
      else expect(stderr).toMatch(message);
    },
    30_000,
  );
});
