// Several instances of the example API with one secret: one user store, each other's logouts.
// They share one user store (one SQLite file) and see each other's logouts (through that file, or one
// Redis); on separate files, a token names no one on the other.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken, type TokenPayload } from '../../src/index.js';
import { RedisRevocationStore } from '../../src/redis.js';
import { ENVELOPE, EXPRESS, type ExpressFactory } from '../helpers/app.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { makeToken, SECRET } from '../helpers/tokens.js';
import { addUser, ADMIN_PASSWORD, envelope, login, startApi, storedUsernames, tempDir, UUID, type Api } from './helpers.js';

const temp = tempDir();
let redisServer: RedisServer;
const apis: Api[] = [];
/** node-redis, retrying every 50 ms once connected (the outage test stops its server). */
const newClient = (url: string) => createClient({ url, socket: { reconnectStrategy: 50 } });
type Client = ReturnType<typeof newClient>;
const clients: Client[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
}, 20_000);

afterEach(() => {
  for (const api of apis.splice(0)) api.db.close();
  for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
});

afterAll(async () => {
  await redisServer.stop();
  temp.remove();
});

async function instance(file: string, redis?: Client, timeout?: number, express?: ExpressFactory): Promise<Api> {
  const api = await startApi(join(temp.dir, file), {
    ...(redis && { revocations: new RedisRevocationStore(redis, { timeout }) }),
    ...(express && { express }),
  });
  apis.push(api);
  return api;
}

async function redisClient(url = redisServer.url): Promise<Client> {
  const client = newClient(url);
  client.on('error', () => undefined); // reconnection noise in the outage test
  clients.push(client);
  await client.connect();
  return client;
}

/** Logs in on `a`, checks the token on `b`, logs out on `a`: then both refuse it, and a fresh token works on both. */
async function logoutSeenByBoth(a: Api, b: Api): Promise<void> {
  const token = await login(a.client, 'admin', ADMIN_PASSWORD);
  const other = await login(b.client, 'admin', ADMIN_PASSWORD);
  await b.client.get('/me').set('token', token).expect(200);
  await a.client.post('/logout').set('token', token).expect(204);

  for (const api of [b, a]) {
    expect((await api.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
    expect((await api.client.post('/items').set('token', token).send({ name: 'x' }).expect(401)).body).toEqual(ENVELOPE.revoked);
    expect((await api.client.post('/logout').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
    await api.client.get('/me').set('token', other).expect(200);
  }
}

describe('two instances on two SQLite handles of the same file', () => {
  it('a token logged out through one is refused by the other', async () => {
    const a = await instance('shared.db');
    const b = await instance('shared.db');
    expect(a.db).not.toBe(b.db);
    await logoutSeenByBoth(a, b);
    await logoutSeenByBoth(b, a);
  });
});

describe('two instances sharing one redis-server', () => {
  it('a token logged out through one is refused by the other, on one database file, each with its own client', async () => {
    const a = await instance('redis-shared.db', await redisClient());
    const b = await instance('redis-shared.db', await redisClient());
    await logoutSeenByBoth(a, b);
    await logoutSeenByBoth(b, a);
  });

  it('keeps the revocation in Redis (expiring with the token), not in the SQLite files', async () => {
    const redis = await redisClient();
    const a = await instance('redis-only.db', redis);
    const token = await login(a.client, 'admin', ADMIN_PASSWORD);
    await a.client.post('/logout').set('token', token).expect(204);
    const { jti, exp } = await verifyToken(token, { secret: SECRET });
    expect(await redis.sendCommand(['PEXPIRETIME', `express-token-required:revoked:${jti!}`])).toBe(exp! * 1000);
    expect(await a.db.revocations.isRevoked({ jti: jti!, exp: exp! })).toBe(false);
    const raw = new Database(a.file, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM revoked_tokens').get()).toEqual({ n: 0 });
    raw.close();
    // Another instance on the same file, with its own client of the same Redis, refuses it too.
    const fresh = await instance('redis-only.db', await redisClient());
    expect((await fresh.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
  });

  it('gives Redis the app’s clockTolerance on logout: the key lives until ceil(exp + clockTolerance)', async () => {
    const redis = await redisClient();
    const api = await startApi(join(temp.dir, 'redis-tolerant.db'), { revocations: new RedisRevocationStore(redis), clockTolerance: 30 });
    apis.push(api);
    const exp = Math.floor(Date.now() / 1000) - 10.5; // past exp, inside the tolerance
    const token = makeToken({ sub: api.adminId, jti: 'late-redis', iat: exp - 3600, exp });
    await api.client.post('/logout').set('token', token).expect(204);
    expect(await redis.sendCommand(['PEXPIRETIME', 'express-token-required:revoked:late-redis'])).toBe(Math.ceil(exp + 30) * 1000);
    expect((await api.client.get('/me').set('token', token).expect(401)).body).toEqual(ENVELOPE.revoked);
  });

  it('answers 500 through the app’s error handler while Redis is unreachable, never letting the token through', async () => {
    const outage = await startRedis();
    const api = await instance('outage.db', await redisClient(outage.url), 200);
    const token = await login(api.client, 'admin', ADMIN_PASSWORD);
    await api.client.post('/logout').set('token', token).expect(204);
    await outage.stop();

    const started = Date.now();
    for (const req of [api.client.get('/me'), api.client.post('/logout'), api.client.delete('/items/1')]) {
      const res = await req.set('token', token).expect(500);
      expect(res.body).toEqual(envelope(500, 'Internal Server Error', 'Internal Server Error'));
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(api.logs.filter((line) => line.startsWith('error: Error: express-token-required/redis: Redis '))).toHaveLength(3);
  });
});

describe.each(EXPRESS)('a token names exactly one user (%s)', (_name, express) => {
  const payloadOf = (token: string): Promise<TokenPayload> => verifyToken(token, { secret: SECRET });

  it('one secret, one database file: a user added on one instance is the same user, by the same UUID, on the other', async () => {
    const a = await instance(`one-file-${_name}.db`, undefined, undefined, express);
    const b = await instance(`one-file-${_name}.db`, undefined, undefined, express);
    expect(b.adminId).toBe(a.adminId);
    const bob = await addUser(a, 'bob', 'bob-password');
    const token = await login(b.client, 'bob', 'bob-password');
    expect((await payloadOf(token)).sub).toBe(bob);
    expect((await a.client.get('/me').set('token', token).expect(200)).body).toEqual({ id: bob, username: 'bob', admin: false });
  });

  it('one secret, two database files: a token from A is 401 User not found on B, never B’s user in the same place', async () => {
    const a = await instance(`a-${_name}.db`, undefined, undefined, express);
    const b = await instance(`b-${_name}.db`, undefined, undefined, express);
    // The README's old layout: bob is A's second user, carol B's second user.
    const bob = await addUser(a, 'bob', 'bob-password');
    const carol = await addUser(b, 'carol', 'carol-password');
    const bobToken = await login(a.client, 'bob', 'bob-password');
    const adminOfA = await login(a.client, 'admin', ADMIN_PASSWORD);
    for (const id of [a.adminId, b.adminId, bob, carol]) expect(id).toMatch(UUID);
    expect(new Set([a.adminId, b.adminId, bob, carol]).size).toBe(4);
    expect((await payloadOf(bobToken)).sub).toBe(bob);
    expect((await payloadOf(adminOfA)).sub).toBe(a.adminId);

    for (const token of [bobToken, adminOfA]) {
      for (const req of [
        b.client.get('/me'),
        b.client.post('/items').send({ name: 'from A' }),
        b.client.post('/users').send({ username: 'mallory', password: 'mallory-password' }),
        b.client.delete('/users/carol'),
        b.client.post('/logout'),
      ]) {
        const res = await req.set('token', token).expect(401);
        expect(res.body).toEqual(ENVELOPE.noUser);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    }
    expect((await b.client.get('/items').expect(200)).body).toEqual({ items: [] });
    expect(storedUsernames(b.file)).toEqual(['admin', 'carol']);
    expect(await b.db.revocations.isRevoked(await payloadOf(bobToken))).toBe(false);
    // On A, the same tokens are bob and A's admin.
    expect((await a.client.get('/me').set('token', bobToken).expect(200)).body).toEqual({ id: bob, username: 'bob', admin: false });
    expect((await a.client.get('/me').set('token', adminOfA).expect(200)).body).toEqual({ id: a.adminId, username: 'admin', admin: true });
  });
});
