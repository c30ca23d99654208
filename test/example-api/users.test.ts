// GET /me, and the admin-only POST /users and DELETE /users/:name.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../examples/api/body.js';
import { ENVELOPE, EXPRESS } from '../helpers/app.js';
import { makeToken, now, validToken } from '../helpers/tokens.js';
import { addUser, envelope, login, freshApiPerTest, startApi, storedUsernames, tempDir, tokenFor, UUID, type Api } from './helpers.js';

let api: Api;
freshApiPerTest((started) => {
  api = started;
});

const names = (): string[] => storedUsernames(api.file);

/** requireClaims's refusal: the library's 403 envelope, not cached. */
async function expectForbidden(req: ReturnType<Api['client']['get']>): Promise<void> {
  const res = await req.expect(403);
  expect(res.body).toEqual(ENVELOPE.forbidden);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
}

describe('GET /me', () => {
  it('answers the token’s user, without password hash or salt', async () => {
    expect((await api.client.get('/me').set('token', tokenFor(api.adminId)).expect(200)).body).toEqual({
      id: api.adminId,
      username: 'admin',
      admin: true,
    });
    expect(api.adminId).toMatch(UUID);
  });

  it.each([
    ['no token', undefined, ENVELOPE.missing],
    ['a bad token', 'garbage', ENVELOPE.invalid],
    ['an expired token', makeToken({ sub: '1', exp: now() - 1 }), ENVELOPE.expired],
    ['a token of no user', tokenFor(randomUUID()), ENVELOPE.noUser],
    ['a token whose sub is the row number of a user', tokenFor('1'), ENVELOPE.noUser],
  ])('refuses %s', async (_case, token, body) => {
    const req = api.client.get('/me');
    expect((await (token === undefined ? req : req.set('token', token)).expect(Number(body.code))).body).toEqual(body);
  });
});

describe('POST /users (admins only)', () => {
  it('creates a user with 201 and a Location; the user can log in and is no admin', async () => {
    const res = await api.client
      .post('/users')
      .set('token', tokenFor(api.adminId))
      .send({ username: 'bob', password: 'bob-secret-1' })
      .expect(201);
    const { id } = res.body as { id: string };
    expect(id).toMatch(UUID);
    expect(id).not.toBe(api.adminId);
    expect(res.body).toEqual({ id, username: 'bob', admin: false });
    expect(res.headers.location).toBe('/users/bob');
    const token = await login(api.client, 'bob', 'bob-secret-1');
    expect((await api.client.get('/me').set('token', token).expect(200)).body).toEqual({ id, username: 'bob', admin: false });
  });

  it('stores a salted scrypt hash, never the password', async () => {
    await addUser(api, 'bob', 'same-password');
    await addUser(api, 'carol', 'same-password');
    const [bob, carol] = [api.db.users.byName('bob')!, api.db.users.byName('carol')!];
    expect(bob.passwordHash).toHaveLength(64);
    expect(bob.salt).toHaveLength(16);
    expect(bob.salt.equals(carol.salt)).toBe(false);
    expect(bob.passwordHash.equals(carol.passwordHash)).toBe(false);
    expect(bob.passwordHash.toString('latin1')).not.toContain('same-password');
  });

  it.each([['bob'], ['BOB']])('answers an existing name (%s) with 409', async (name) => {
    await addUser(api, 'bob');
    const res = await api.client
      .post('/users')
      .set('token', tokenFor(api.adminId))
      .send({ username: name, password: 'another-password' })
      .expect(409);
    expect(res.body).toEqual(envelope(409, 'Conflict', 'User already exists'));
  });

  it.each([
    ['no password', { username: 'bob' }, MESSAGES.credentials],
    ['a non-string name', { username: 5, password: 'long-enough' }, MESSAGES.credentials],
    ['an empty name', { username: '', password: 'long-enough' }, MESSAGES.username],
    ['a name with a slash', { username: 'a/b', password: 'long-enough' }, MESSAGES.username],
    ['a name of 65 characters', { username: 'a'.repeat(65), password: 'long-enough' }, MESSAGES.username],
    ['a 7-character password', { username: 'bob', password: '1234567' }, MESSAGES.password],
    ['a password over 1024 characters', { username: 'bob', password: 'p'.repeat(1025) }, MESSAGES.password],
  ])('answers %s with 400', async (_case, body, message) => {
    const res = await api.client.post('/users').set('token', tokenFor(api.adminId)).send(body).expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', message));
    expect(names()).toEqual(['admin']);
  });

  it('refuses a user who is not an admin with 403, before reading the body', async () => {
    const bob = await addUser(api, 'bob');
    for (const body of [{ username: 'eve', password: 'eve-password' }, {}]) {
      await expectForbidden(api.client.post('/users').set('token', tokenFor(bob)).send(body));
    }
    expect(names()).toEqual(['admin', 'bob']);
  });

  it.each([
    ['no token', undefined, ENVELOPE.missing],
    ['a bad token', 'garbage', ENVELOPE.invalid],
  ])('refuses %s', async (_case, token, body) => {
    const req = api.client.post('/users').send({ username: 'eve', password: 'eve-password' });
    expect((await (token === undefined ? req : req.set('token', token)).expect(Number(body.code))).body).toEqual(body);
    expect(names()).toEqual(['admin']);
  });
});

describe('DELETE /users/:name (admins only)', () => {
  it('deletes a user with 204: their token then gets 401 User not found, and their login 401', async () => {
    const bob = await addUser(api, 'bob', 'bob-secret-1');
    const token = await login(api.client, 'bob', 'bob-secret-1');
    await api.client.get('/me').set('token', token).expect(200);
    const res = await api.client.delete('/users/bob').set('token', tokenFor(api.adminId)).expect(204);
    expect(res.text).toBe('');
    expect(api.db.users.byId(bob)).toBeUndefined();
    expect((await api.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.noUser);
    expect((await api.client.post('/items').set('token', token).send({ name: 'x' }).expect(401)).body).toEqual(ENVELOPE.noUser);
    await api.client.post('/login').send({ username: 'bob', password: 'bob-secret-1' }).expect(401);
  });

  it('never gives a deleted user’s id to a new user, not even one of the same name, so old tokens stay refused', async () => {
    const bob = await addUser(api, 'bob');
    await api.client.delete('/users/bob').set('token', tokenFor(api.adminId)).expect(204);
    const carol = await addUser(api, 'carol');
    const newBob = await addUser(api, 'bob');
    expect(new Set([bob, carol, newBob, api.adminId]).size).toBe(4);
    expect((await api.client.get('/me').set('token', tokenFor(bob)).expect(401)).body).toEqual(ENVELOPE.noUser);
    expect((await api.client.get('/me').set('token', tokenFor(newBob)).expect(200)).body).toEqual({
      id: newBob,
      username: 'bob',
      admin: false,
    });
  });

  it('deletes whatever the case of the name', async () => {
    await addUser(api, 'bob');
    await api.client.delete('/users/BOB').set('token', tokenFor(api.adminId)).expect(204);
    expect(names()).toEqual(['admin']);
  });

  it('answers an unknown name with 404', async () => {
    expect((await api.client.delete('/users/nobody').set('token', tokenFor(api.adminId)).expect(404)).body).toEqual(
      envelope(404, 'Not Found', 'User not found'),
    );
  });

  it.each([['admin'], ['Admin']])('keeps the admin from deleting their own account (%s): 409', async (name) => {
    const res = await api.client.delete(`/users/${name}`).set('token', tokenFor(api.adminId)).expect(409);
    expect(res.body).toEqual(envelope(409, 'Conflict', 'You cannot delete your own account'));
    expect(names()).toEqual(['admin']);
  });

  it('refuses a user who is not an admin with 403', async () => {
    const bob = await addUser(api, 'bob');
    await addUser(api, 'carol');
    await expectForbidden(api.client.delete('/users/carol').set('token', tokenFor(bob)));
    await expectForbidden(api.client.delete('/users/admin').set('token', tokenFor(bob)));
    expect(names()).toEqual(['admin', 'bob', 'carol']);
  });

  it.each([
    ['no token', undefined, ENVELOPE.missing],
    ['an expired token', makeToken({ sub: '1', exp: now() - 1 }), ENVELOPE.expired],
  ])('refuses %s', async (_case, token, body) => {
    await addUser(api, 'bob');
    const req = api.client.delete('/users/bob');
    expect((await (token === undefined ? req : req.set('token', token)).expect(Number(body.code))).body).toEqual(body);
    expect(names()).toEqual(['admin', 'bob']);
  });
});

describe.each(EXPRESS)('the admin-only routes use requireClaims with a predicate on req.user (%s)', (_name, express) => {
  const temp = tempDir();
  let app: Api;
  beforeEach(async () => {
    app = await startApi(join(temp.dir, `${_name}-${String(Date.now())}.db`), { express });
  });
  afterEach(() => {
    app.db.close();
  });
  afterAll(() => {
    temp.remove();
  });

  const adminRoutes = (token: string) => [
    app.client.post('/users').set('token', token).send({ username: 'eve', password: 'eve-password' }),
    app.client.delete('/users/bob').set('token', token),
  ];

  it('lets the admin through (201, 204) and refuses a user with the library’s 403, not cached, changing nothing', async () => {
    const bob = await addUser(app, 'bob');
    for (const req of adminRoutes(tokenFor(bob))) await expectForbidden(req);
    expect(storedUsernames(app.file)).toEqual(['admin', 'bob']);
    const [create, remove] = adminRoutes(tokenFor(app.adminId));
    expect((await create!.expect(201)).body).toEqual({ id: expect.stringMatching(UUID), username: 'eve', admin: false });
    expect((await remove!.expect(204)).text).toBe('');
    expect(storedUsernames(app.file)).toEqual(['admin', 'eve']);
  });

  it('trusts the database, not the token: an `admin: true` claim makes no admin, and an admin demoted in the file is refused at once', async () => {
    const bob = await addUser(app, 'bob');
    for (const req of adminRoutes(validToken({ sub: bob, admin: true }))) await expectForbidden(req);
    const adminToken = tokenFor(app.adminId);
    const raw = new Database(app.file);
    raw.prepare('UPDATE users SET admin = 0 WHERE id = ?').run(app.adminId);
    raw.close();
    for (const req of adminRoutes(adminToken)) await expectForbidden(req);
    expect(storedUsernames(app.file)).toEqual(['admin', 'bob']);
  });
});
