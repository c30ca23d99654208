// What the API writes is in the database file: it is there after closing and reopening.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../examples/api/db.js';
import { ENVELOPE } from '../helpers/app.js';
import { addUser, ADMIN_PASSWORD, login, startApi, tempDir, tokenFor, UUID } from './helpers.js';

const temp = tempDir();
afterAll(() => {
  temp.remove();
});

it('keeps users and items in the file across a close and a reopen, and tokens stay valid', async () => {
  const file = join(temp.dir, 'api.db');
  const first = await startApi(file);
  await first.client.post('/items').set('token', tokenFor(first.adminId)).send({ name: 'apple' }).expect(201);
  await first.client.post('/items').set('token', tokenFor(first.adminId)).send({ name: 'pear' }).expect(201);
  await first.client.delete('/items/1').set('token', tokenFor(first.adminId)).expect(204);
  await first.client.put('/items/2').set('token', tokenFor(first.adminId)).send({ name: 'ripe pear' }).expect(200);
  const bob = await addUser(first, 'bob', 'bob-secret-1');
  const bobToken = await login(first.client, 'bob', 'bob-secret-1');
  first.db.close();

  // Straight from the file, without the app's code.
  const raw = new Database(file, { readonly: true });
  expect(raw.prepare('SELECT id, name, created_by FROM items').all()).toEqual([{ id: 2, name: 'ripe pear', created_by: 'admin' }]);
  expect(raw.prepare('SELECT id, username, admin FROM users ORDER BY rowid').all()).toEqual([
    { id: first.adminId, username: 'admin', admin: 1 },
    { id: bob, username: 'bob', admin: 0 },
  ]);
  expect(first.adminId).toMatch(UUID);
  expect(bob).toMatch(UUID);
  raw.close();

  const second = await startApi(file);
  expect((await second.client.get('/items').expect(200)).body).toEqual({ items: [expect.objectContaining({ id: 2, name: 'ripe pear' })] });
  expect((await second.client.get('/me').set('token', bobToken).expect(200)).body).toEqual({ id: bob, username: 'bob', admin: false });
  await login(second.client, 'admin', ADMIN_PASSWORD);
  expect(second.adminId).toBe(first.adminId);
  await second.client.delete('/users/bob').set('token', tokenFor(second.adminId)).expect(204);
  second.db.close();

  const third = await startApi(file);
  expect((await third.client.get('/me').set('token', bobToken).expect(401)).body).toEqual(ENVELOPE.noUser);
  third.db.close();
});

it('refuses at start-up a file made with numeric user ids, whose tokens could name someone else, leaving it as it was', () => {
  const file = join(temp.dir, 'numeric-ids.db');
  const old = new Database(file);
  old.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash BLOB NOT NULL, salt BLOB NOT NULL, admin INTEGER NOT NULL DEFAULT 0, created_at TEXT) STRICT`);
  old.prepare("INSERT INTO users (username, password_hash, salt, admin) VALUES ('admin', x'00', x'00', 1)").run();
  old.close();
  expect(() => openDatabase(file)).toThrow(
    `${file} was made by an older version of this example, with numeric user ids; move it away (or rm -rf its folder) to start afresh`,
  );
  const raw = new Database(file, { readonly: true });
  expect(raw.prepare('SELECT id, username FROM users').all()).toEqual([{ id: 1, username: 'admin' }]);
  expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual([
    { name: 'sqlite_sequence' },
    { name: 'users' },
  ]);
  raw.close();
});
