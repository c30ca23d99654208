// What the API writes is in the database file: it is there after closing and reopening.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { ENVELOPE } from '../helpers/app.js';
import { addUser, ADMIN_ID, ADMIN_PASSWORD, login, startApi, tempDir, tokenFor } from './helpers.js';

const temp = tempDir();
afterAll(() => {
  temp.remove();
});

it('keeps users and items in the file across a close and a reopen, and tokens stay valid', async () => {
  const file = join(temp.dir, 'api.db');
  const first = await startApi(file);
  await first.client.post('/items').set('token', tokenFor(ADMIN_ID)).send({ name: 'apple' }).expect(201);
  await first.client.post('/items').set('token', tokenFor(ADMIN_ID)).send({ name: 'pear' }).expect(201);
  await first.client.delete('/items/1').set('token', tokenFor(ADMIN_ID)).expect(204);
  await first.client.put('/items/2').set('token', tokenFor(ADMIN_ID)).send({ name: 'ripe pear' }).expect(200);
  const bob = await addUser(first.client, 'bob', 'bob-secret-1');
  const bobToken = await login(first.client, 'bob', 'bob-secret-1');
  first.db.close();

  // Straight from the file, without the app's code.
  const raw = new Database(file, { readonly: true });
  expect(raw.prepare('SELECT id, name, created_by FROM items').all()).toEqual([{ id: 2, name: 'ripe pear', created_by: 'admin' }]);
  expect(raw.prepare('SELECT id, username, admin FROM users ORDER BY id').all()).toEqual([
    { id: 1, username: 'admin', admin: 1 },
    { id: bob, username: 'bob', admin: 0 },
  ]);
  raw.close();

  const second = await startApi(file);
  expect((await second.client.get('/items').expect(200)).body).toEqual({ items: [expect.objectContaining({ id: 2, name: 'ripe pear' })] });
  expect((await second.client.get('/me').set('token', bobToken).expect(200)).body).toEqual({ id: bob, username: 'bob', admin: false });
  await login(second.client, 'admin', ADMIN_PASSWORD);
  await second.client.delete('/users/bob').set('token', tokenFor(ADMIN_ID)).expect(204);
  second.db.close();

  const third = await startApi(file);
  expect((await third.client.get('/me').set('token', bobToken).expect(401)).body).toEqual(ENVELOPE.noUser);
  third.db.close();
});
