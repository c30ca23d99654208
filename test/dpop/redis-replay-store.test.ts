// RedisReplayStore against a real redis-server: one atomic SET NX PXAT per proof, shared by
// every instance, expiry, outages; then through tokenRequired on Express 5 and 4.
import { connect as connectTcp, createServer, type AddressInfo, type Socket } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { signToken, tokenRequired, type MiddlewareOptions, type TokenError } from '../../src/index.js';
import { RedisReplayStore, type IoRedisClientLike, type RedisClientLike, type ReplayStore } from '../../src/redis.js';
import { ENVELOPE, createApp, type ExpressFactory } from '../helpers/app.js';
import { makeDpopKey, makeProof } from '../helpers/dpop.js';
import { ioredisStyle, redisClients, startRedis, type NodeRedis, type RedisServer } from '../helpers/redis.js';
import { SECRET, now } from '../helpers/tokens.js';

type OnError = MiddlewareOptions['onError'];

const PREFIX = 'express-token-required:dpop:';
const ORIGIN = 'http://api.test';
const CHALLENGE = 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA RS256 PS256"';
let server: RedisServer;
let admin: NodeRedis;
const closers: (() => Promise<void>)[] = [];

const { connect, closeAll } = redisClients(() => server.url);

const KINDS: readonly (readonly [string, (redis: NodeRedis) => RedisClientLike])[] = [
  ['node-redis', (redis) => redis],
  ['ioredis', (redis) => ioredisStyle(redis)],
];

/**
 * A TCP proxy to the redis-server: the client connects through it as usual, and once `hang()`
 * is called the proxy takes every byte sent and never answers, as a server that hangs would.
 */
async function hangingProxy(): Promise<{ url: string; hang: () => void; swallowed: () => string }> {
  let hung = false;
  let swallowed = '';
  const sockets: Socket[] = [];
  const proxy = createServer((downstream) => {
    const upstream = connectTcp(server.port, '127.0.0.1');
    sockets.push(downstream, upstream);
    for (const socket of [downstream, upstream]) socket.on('error', () => undefined);
    downstream.on('data', (chunk) => {
      if (hung) swallowed += chunk.toString();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => downstream.write(chunk));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => {
          resolve();
        });
      }),
  );
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    hang: () => {
      hung = true;
    },
    swallowed: () => swallowed,
  };
}

const expiryOf = async (key: string) => ({
  value: await admin.get(key),
  pexpiretime: await admin.sendCommand(['PEXPIRETIME', key]),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startRedis();
  admin = createClient({ url: server.url });
  await admin.connect();
}, 20_000);

afterEach(async () => {
  closeAll();
  for (const close of closers.splice(0)) await close();
  await admin.flushAll();
});

afterAll(async () => {
  admin.destroy();
  await server.stop();
});

describe.each(KINDS)('RedisReplayStore with a %s client', (_kind, clientOf) => {
  const store = async (options?: ConstructorParameters<typeof RedisReplayStore>[1]) =>
    new RedisReplayStore(clientOf(await connect()), options);

  it('claims a jti once: true, then false, on this store and on another with its own connection', async () => {
    const [a, b] = [await store(), await store()];
    const expiresAt = now() + 60;
    await expect(a.claim('j1', expiresAt)).resolves.toBe(true);
    await expect(a.claim('j1', expiresAt)).resolves.toBe(false);
    await expect(b.claim('j1', expiresAt)).resolves.toBe(false);
    await expect(b.claim('j2', expiresAt)).resolves.toBe(true);
  });

  it('lets one of many concurrent claims of the same jti win', async () => {
    const stores = await Promise.all([store(), store(), store()]);
    const results = await Promise.all(stores.flatMap((s) => [s.claim('race', now() + 60), s.claim('race', now() + 60)]));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('sends one SET <prefix><jti> 1 PXAT <ms> NX per claim, as the server saw it', async () => {
    const monitor = await connect();
    const seen: string[] = [];
    await monitor.monitor((line: string) => seen.push(line));
    const s = await store();
    const expiresAt = now() + 60;
    await s.claim('seen', expiresAt);
    await s.claim('seen', expiresAt);
    await admin.sendCommand(['ECHO', 'done']);
    await expect.poll(() => seen.some((line) => line.includes('"ECHO"'))).toBe(true);
    const sets = seen.filter((line) => line.includes('"SET"')).map((line) => line.slice(line.indexOf('"SET"')));
    const expected = `"SET" "${PREFIX}seen" "1" "PXAT" "${String(expiresAt * 1000)}" "NX"`;
    expect(sets).toEqual([expected, expected]);
  });

  it.each<[string, () => number, (expiresAt: number) => number]>([
    ['a whole second', () => now() + 60, (expiresAt) => expiresAt * 1000],
    [
      'a fraction of a second, rounded up to the millisecond',
      () => Date.now() / 1000 + 60.0004,
      (expiresAt) => Math.ceil(expiresAt * 1000),
    ],
  ])('keeps the key until expiresAt in ms (PEXPIRETIME): %s', async (_case, makeExpiry, expected) => {
    const expiresAt = makeExpiry();
    await (await store()).claim('window', expiresAt);
    expect(await expiryOf(`${PREFIX}window`)).toEqual({ value: '1', pexpiretime: expected(expiresAt) });
    const pttl = await admin.pTTL(`${PREFIX}window`);
    expect(pttl).toBeGreaterThan(58_000);
    expect(pttl).toBeLessThanOrEqual(60_001);
  });

  it('lets the jti be claimed again once expiresAt has passed', async () => {
    const s = await store();
    const expiresAt = Date.now() / 1000 + 1.2;
    await expect(s.claim('short', expiresAt)).resolves.toBe(true);
    await expect(s.claim('short', expiresAt)).resolves.toBe(false);
    await sleep(Math.ceil(expiresAt * 1000) - Date.now() + 50);
    expect(await admin.exists(`${PREFIX}short`)).toBe(0);
    await expect(s.claim('short', now() + 60)).resolves.toBe(true);
  }, 10_000);

  it.each([
    ['already past', () => now() - 10],
    ['less than a second away', () => Date.now() / 1000 + 0.3],
  ])(
    'still claims a jti whose expiresAt is %s, for one second from now, never true twice',
    async (_case, makeExpiry) => {
      const s = await store();
      const expiresAt = makeExpiry();
      const before = Date.now();
      await expect(s.claim('late', expiresAt)).resolves.toBe(true);
      const after = Date.now();
      const { value, pexpiretime } = await expiryOf(`${PREFIX}late`);
      expect(value).toBe('1');
      expect(pexpiretime).toBeGreaterThanOrEqual(before + 1000);
      expect(pexpiretime).toBeLessThanOrEqual(after + 1000);
      await expect(s.claim('late', expiresAt)).resolves.toBe(false);
      await sleep(Number(pexpiretime) - Date.now() + 50);
      await expect(s.claim('late', expiresAt)).resolves.toBe(true);
    },
    10_000,
  );

  it('uses the prefix option for its keys', async () => {
    const s = await store({ prefix: 'app1:proofs:' });
    await expect(s.claim('p1', now() + 60)).resolves.toBe(true);
    expect(await admin.exists('app1:proofs:p1')).toBe(1);
    expect(await admin.exists(`${PREFIX}p1`)).toBe(0);
    await expect((await store()).claim('p1', now() + 60)).resolves.toBe(true);
    await expect((await store({ prefix: 'app1:proofs:' })).claim('p1', now() + 60)).resolves.toBe(false);
  });

  it('rejects with an Error naming SET within the timeout when the server has stopped', async () => {
    const outage = await startRedis();
    closers.push(() => outage.stop());
    const s = new RedisReplayStore(clientOf(await connect(outage.url)), { timeout: 300 });
    await outage.stop();
    const started = Date.now();
    const claiming = s.claim('down', now() + 60);
    await expect(claiming).rejects.toThrow(/^express-token-required\/redis: Redis (did not answer SET within 300 ms|failed SET)$/);
    expect(Date.now() - started).toBeLessThan(1000);
  }, 20_000);

  it('rejects after `timeout` when the server accepts the connection and never answers', async () => {
    const proxy = await hangingProxy();
    const s = new RedisReplayStore(clientOf(await connect(proxy.url)), { timeout: 200 });
    await expect(s.claim('before', now() + 60)).resolves.toBe(true);
    proxy.hang();
    const started = Date.now();
    await expect(s.claim('hung', now() + 60)).rejects.toThrow('express-token-required/redis: Redis did not answer SET within 200 ms');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(1000);
    // The command did reach the server: what timed out is its answer.
    expect(proxy.swallowed()).toContain(`${PREFIX}hung`);
  });
});

describe('through tokenRequired: app instances sharing one Redis', () => {
  const HTU = `${ORIGIN}/protected`;
  /** An app guarded by tokenRequired({ secret, dpop }) whose proofs are claimed in `client`'s Redis. */
  const guarded = (express: ExpressFactory, client: RedisClientLike, options: { timeout?: number; onError?: OnError } = {}) =>
    createApp(
      express,
      tokenRequired({
        secret: SECRET,
        dpop: { origin: ORIGIN, replay: new RedisReplayStore(client, { timeout: options.timeout ?? 300 }) },
        onError: options.onError,
      }),
    );
  /** One instance of the app: its own Redis connection and store. */
  const instance = async (express: ExpressFactory, onError?: OnError) => guarded(express, await connect(), { onError });
  const bound = async () => {
    const key = await makeDpopKey();
    const token = signToken({ sub: '42', cnf: { jkt: key.jkt } }, { secret: SECRET });
    return { key, token, proof: await makeProof({ key, token, htm: 'GET', htu: HTU }) };
  };

  it.each([
    ['Express 5 accepts, Express 4 refuses', express5, express4],
    ['Express 4 accepts, Express 5 refuses', express4, express5],
  ])('a proof accepted by one instance is refused as replayed by another (%s)', async (_case, expressA, expressB) => {
    const [a, b] = [await instance(expressA), await instance(expressB)];
    const { key, token, proof } = await bound();
    const send = (app: typeof a, dpop: string) => app.client.get('/protected').set('Authorization', `DPoP ${token}`).set('DPoP', dpop);

    const accepted = await send(a, proof).expect(200);
    expect(accepted.body).toMatchObject({ ran: true, auth: { sub: '42', cnf: { jkt: key.jkt } } });

    for (const app of [b, a]) {
      const res = await send(app, proof).expect(401);
      expect(res.body).toEqual(ENVELOPE.dpopInvalid);
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect([a.handled.length, b.handled.length]).toEqual([1, 0]);
    // A fresh proof by the same key passes on the other instance.
    await send(b, await makeProof({ key, token, htm: 'GET', htu: HTU })).expect(200);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('refuses the replay with reason dpop_replayed and the invalid_dpop_proof challenge', async () => {
    const refusals: TokenError[] = [];
    const [a, b] = [
      await instance(express5),
      await instance(express4, (err, _req, res) => {
        refusals.push(err);
        res.status(err.status).end();
      }),
    ];
    const { token, proof } = await bound();
    await a.client.get('/protected').set('Authorization', `DPoP ${token}`).set('DPoP', proof).expect(200);
    await b.client.get('/protected').set('Authorization', `DPoP ${token}`).set('DPoP', proof).expect(401);
    expect(refusals.map((err) => [err.reason, err.status, err.headers])).toEqual([
      ['dpop_replayed', 401, { 'WWW-Authenticate': CHALLENGE }],
    ]);
    expect(b.handled).toEqual([]);
  });

  it.each([
    ['express 5', express5],
    ['express 4', express4],
  ])(
    '%s: a Redis outage sends the request to the error handler, never to the route',
    async (_name, express) => {
      const outage = await startRedis();
      closers.push(() => outage.stop());
      const app = guarded(express, await connect(outage.url));
      await outage.stop();
      const { token, proof } = await bound();
      const res = await app.client.get('/protected').set('Authorization', `DPoP ${token}`).set('DPoP', proof).expect(500);
      expect(res.body).toEqual({ error: 'handler' });
      expect(app.handled).toEqual([]);
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toBeInstanceOf(Error);
      expect((app.errors[0] as Error).message).toMatch(
        /^express-token-required\/redis: Redis (did not answer SET within 300 ms|failed SET)$/,
      );
    },
    20_000,
  );

  it('a server that never answers: 500 through the error handler after the timeout', async () => {
    const proxy = await hangingProxy();
    const app = guarded(express5, await connect(proxy.url), { timeout: 200 });
    const { token, proof } = await bound();
    proxy.hang();
    const started = Date.now();
    await app.client.get('/protected').set('Authorization', `DPoP ${token}`).set('DPoP', proof).expect(500, { error: 'handler' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(app.handled).toEqual([]);
    expect((app.errors[0] as Error).message).toBe('express-token-required/redis: Redis did not answer SET within 200 ms');
  });
});

describe('RedisReplayStore without Redis', () => {
  /** A node-redis-shaped client that records each SET and answers as told. */
  function fake(answer: () => Promise<unknown> = () => Promise.resolve('OK')) {
    const calls: unknown[][] = [];
    const client = {
      isOpen: true,
      set: (...args: unknown[]) => {
        calls.push(args);
        return answer();
      },
      exists: () => Promise.resolve(0),
    };
    return { client, calls };
  }

  it('passes node-redis both option spellings: expiration/condition (v5+) and PXAT/NX (v4)', async () => {
    const { client, calls } = fake();
    const expiresAt = now() + 60;
    await new RedisReplayStore(client).claim('j', expiresAt);
    const at = expiresAt * 1000;
    expect(calls).toEqual([[`${PREFIX}j`, '1', { expiration: { type: 'PXAT', value: at }, PXAT: at, condition: 'NX', NX: true }]]);
  });

  it('passes ioredis the positional tokens PXAT <ms> NX', async () => {
    const calls: unknown[][] = [];
    const client: IoRedisClientLike = {
      status: 'ready',
      set: (...args: unknown[]) => {
        calls.push(args);
        return Promise.resolve(null);
      },
      exists: () => Promise.resolve(0),
    };
    const expiresAt = now() + 60;
    await expect(new RedisReplayStore(client).claim('j', expiresAt)).resolves.toBe(false);
    expect(calls).toEqual([[`${PREFIX}j`, '1', 'PXAT', expiresAt * 1000, 'NX']]);
  });

  it.each<[string, unknown]>([
    ['a boolean', true],
    ['a number', 1],
    ['undefined', undefined],
    ['another string', 'QUEUED'],
    ['a Buffer', Buffer.from('OK')],
  ])('rejects (never answers true or false) when SET answers %s', async (_case, reply) => {
    const store = new RedisReplayStore(fake(() => Promise.resolve(reply)).client);
    await expect(store.claim('a', now() + 60)).rejects.toThrow(/^express-token-required\/redis: SET NX answered .*, not "OK" or null$/);
  });

  it('wraps a client that throws synchronously, keeping the cause', async () => {
    const boom = new Error('The client is closed');
    const store = new RedisReplayStore(
      fake(() => {
        throw boom;
      }).client,
    );
    const claiming = store.claim('a', now() + 60);
    await expect(claiming).rejects.toThrow('express-token-required/redis: Redis failed SET');
    await expect(claiming).rejects.toHaveProperty('cause', boom);
  });

  it('times out a claim that never settles, with the default of 1000 ms', async () => {
    const store = new RedisReplayStore(fake(() => new Promise(() => undefined)).client);
    const started = Date.now();
    await expect(store.claim('a', now() + 60)).rejects.toThrow('express-token-required/redis: Redis did not answer SET within 1000 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('has a claim that works detached (replay: { claim: store.claim })', async () => {
    const { claim } = new RedisReplayStore(fake().client);
    await expect(claim('a', now() + 60)).resolves.toBe(true);
    expectTypeOf(new RedisReplayStore(fake().client)).toExtend<ReplayStore>();
    expectTypeOf(claim).toEqualTypeOf<(jti: string, expiresAt: number) => Promise<boolean>>();
  });

  it.each<[string, unknown, unknown, RegExp]>([
    ['an empty jti', '', now() + 60, /RedisReplayStore.claim needs the proof's jti, a non-empty string \(got ""\)/],
    ['a numeric jti', 7, now() + 60, /RedisReplayStore.claim needs the proof's jti, a non-empty string \(got 7\)/],
    ['a NaN expiresAt', 'a', NaN, /RedisReplayStore.claim needs expiresAt in seconds since the epoch \(got NaN\)/],
    ['an infinite expiresAt', 'a', Infinity, /needs expiresAt in seconds since the epoch \(got Infinity\)/],
    ['a string expiresAt', 'a', '60', /needs expiresAt in seconds since the epoch \(got "60"\)/],
    ['an expiresAt past what Redis can hold', 'a', 1e20, /RedisReplayStore.claim cannot keep a jti until 100000000000000000000/],
  ])('rejects %s with a TypeError, without asking Redis', async (_case, jti, expiresAt, message) => {
    const { client, calls } = fake();
    const claiming = new RedisReplayStore(client).claim(jti as string, expiresAt as number);
    await expect(claiming).rejects.toBeInstanceOf(TypeError);
    await expect(claiming).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  const client = { isOpen: true, set: () => undefined };
  it.each<[string, unknown, unknown, RegExp]>([
    ['no client', undefined, undefined, /RedisReplayStore needs a node-redis \(redis v4\+\) or ioredis client \(got undefined\)/],
    ['a URL instead of a client', 'redis://localhost', undefined, /RedisReplayStore needs a node-redis .*\(got "redis:\/\/localhost"\)/],
    ['a client without set', { isOpen: true, exists: () => undefined }, undefined, /RedisReplayStore needs a node-redis/],
    [
      'a client of unknown kind',
      { set: () => undefined },
      undefined,
      /RedisReplayStore cannot tell the client's kind: expected node-redis \(with 'isOpen'\) or ioredis \(with 'status'\)/,
    ],
    ['options that are not an object', client, 1000, /RedisReplayStore options must be an object \(got 1000\)/],
    ['a misspelt timeout', client, { timout: 5 }, /unknown option 'timout' for RedisReplayStore; did you mean 'timeout'\?/],
    ['a misspelt prefix', client, { prefx: 'a:' }, /unknown option 'prefx' for RedisReplayStore; did you mean 'prefix'\?/],
    ['an option of the revocation store', client, { clockTolerance: 5 }, /unknown option 'clockTolerance' for RedisReplayStore$/],
    ['a zero timeout', client, { timeout: 0 }, /option 'timeout' must be an integer of at least 1 \(got 0\)/],
    ['a fractional timeout', client, { timeout: 1.5 }, /option 'timeout' must be an integer of at least 1 \(got 1.5\)/],
    ['a string timeout', client, { timeout: '1s' }, /option 'timeout' must be an integer of at least 1 \(got "1s"\)/],
    ['an empty prefix', client, { prefix: '' }, /option 'prefix' must be a non-empty string \(got ""\)/],
    ['a numeric prefix', client, { prefix: 1 }, /option 'prefix' must be a non-empty string \(got 1\)/],
  ])('throws a TypeError for %s', (_case, redis, options, message) => {
    const build = () => new RedisReplayStore(redis as RedisClientLike, options as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('takes undefined options as not passed', () => {
    expect(() => new RedisReplayStore(client as never, { prefix: undefined, timeout: undefined })).not.toThrow();
  });
});
