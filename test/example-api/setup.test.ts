// What the server reads at start: settings from the environment, the secret, the first admin.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../examples/api/admin.js';
import { readConfig } from '../../examples/api/config.js';
import { openDatabase } from '../../examples/api/db.js';
import { verifyPassword } from '../../examples/api/passwords.js';
import { loadSecret, SECRET_FILE } from '../../examples/api/secret-file.js';
import { tempDir } from './helpers.js';

const temp = tempDir();
afterAll(() => {
  temp.remove();
});

describe('readConfig', () => {
  it('defaults to 127.0.0.1:3000 and ./data/api.db', () => {
    expect(readConfig({})).toEqual({ host: '127.0.0.1', port: 3000, databasePath: resolve('data/api.db'), dataDir: resolve('data') });
  });

  it('reads HOST, PORT and DATABASE_PATH', () => {
    expect(readConfig({ HOST: '0.0.0.0', PORT: '8080', DATABASE_PATH: '/srv/db/app.sqlite' })).toEqual({
      host: '0.0.0.0',
      port: 8080,
      databasePath: '/srv/db/app.sqlite',
      dataDir: '/srv/db',
    });
    expect(readConfig({ PORT: '0' }).port).toBe(0);
  });

  it.each([['http'], ['-1'], ['65536'], ['80.5'], ['123456']])('refuses PORT=%s', (port) => {
    expect(() => readConfig({ PORT: port })).toThrow(`PORT must be a port number from 0 to 65535 (got ${JSON.stringify(port)})`);
  });

  it('reads REDIS_URL (redis:// or rediss://); unset or empty, there is none', () => {
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(readConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380/2' }).redisUrl).toBe('rediss://:pw@cache.internal:6380/2');
    expect(readConfig({ REDIS_URL: '' })).not.toHaveProperty('redisUrl');
    expect(readConfig({})).not.toHaveProperty('redisUrl');
  });

  it.each([['localhost:6379'], ['http://127.0.0.1:6379'], ['redis//:secret-pw@host']])('refuses REDIS_URL=%s without echoing it', (url) => {
    expect(() => readConfig({ REDIS_URL: url })).toThrow(
      /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL, e\.g\. redis:\/\/127\.0\.0\.1:6379$/,
    );
  });
});

describe('loadSecret', () => {
  it('uses SECRET_KEY when set, and writes no file', () => {
    const dir = join(temp.dir, 'env');
    mkdirSync(dir);
    expect(loadSecret('k'.repeat(64), dir)).toEqual({ secret: 'k'.repeat(64), created: false });
    expect(() => statSync(join(dir, SECRET_FILE))).toThrow(/ENOENT/);
  });

  it('otherwise generates 32 random bytes as hex, kept in a 0600 file, and reads it back later', () => {
    const dir = join(temp.dir, 'generated');
    mkdirSync(dir);
    const file = join(dir, SECRET_FILE);
    const first = loadSecret(undefined, dir);
    expect(first).toEqual({ secret: expect.stringMatching(/^[0-9a-f]{64}$/), file, created: true });
    expect(readFileSync(file, 'utf8')).toBe(`${first.secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecret('', dir)).toEqual({ secret: first.secret, file, created: false });
  });

  it('fails on a secret file it cannot read, rather than replacing it', () => {
    const dir = join(temp.dir, 'unreadable');
    mkdirSync(join(dir, SECRET_FILE), { recursive: true }); // a folder where the file should be
    expect(() => loadSecret(undefined, dir)).toThrow(/EISDIR/);
  });
});

describe('ensureAdmin', () => {
  const fresh = (name: string) => openDatabase(join(temp.dir, `${name}.db`));

  it('creates admin with ADMIN_PASSWORD on the first start only', async () => {
    const db = fresh('chosen');
    expect(await ensureAdmin(db, 'first-password')).toEqual({ status: 'created' });
    expect(await ensureAdmin(db, 'second-password')).toEqual({ status: 'exists' });
    const admin = db.users.byName('admin')!;
    expect(admin.admin).toBe(1);
    expect(await verifyPassword('first-password', admin)).toBe(true);
    expect(await verifyPassword('second-password', admin)).toBe(false);
    db.close();
  });

  it('generates a password when ADMIN_PASSWORD is unset or empty', async () => {
    for (const password of [undefined, '']) {
      const db = fresh(`generated-${String(password)}`);
      const setup = await ensureAdmin(db, password);
      expect(setup).toEqual({ status: 'generated', password: expect.stringMatching(/^[\w-]{24}$/) });
      expect(await verifyPassword((setup as { password: string }).password, db.users.byName('admin')!)).toBe(true);
      db.close();
    }
  });

  it('refuses a short ADMIN_PASSWORD', async () => {
    const db = fresh('short');
    await expect(ensureAdmin(db, 'short')).rejects.toThrow('ADMIN_PASSWORD: Password must be 8 to 1024 characters');
    expect(db.users.hasAdmin()).toBe(false);
    db.close();
  });
});
