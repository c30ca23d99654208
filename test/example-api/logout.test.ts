// POST /logout: the presented token is revoked, and refused from then on by every protected route.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/index.js';
import { ENVELOPE, EXPRESS } from '../helpers/app.js';
import { freezeClock, thawClock } from '../helpers/clock.js';
import { makeToken, now, SECRET } from '../helpers/tokens.js';
import { addUser, ADMIN_PASSWORD, envelope, login, freshApiPerTest, startApi, tempDir, tokenFor, type Api } from './helpers.js';

let api: Api;
freshApiPerTest((started) => {
  api = started;
});

const adminToken = () => login(api.client, 'admin', ADMIN_PASSWORD);

/** Every protected route, each with a request that would succeed with a good token. */
const PROTECTED = [
  ['POST /items', (token: string) => api.client.post('/items').set('token', token).send({ name: 'pear' }), 201],
  ['PUT /items/1', (token: string) => api.client.put('/items/1').set('token', token).send({ name: 'green apple' }), 200],
  ['DELETE /items/1', (token: string) => api.client.delete('/items/1').set('token', token), 204],
  ['GET /me', (token: string) => api.client.get('/me').set('token', token), 200],
  [
    'POST /users',
    (token: string) => api.client.post('/users').set('token', token).send({ username: 'carol', password: 'carol-password' }),
    201,
  ],
  ['DELETE /users/bob', (token: string) => api.client.delete('/users/bob').set('token', token), 204],
  ['POST /logout', (token: string) => api.client.post('/logout').set('token', token), 204],
] as const;

describe('POST /logout', () => {
  it('answers 204 with no body, and revokes the token by its jti until its exp', async () => {
    const token = await adminToken();
    const { jti, exp } = await verifyToken(token, { secret: SECRET });
    const res = await api.client.post('/logout').set('token', token).expect(204);
    expect(res.text).toBe('');
    expect(await api.db.revocations.isRevoked({ jti: jti!, exp: exp! })).toBe(true);
    const raw = new Database(api.file, { readonly: true });
    expect(raw.prepare('SELECT jti, expires_at FROM revoked_tokens').all()).toEqual([{ jti, expires_at: exp }]);
    raw.close();
  });

  it.each(PROTECTED)('then refuses the token on %s with 401 Token revoked, changing nothing', async (_route, send) => {
    await api.client.post('/items').set('token', tokenFor(api.adminId)).send({ name: 'apple' }).expect(201);
    await addUser(api, 'bob');
    const token = await adminToken();
    await api.client.post('/logout').set('token', token).expect(204);

    const res = await send(token).expect(401);
    expect(res.body).toEqual(ENVELOPE.revoked);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(api.db.items.list().map((item) => item.name)).toEqual(['apple']);
    expect(api.db.users.byName('bob')).toBeDefined();
    expect(api.db.users.byName('carol')).toBeUndefined();
  });

  it.each(PROTECTED)('leaves the user’s other tokens working on %s', async (_route, send, status) => {
    await api.client.post('/items').set('token', tokenFor(api.adminId)).send({ name: 'apple' }).expect(201);
    await addUser(api, 'bob');
    const [loggedOut, other] = [await adminToken(), await adminToken()];
    await api.client.post('/logout').set('token', loggedOut).expect(204);
    await send(other).expect(status);
  });

  it('leaves public routes open to a logged-out token, as to anyone', async () => {
    const token = await adminToken();
    await api.client.post('/logout').set('token', token).expect(204);
    await api.client.get('/items').set('token', token).expect(200, { items: [] });
  });

  it('logging out twice: the second time is 401 Token revoked', async () => {
    const token = await adminToken();
    await api.client.post('/logout').set('token', token).expect(204);
    expect((await api.client.post('/logout').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
  });

  it('lets the user log in again with a new token', async () => {
    const token = await adminToken();
    await api.client.post('/logout').set('token', token).expect(204);
    const again = await adminToken();
    expect((await api.client.get('/me').set('token', again).expect(200)).body).toEqual({ id: api.adminId, username: 'admin', admin: true });
  });

  it('only revokes the user’s own token, not another user’s', async () => {
    await addUser(api, 'bob', 'bob-password');
    const bob = await login(api.client, 'bob', 'bob-password');
    await api.client
      .post('/logout')
      .set('token', await adminToken())
      .expect(204);
    await api.client.get('/me').set('token', bob).expect(200);
  });

  it.each([
    ['no token', undefined, ENVELOPE.missing],
    ['an empty token', '', ENVELOPE.missing],
    ['a bad token', 'not.a.token', ENVELOPE.invalid],
    ['an expired token', makeToken({ sub: '1', jti: 'old', iat: now() - 7200, exp: now() - 3600 }), ENVELOPE.expired],
    ['the token of a user that does not exist', makeToken({ sub: randomUUID(), jti: 'ghost', exp: now() + 60 }), ENVELOPE.noUser],
  ])('refuses %s as every protected route does, revoking nothing', async (_case, token, body) => {
    const req = api.client.post('/logout');
    const res = await (token === undefined ? req : req.set('token', token)).expect(Number(body.code));
    expect(res.body).toEqual(body);
    expect(api.db.revocations.sweep()).toBe(0);
    expect(await api.db.revocations.isRevoked({ jti: 'old' })).toBe(false);
    expect(await api.db.revocations.isRevoked({ jti: 'ghost' })).toBe(false);
  });

  it('answers a valid token without jti with 400: it cannot be revoked by id', async () => {
    const token = tokenFor(api.adminId); // made by hand, without jti
    const res = await api.client.post('/logout').set('token', token).expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', 'Token without jti cannot be revoked'));
    await api.client.get('/me').set('token', token).expect(200);
  });

  it('answers 500 when the store fails, and the token is not let through afterwards', async () => {
    const token = await adminToken();
    api.db.close();
    expect((await api.client.post('/logout').set('token', token).expect(500)).body).toEqual(
      envelope(500, 'Internal Server Error', 'Internal Server Error'),
    );
    expect((await api.client.get('/me').set('token', token).expect(500)).body).toEqual(
      envelope(500, 'Internal Server Error', 'Internal Server Error'),
    );
  });
});

describe.each(EXPRESS)('with the app’s clockTolerance (%s)', (_name, express) => {
  const temp = tempDir();
  let tolerant: Api;
  beforeEach(async () => {
    tolerant = await startApi(join(temp.dir, `${_name}-${String(Date.now())}.db`), { express, clockTolerance: 30 });
  });
  afterEach(() => {
    thawClock();
    tolerant.db.close();
  });
  afterAll(() => {
    temp.remove();
  });

  it('revokes a token past its exp but inside the tolerance until ceil(exp + clockTolerance), every second the guards accept it', async () => {
    const T = now();
    const exp = T - 10.5; // fractional, as some issuers write it
    const token = makeToken({ sub: tolerant.adminId, jti: 'late', iat: T - 3600, exp });
    await tolerant.client.get('/me').set('token', token).expect(200);
    const res = await tolerant.client.post('/logout').set('token', token).expect(204);
    expect(res.text).toBe('');
    const raw = new Database(tolerant.file, { readonly: true });
    expect(raw.prepare('SELECT jti, expires_at FROM revoked_tokens').all()).toEqual([{ jti: 'late', expires_at: Math.ceil(exp + 30) }]);
    raw.close();
    expect((await tolerant.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);

    // The last second the guards would accept the token, the entry still counts; then both refuse it by expiry.
    freezeClock(Math.ceil(exp + 30) - 0.001);
    expect((await tolerant.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
    freezeClock(Math.ceil(exp + 30));
    expect((await tolerant.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.expired);
    expect(tolerant.db.revocations.sweep()).toBe(1);
  });

  it('refuses a token past exp and the tolerance as expired, revoking nothing', async () => {
    const token = makeToken({ sub: tolerant.adminId, jti: 'old', iat: now() - 3600, exp: now() - 31 });
    expect((await tolerant.client.post('/logout').set('token', token).expect(401)).body).toEqual(ENVELOPE.expired);
    expect(await tolerant.db.revocations.isRevoked({ jti: 'old' })).toBe(false);
  });
});
