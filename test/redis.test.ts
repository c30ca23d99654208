// RedisRevocationStore against a real redis-server: shared revocation, expiry with the token, outages.
import express5, { type ErrorRequestHandler, type RequestHandler } from 'express';
import express4 from 'express4';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken, tokenRequired, verifyToken, type TokenPayload } from '../src/index.js';
import { RedisRevocationStore, type RedisClientLike } from '../src/redis.js';
import { ENVELOPE, EXPRESS, type ExpressFactory } from './helpers/app.js';
import { freePort } from './helpers/ports.js';
import { ioredisStyle, redisClients, startRedis, type NodeRedis, type RedisServer } from './helpers/redis.js';
import { SECRET, now } from './helpers/tokens.js';

const PREFIX = 'express-token-required:revoked:';
let server: RedisServer;
const { connect, closeAll } = redisClients(() => server.url);

beforeAll(async () => {
  server = await startRedis();
}, 20_000);

afterEach(() => {
  closeAll();
});

afterAll(async () => {
  await server.stop();
});

/** One instance of an app: its own Redis client and store, a logout route, a guarded route. */
function appInstance(express: ExpressFactory, client: RedisClientLike, timeout = 1000) {
  const store = new RedisRevocationStore(client, { timeout });
  const guard = tokenRequired({ secret: SECRET, isRevoked: (payload) => store.isRevoked(payload) });
  const errors: unknown[] = [];
  const app = express();
  const logout: RequestHandler = (req, res, next) => {
    store.revoke(req.auth!).then(() => res.status(204).end(), next);
  };
  app.post('/logout', guard, logout);
  app.get('/protected', guard, (req, res) => res.json({ sub: req.auth?.sub }));
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    errors.push(err);
    res.status(500).json({ error: 'handler' });
  };
  app.use(onError);
  return { client: request(app), errors, store };
}

const ttlOf = async (client: NodeRedis, jti: string) => ({
  pexpiretime: await client.sendCommand(['PEXPIRETIME', PREFIX + jti]),
  exists: await client.exists(PREFIX + jti),
});

describe.each(EXPRESS)('%s: a revoked token stays refused for every second it would be accepted', (_name, express) => {
  // With clockTolerance 30, verification accepts a token until exp + 30: so must revocation last.
  it.each([
    ['revoked before exp, presented after it', 1],
    ['revoked after exp, inside the tolerance', -10],
  ])(
    '%s',
    async (_case, lifetime) => {
      const store = new RedisRevocationStore(await connect(), { clockTolerance: 30 });
      const guard = tokenRequired({ secret: SECRET, clockTolerance: 30, isRevoked: (payload) => store.isRevoked(payload) });
      const app = express();
      app.get('/protected', guard, (req, res) => res.json({ sub: req.auth?.sub }));
      const token = signToken({ sub: '42', exp: now() + lifetime }, { secret: SECRET });
      await request(app).get('/protected').set('token', token).expect(200, { sub: '42' });
      const payload = await verifyToken(token, { secret: SECRET, clockTolerance: 30 });
      await store.revoke(payload);
      const wait = payload.exp! * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 20));
      // Now past exp, inside the tolerance: verification alone would accept it.
      expect(now()).toBeGreaterThanOrEqual(payload.exp!);
      const res = await request(app).get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.revoked);
    },
    10_000,
  );
});

describe('revocation shared through Redis', () => {
  it.each([
    ['Express 5 revokes, Express 4 refuses', express5, express4],
    ['Express 4 revokes, Express 5 refuses', express4, express5],
  ])('a token revoked through one app instance is refused by another (%s)', async (_case, expressA, expressB) => {
    const a = appInstance(expressA, await connect());
    const b = appInstance(expressB, await connect());
    const token = signToken({ sub: '42' }, { secret: SECRET });
    const other = signToken({ sub: '43' }, { secret: SECRET });

    await b.client.get('/protected').set('token', token).expect(200, { sub: '42' });
    await a.client.post('/logout').set('token', token).expect(204);

    for (const instance of [a, b]) {
      const res = await instance.client.get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.revoked);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // Another token of the same user is untouched.
    await b.client.get('/protected').set('token', other).expect(200, { sub: '43' });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('stores SET <prefix><jti> 1 PXAT <exp in ms>: the entry disappears when the token would have expired', async () => {
    const redis = await connect();
    const store = new RedisRevocationStore(redis);
    const exp = now() + 2;
    const payload = { jti: 'short-lived', exp };
    await store.revoke(payload);

    expect(await redis.get(`${PREFIX}short-lived`)).toBe('1');
    expect(await ttlOf(redis, 'short-lived')).toEqual({ pexpiretime: exp * 1000, exists: 1 });
    const pttl = await redis.pTTL(`${PREFIX}short-lived`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2000);
    await expect(store.isRevoked(payload)).resolves.toBe(true);

    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 100));
    expect(await redis.exists(`${PREFIX}short-lived`)).toBe(0);
    await expect(store.isRevoked(payload)).resolves.toBe(false);
  }, 10_000);

  it.each<[string, number, number, (exp: number) => number]>([
    ['a whole exp, no tolerance', 60, 0, (exp) => exp * 1000],
    ['a whole exp, clockTolerance 30', 60, 30, (exp) => (exp + 30) * 1000],
    ['a fractional exp (time.time() + 3600), rounded up', 60.25, 0, (exp) => Math.ceil(exp) * 1000],
    ['a fractional exp and a fractional tolerance', 60.25, 0.5, (exp) => Math.ceil(exp + 0.5) * 1000],
  ])('keeps the entry until ceil(exp + clockTolerance): %s', async (_case, lifetime, clockTolerance, expected) => {
    const redis = await connect();
    const exp = now() + lifetime;
    await new RedisRevocationStore(redis).revoke({ jti: 'window', exp }, { clockTolerance });
    expect(await ttlOf(redis, 'window')).toEqual({ pexpiretime: expected(exp), exists: 1 });
    await redis.del(`${PREFIX}window`);
    await new RedisRevocationStore(redis, { clockTolerance }).revoke({ jti: 'window', exp });
    expect(await ttlOf(redis, 'window')).toEqual({ pexpiretime: expected(exp), exists: 1 });
  });

  it('keeps a token whose exp is past what Redis can store (1e20) revoked for good, rather than failing', async () => {
    const redis = await connect();
    const store = new RedisRevocationStore(redis);
    await store.revoke({ jti: 'far', exp: 1e20 });
    expect(await redis.pTTL(`${PREFIX}far`)).toBe(-1);
    await expect(store.isRevoked({ jti: 'far' })).resolves.toBe(true);
  });

  it('lets a revoke call override the store-wide clockTolerance', async () => {
    const redis = await connect();
    const exp = now() + 60;
    await new RedisRevocationStore(redis, { clockTolerance: 30 }).revoke({ jti: 'override', exp }, { clockTolerance: 5 });
    expect(await ttlOf(redis, 'override')).toEqual({ pexpiretime: (exp + 5) * 1000, exists: 1 });
  });

  it('revokes a token past its exp but still inside the tolerance (not a no-op)', async () => {
    const redis = await connect();
    const exp = now() - 10;
    await new RedisRevocationStore(redis).revoke({ jti: 'late', exp }, { clockTolerance: 30 });
    expect(await ttlOf(redis, 'late')).toEqual({ pexpiretime: (exp + 30) * 1000, exists: 1 });
    await new RedisRevocationStore(redis).revoke({ jti: 'too-late', exp: now() - 31 }, { clockTolerance: 30 });
    expect(await redis.exists(`${PREFIX}too-late`)).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative clockTolerance', { clockTolerance: -1 }, /option 'clockTolerance' must be a number of at least 0 \(got -1\)/],
    ['a string clockTolerance', { clockTolerance: '30s' }, /option 'clockTolerance' must be a number/],
    ['an unknown option', { tolerance: 30 }, /unknown option 'tolerance' for revoke\(\)/],
    ['options that are not an object', 30, /revoke\(\) options must be an object such as \{ clockTolerance: 30 \} \(got 30\)/],
  ])('rejects %s in revoke() with a TypeError, writing nothing', async (_case, options, message) => {
    const redis = await connect();
    const revoking = new RedisRevocationStore(redis).revoke({ jti: 'bad-options', exp: now() + 60 }, options as never);
    await expect(revoking).rejects.toThrow(TypeError);
    await expect(revoking).rejects.toThrow(message);
    expect(await redis.exists(`${PREFIX}bad-options`)).toBe(0);
  });

  it('refuses a negative clockTolerance when the store is built', async () => {
    const redis = await connect();
    expect(() => new RedisRevocationStore(redis, { clockTolerance: -5 })).toThrow(/option 'clockTolerance' must be a number of at least 0/);
  });

  it('uses the prefix option for its keys', async () => {
    const redis = await connect();
    const store = new RedisRevocationStore(redis, { prefix: 'app1:logout:' });
    await store.revoke({ jti: 'p1', exp: now() + 60 });
    expect(await redis.exists('app1:logout:p1')).toBe(1);
    expect(await redis.exists(`${PREFIX}p1`)).toBe(0);
    await expect(store.isRevoked({ jti: 'p1' })).resolves.toBe(true);
    await expect(new RedisRevocationStore(redis).isRevoked({ jti: 'p1' })).resolves.toBe(false);
  });

  it('keeps a token without exp revoked for good (no expiry on the key)', async () => {
    const redis = await connect();
    const store = new RedisRevocationStore(redis);
    await store.revoke({ jti: 'forever' });
    expect(await redis.pTTL(`${PREFIX}forever`)).toBe(-1);
    await expect(store.isRevoked({ jti: 'forever' })).resolves.toBe(true);
  });

  it('writes nothing for a token that has already expired', async () => {
    const redis = await connect();
    await new RedisRevocationStore(redis).revoke({ jti: 'gone', exp: now() - 1 });
    expect(await redis.exists(`${PREFIX}gone`)).toBe(0);
  });

  it('works with an ioredis-style client (positional SET ... PXAT), here backed by the same server', async () => {
    const redis = await connect();
    const calls: unknown[][] = [];
    const ioredis = ioredisStyle(redis, calls);
    const store = new RedisRevocationStore(ioredis);
    const exp = now() + 60;
    await store.revoke({ jti: 'io', exp });
    await store.revoke({ jti: 'io-forever' });
    await expect(store.isRevoked({ jti: 'io' })).resolves.toBe(true);
    await expect(store.isRevoked({ jti: 'nope' })).resolves.toBe(false);
    expect(calls).toEqual([
      ['set', `${PREFIX}io`, '1', 'PXAT', exp * 1000],
      ['set', `${PREFIX}io-forever`, '1'],
      ['exists', `${PREFIX}io`],
      ['exists', `${PREFIX}nope`],
    ]);
    expect(await ttlOf(redis, 'io')).toEqual({ pexpiretime: exp * 1000, exists: 1 });
  });

  it('makes one round trip per check', async () => {
    const redis = await connect();
    const store = new RedisRevocationStore(redis);
    const before = Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
    await store.isRevoked({ jti: 'count-me' });
    const after = Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
    // The INFO call that reads the counter is counted too.
    expect(after - before).toBe(2);
  });
});

describe('a Redis outage', () => {
  let outage: RedisServer | undefined;

  afterEach(async () => {
    await outage?.stop();
    outage = undefined;
  });

  it.each(EXPRESS)(
    '%s: the server stops: 500 through the error handler within the timeout, and a revoked token never passes',
    async (_name, express) => {
      outage = await startRedis();
      const redis = await connect(outage.url);
      const { client, errors } = appInstance(express, redis, 300);
      const token = signToken({ sub: '42' }, { secret: SECRET });
      await client.post('/logout').set('token', token).expect(204);
      await client.get('/protected').set('token', token).expect(401);

      await outage.stop();
      for (const attempt of [token, signToken({ sub: '43' }, { secret: SECRET })]) {
        const started = Date.now();
        const res = await client.get('/protected').set('token', attempt).expect(500);
        expect(Date.now() - started).toBeLessThan(300 + 700);
        expect(res.body).toEqual({ error: 'handler' });
      }
      expect(errors).toHaveLength(2);
      expect(errors[0]).toBeInstanceOf(Error);
      expect((errors[0] as Error).message).toMatch(
        /^express-token-required\/redis: Redis (did not answer EXISTS within 300 ms|failed EXISTS)$/,
      );
      // Logging out during the outage fails the same way, never a false 204.
      await client.post('/logout').set('token', token).expect(500);
    },
    20_000,
  );

  it('a client pointed at a closed port: 500 at once', async () => {
    const closed = createClient({ url: `redis://127.0.0.1:${String(await freePort())}`, socket: { reconnectStrategy: false } });
    closed.on('error', () => undefined);
    await expect(closed.connect()).rejects.toThrow();
    const { client, errors } = appInstance(express5, closed, 300);
    const started = Date.now();
    await client
      .get('/protected')
      .set('token', signToken({ sub: '1' }, { secret: SECRET }))
      .expect(500);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((errors[0] as Error).message).toBe('express-token-required/redis: Redis failed EXISTS');
    expect((errors[0] as Error).cause).toBeInstanceOf(Error);
  });

  it('a server that never answers: the call rejects after the timeout', async () => {
    outage = await startRedis();
    const redis = await connect(outage.url);
    // CLIENT PAUSE holds every command of every client for the given milliseconds.
    await redis.sendCommand(['CLIENT', 'PAUSE', '3000', 'ALL']);
    const store = new RedisRevocationStore(redis, { timeout: 200 });
    const started = Date.now();
    await expect(store.isRevoked({ jti: 'x' })).rejects.toThrow('express-token-required/redis: Redis did not answer EXISTS within 200 ms');
    await expect(store.revoke({ jti: 'x', exp: now() + 60 })).rejects.toThrow(
      'express-token-required/redis: Redis did not answer SET within 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  }, 10_000);
});

describe('RedisRevocationStore without Redis', () => {
  /** A client that counts calls and answers as told. */
  function fake(answer: () => Promise<unknown> = () => Promise.resolve(0)) {
    const calls: string[] = [];
    const client = {
      isOpen: true,
      set: (key: string) => {
        calls.push(`set ${key}`);
        return answer();
      },
      exists: (key: string) => {
        calls.push(`exists ${key}`);
        return answer();
      },
    };
    return { client, calls };
  }

  it.each<[string, TokenPayload | undefined]>([
    ['no jti', { sub: '1', exp: now() + 60 }],
    ['an empty jti', { jti: '', exp: now() + 60 }],
    ['a numeric jti', { jti: 7 as unknown as string }],
  ])('answers false for a token with %s, without asking Redis', async (_case, payload) => {
    const { client, calls } = fake();
    await expect(new RedisRevocationStore(client).isRevoked(payload!)).resolves.toBe(false);
    expect(calls).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'no jti',
      { sub: '1', exp: now() + 60 },
      /cannot revoke a token without a 'jti' \(got undefined\); signToken writes a random one unless 'jwtid: false' is set/,
    ],
    ['a numeric jti', { jti: 7 }, /cannot revoke a token without a 'jti' \(got 7\)/],
    ['a string exp', { jti: 'a', exp: '1h' }, /cannot revoke a token whose 'exp' is not a number of seconds \(got "1h"\)/],
    ['no payload', undefined, /revoke\(\) needs the verified payload, e.g. req.auth \(got undefined\)/],
  ])('revoke rejects with a TypeError for %s, without asking Redis', async (_case, payload, message) => {
    const { client, calls } = fake();
    const revoking = new RedisRevocationStore(client).revoke(payload as TokenPayload);
    await expect(revoking).rejects.toBeInstanceOf(TypeError);
    await expect(revoking).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('isRevoked rejects with a TypeError without a payload', async () => {
    await expect(new RedisRevocationStore(fake().client).isRevoked(null as never)).rejects.toThrow(
      /isRevoked\(\) needs the verified payload/,
    );
  });

  it.each<[string, unknown]>([
    ['a string', '1'],
    ['null', null],
    ['a boolean', true],
  ])('rejects (never answers false) when EXISTS answers %s', async (_case, reply) => {
    const store = new RedisRevocationStore(fake(() => Promise.resolve(reply)).client);
    await expect(store.isRevoked({ jti: 'a' })).rejects.toThrow(/^express-token-required\/redis: EXISTS answered .*, not a number$/);
  });

  it('wraps a client that throws synchronously, keeping the cause', async () => {
    const boom = new Error('The client is closed');
    const store = new RedisRevocationStore(
      fake(() => {
        throw boom;
      }).client,
    );
    const checking = store.isRevoked({ jti: 'a' });
    await expect(checking).rejects.toThrow('express-token-required/redis: Redis failed EXISTS');
    await expect(checking).rejects.toHaveProperty('cause', boom);
  });

  it('times out a call that never settles, with the default of 1000 ms', async () => {
    const store = new RedisRevocationStore(fake(() => new Promise(() => undefined)).client);
    const started = Date.now();
    await expect(store.revoke({ jti: 'a', exp: now() + 60 })).rejects.toThrow('Redis did not answer SET within 1000 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('has methods that work detached (isRevoked: store.isRevoked)', async () => {
    const { isRevoked } = new RedisRevocationStore(fake(() => Promise.resolve(1)).client);
    await expect(isRevoked({ jti: 'a' })).resolves.toBe(true);
  });

  it.each<[string, unknown, unknown, RegExp]>([
    ['no client', undefined, undefined, /needs a node-redis \(redis v4\+\) or ioredis client \(got undefined\)/],
    ['a URL instead of a client', 'redis://localhost', undefined, /\(got "redis:\/\/localhost"\)/],
    ['a client without exists', { isOpen: true, set: () => undefined }, undefined, /needs a node-redis/],
    [
      'a client of unknown kind',
      { set: () => undefined, exists: () => undefined },
      undefined,
      /cannot tell the client's kind: expected node-redis \(with 'isOpen'\) or ioredis \(with 'status'\)/,
    ],
    [
      'options that are not an object',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      1000,
      /RedisRevocationStore options must be an object \(got 1000\)/,
    ],
    [
      'a misspelt option',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      { timout: 5 },
      /unknown option 'timout' for RedisRevocationStore; did you mean 'timeout'\?/,
    ],
    [
      'a zero timeout',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      { timeout: 0 },
      /option 'timeout' must be an integer of at least 1 \(got 0\)/,
    ],
    [
      'a fractional timeout',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      { timeout: 1.5 },
      /option 'timeout' must be an integer/,
    ],
    [
      'a string timeout',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      { timeout: '1s' },
      /option 'timeout' must be an integer/,
    ],
    [
      'an empty prefix',
      { isOpen: true, set: () => undefined, exists: () => undefined },
      { prefix: '' },
      /option 'prefix' must be a non-empty string/,
    ],
  ])('throws a TypeError for %s', (_case, client, options, message) => {
    const build = () => new RedisRevocationStore(client as RedisClientLike, options as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});
