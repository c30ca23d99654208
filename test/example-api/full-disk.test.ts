// The example API on a full disk: a failed write is never answered as a success.
// On a real, full file system (a small tmpfs the test mounts, so it needs root), on Express 5 and Express 4.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../examples/api/db.js';
import { EXPRESS } from '../helpers/app.js';
import { addUser, ADMIN_PASSWORD, envelope, login, startApi, storedUsernames, tokenFor, type Api } from './helpers.js';

/** Whether this process may mount a tmpfs: root, and (in a container) the right to mount. Tried once, on a scratch folder. */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const IS_ROOT = canMount();
const SKIPPED = 'skipped: mounting a tmpfs needs root with the right to mount (run the tests as root to fill a real file system)';
if (!IS_ROOT) console.warn(`test/example-api/full-disk.test.ts: ${SKIPPED}`);

const FAILED = envelope(500, 'Internal Server Error', 'Internal Server Error');
const DISK_FULL = 'error: SqliteError: database or disk is full';
/** 200 characters, the longest name, so that the disk fills in a few dozen items. */
const longName = (i: number): string => `item ${String(i)} `.padEnd(200, 'x');

/** The items in the file, read with a connection of its own. */
function storedItems(file: string): Item[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw
      .prepare<[], Item>(
        'SELECT id, name, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt FROM items ORDER BY id',
      )
      .all();
  } finally {
    raw.close();
  }
}

function storedRevocations(file: string): unknown[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare('SELECT jti, expires_at FROM revoked_tokens ORDER BY jti').all();
  } finally {
    raw.close();
  }
}

/** Takes every byte left on the file system with one file (ENOSPC ends it). */
function fillUp(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe.each(EXPRESS)('on a full file system, a tmpfs the test mounts (%s; root only, skipped otherwise)', (_name, express) => {
  let dir = '';
  let mounted = false;
  let api: Api;
  let closeDb = (): void => undefined;
  /** What the API answered as written: the items as they must be in the file. */
  const written = new Map<number, Item>();
  let bob = '';

  beforeAll(async () => {
    if (!IS_ROOT) return;
    dir = mkdtempSync(join(tmpdir(), 'etr-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', dir]);
    mounted = true;
    api = await startApi(join(dir, 'api.db'), { express });
    closeDb = () => {
      api.db.close();
    };
    bob = await addUser(api, 'bob', 'bob-password');
  });

  afterAll(() => {
    if (!IS_ROOT) return;
    closeDb();
    if (mounted) execFileSync('umount', [dir]);
    rmdirSync(dir);
  });

  it.skipIf(!IS_ROOT)(
    'POST /items until the disk is full: each answer is 201 or the 500 envelope, and exactly the 201s are stored',
    async () => {
      const statuses: number[] = [];
      let failuresInARow = 0;
      for (let i = 0; i < 600 && failuresInARow < 20; i++) {
        const res = await api.client
          .post('/items')
          .set('token', tokenFor(api.adminId))
          .send({ name: longName(i) });
        statuses.push(res.status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        if (res.status === 201) {
          const item = res.body as Item;
          expect(item).toEqual({
            id: expect.any(Number),
            name: longName(i),
            createdBy: 'admin',
            createdAt: expect.any(String),
            updatedAt: expect.any(String),
          });
          expect(res.headers.location).toBe(`/items/${String(item.id)}`);
          written.set(item.id, item);
          failuresInARow = 0;
        } else {
          expect(res.status).toBe(500);
          expect(res.body).toEqual(FAILED);
          failuresInARow++;
        }
      }
      const failures = statuses.filter((status) => status === 500).length;
      // The disk really filled: writes succeeded first, then failed.
      expect(written.size).toBeGreaterThan(5);
      expect(failures).toBeGreaterThanOrEqual(20);
      expect(statuses.filter((status) => status !== 201 && status !== 500)).toEqual([]);
      expect(api.logs.filter((line) => line.startsWith(`${DISK_FULL}\n`))).toHaveLength(failures);
      expect(storedItems(api.file)).toEqual([...written.values()]);
      expect((await api.client.get('/items').expect(200)).body).toEqual({ items: [...written.values()] });
    },
    60_000,
  );

  it.skipIf(!IS_ROOT)(
    'PUT /items/:id once the last bytes are taken too: 200 or the 500 envelope, and exactly the 200s are stored',
    async () => {
      fillUp(dir);
      const ids = [...written.keys()];
      let failuresInARow = 0;
      let failures = 0;
      // Until the space a failed write had taken is used up: then no write of one page fits.
      for (let i = 0; i < 200 && failuresInARow < 5; i++) {
        const id = ids[i % ids.length]!;
        const res = await api.client
          .put(`/items/${String(id)}`)
          .set('token', tokenFor(api.adminId))
          .send({ name: longName(1000 + i) });
        if (res.status === 200) {
          expect(res.body).toEqual({ ...written.get(id), name: longName(1000 + i), updatedAt: expect.any(String) });
          written.set(id, res.body as Item);
          failuresInARow = 0;
        } else {
          expect([res.status, res.body]).toEqual([500, FAILED]);
          failuresInARow++;
          failures++;
        }
      }
      expect(failures).toBeGreaterThanOrEqual(5);
      expect(storedItems(api.file)).toEqual([...written.values()]);
    },
    60_000,
  );

  it.skipIf(!IS_ROOT)(
    'then every write answers the 500 envelope, never 201/200/204, and nothing of it is stored',
    async () => {
      const [first] = written.keys();
      const path = `/items/${String(first)}`;
      const adminToken = await login(api.client, 'admin', ADMIN_PASSWORD);
      const revokedBefore = storedRevocations(api.file);
      const logsBefore = api.logs.filter((line) => line.startsWith(`${DISK_FULL}\n`)).length;
      const writes = [
        ['POST /items', () => api.client.post('/items').set('token', tokenFor(api.adminId)).send({ name: 'one more' })],
        [`PUT ${path}`, () => api.client.put(path).set('token', tokenFor(api.adminId)).send({ name: 'renamed' })],
        [`DELETE ${path}`, () => api.client.delete(path).set('token', tokenFor(api.adminId))],
        [
          'POST /users',
          () => api.client.post('/users').set('token', tokenFor(api.adminId)).send({ username: 'carol', password: 'carol-password' }),
        ],
        ['DELETE /users/bob', () => api.client.delete('/users/bob').set('token', tokenFor(api.adminId))],
        ['POST /logout', () => api.client.post('/logout').set('token', adminToken)],
      ] as const;
      for (const [route, send] of writes) {
        const res = await send();
        expect([route, res.status, res.body, res.headers['content-type']]).toEqual([route, 500, FAILED, 'application/json; charset=utf-8']);
      }
      expect(api.logs.filter((line) => line.startsWith(`${DISK_FULL}\n`))).toHaveLength(logsBefore + writes.length);

      expect(storedItems(api.file)).toEqual([...written.values()]);
      expect(storedUsernames(api.file)).toEqual(['admin', 'bob']);
      expect(storedRevocations(api.file)).toEqual(revokedBefore);
      // As the app sees it: the item is there unchanged, bob still exists, the token still works.
      expect((await api.client.get(path).expect(200)).body).toEqual(written.get(first!));
      expect((await api.client.get('/me').set('token', tokenFor(bob)).expect(200)).body).toEqual({
        id: bob,
        username: 'bob',
        admin: false,
      });
      await api.client.get('/me').set('token', adminToken).expect(200);
    },
    60_000,
  );
});
