// The verified-token cache: a repeated token skips the HMAC, never the rules.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import request from 'supertest';
import { deepFreeze } from '../src/core/token-cache.js';
import { TwoGenerationMap } from '../src/core/two-generation-map.js';
import { tokenRequired, verifyToken, type TokenPayload, type TokenRequiredOptions, type VerifyOptions } from '../src/index.js';
import { createApp, type AppOptions, ENVELOPE, EXPRESS } from './helpers/app.js';
import { freezeClock, NOW, thawClock } from './helpers/clock.js';
import { makeToken, OTHER_SECRET, SECRET, validToken } from './helpers/tokens.js';

describe.each(EXPRESS)('%s: cache', (_name, express) => {
  afterEach(thawClock);

  it('still refuses a cached token once it expires', async () => {
    freezeClock(NOW);
    const token = makeToken({ sub: '1', exp: NOW + 10 });
    const { client } = createApp(express, { cache: true });
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(NOW + 9);
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(NOW + 10);
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });

  it('applies clockTolerance and maxAge to cached tokens as to new ones', async () => {
    freezeClock(NOW);
    const token = makeToken({ iat: NOW, exp: NOW + 3600 });
    const { client } = createApp(express, { cache: true, maxAge: 60, clockTolerance: 5 });
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(NOW + 64);
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(NOW + 65);
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });

  it('checks nbf on every hit (a clock set back)', async () => {
    freezeClock(NOW);
    const token = makeToken({ nbf: NOW - 5, exp: NOW + 3600 });
    const { client } = createApp(express, { cache: true });
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(NOW - 100);
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it('keys entries by the full token: a cached token with another signature is refused', async () => {
    const token = validToken();
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const { client, handled } = createApp(express, { cache: true });
    await client.get('/protected').set('token', token).expect(200);
    const res = await client.get('/protected').set('token', forged).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(1);
  });

  it('runs isRevoked and loadUser on every request', async () => {
    const calls = { isRevoked: 0, loadUser: 0 };
    let revoked = false;
    const options: AppOptions = {
      cache: { max: 10 },
      isRevoked: () => {
        calls.isRevoked++;
        return revoked;
      },
      loadUser: () => {
        calls.loadUser++;
        return { id: 1 };
      },
    };
    const { client } = createApp(express, options);
    const token = validToken();
    await client.get('/protected').set('token', token).expect(200);
    await client.get('/protected').set('token', token).expect(200);
    revoked = true;
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.revoked);
    expect(calls).toEqual({ isRevoked: 3, loadUser: 2 });
  });

  it('never caches a failure: a token refused for its audience stays refused', async () => {
    const { client } = createApp(express, { cache: true, audience: 'api' });
    const token = validToken({ aud: 'web' });
    for (let i = 0; i < 2; i++) {
      const res = await client.get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
    }
  });

  it('freezes a cached payload, so no handler can alter what another request sees', async () => {
    const { client, handled } = createApp(express, { cache: true });
    const token = validToken({ roles: ['reader'] });
    await client.get('/protected').set('token', token).expect(200);
    await client.get('/protected').set('token', token).expect(200);
    expect(Object.isFrozen(handled[1]?.auth)).toBe(true);
    expect(Object.isFrozen(handled[1]?.auth?.roles)).toBe(true);
    expect(handled[1]?.auth).toBe(handled[0]?.auth);
  });
});

describe('cache with verifyToken', () => {
  it('returns the cached payload for the same options object', async () => {
    const options: VerifyOptions = { secret: SECRET, cache: true };
    const token = validToken();
    const first = await verifyToken(token, options);
    expect(await verifyToken(token, options)).toBe(first);
    expect(await verifyToken(token, { secret: SECRET })).not.toBe(first);
  });

  it('caches tokens verified through a resolver too, asking the resolver on every hit', async () => {
    let calls = 0;
    const options: VerifyOptions = {
      secret: () => {
        calls++;
        return SECRET;
      },
      cache: true,
    };
    const token = validToken();
    const first = await verifyToken(token, options);
    expect(await verifyToken(token, options)).toBe(first);
    expect(calls).toBe(2);
  });
});

describe('the cache never outlives a key', () => {
  let current: string | Buffer | undefined;
  const options: VerifyOptions = { secret: () => current, cache: true };

  it('serves a hit while the resolver returns the same key material, even as another object', async () => {
    current = SECRET;
    const token = validToken();
    const first = await verifyToken(token, options);
    current = Buffer.from(SECRET);
    expect(await verifyToken(token, options)).toBe(first);
  });

  it('refuses a cached token once its key is withdrawn from the resolver', async () => {
    current = SECRET;
    const token = validToken();
    await verifyToken(token, options);
    current = undefined;
    await expect(verifyToken(token, options)).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('verifies a cached token again when the resolver returns another key, and refuses it', async () => {
    current = SECRET;
    const token = validToken();
    await verifyToken(token, options);
    current = OTHER_SECRET;
    const refused = verifyToken(token, options);
    await expect(refused).rejects.toMatchObject({ reason: 'token_invalid' });
    await expect(refused).rejects.toHaveProperty('cause.message', 'invalid signature');
    current = SECRET;
    await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
  });

  it('keeps static keys trusted without asking anything', async () => {
    const staticOptions: VerifyOptions = { secret: [OTHER_SECRET, SECRET], cache: true };
    const token = validToken();
    const first = await verifyToken(token, staticOptions);
    expect(await verifyToken(token, staticOptions)).toBe(first);
  });
});

describe('cache option', () => {
  it.each<[string, unknown, RegExp]>([
    ['a string', 'yes', /option 'cache' must be true, false or \{ max: number \}/],
    ['a zero max', { max: 0 }, /option 'max' must be an integer of at least 1/],
    ['a misspelt key', { maxx: 5 }, /unknown option 'maxx' for option 'cache'; did you mean 'max'\?/],
  ])('refuses %s', (_case, cache, message) => {
    expect(() => tokenRequired({ secret: SECRET, cache } as TokenRequiredOptions)).toThrow(message);
  });

  it.each([false, undefined, true, {}, { max: 5 }])('accepts %s', (cache) => {
    expect(typeof tokenRequired({ secret: SECRET, cache })).toBe('function');
  });
});

describe('TwoGenerationMap', () => {
  it.each([1, 2, 3, 10, 1000])('never holds more than max (%i) entries', (max) => {
    const lru = new TwoGenerationMap<number, number>(max);
    for (let i = 0; i < 5 * max + 7; i++) {
      lru.set(i, i);
      expect(lru.size).toBeLessThanOrEqual(max);
    }
    expect(lru.get(5 * max + 6)).toBe(5 * max + 6);
  });

  it('keeps an entry that is used and drops one that is not', () => {
    const lru = new TwoGenerationMap<string, number>(4);
    lru.set('used', 1);
    lru.set('unused', 2);
    for (let i = 0; i < 20; i++) {
      lru.set(`filler-${String(i)}`, i);
      expect(lru.get('used')).toBe(1);
    }
    expect(lru.get('unused')).toBeUndefined();
  });

  it('replaces and deletes', () => {
    const lru = new TwoGenerationMap<string, number>(10);
    lru.set('a', 1);
    lru.set('a', 2);
    expect([lru.get('a'), lru.size]).toEqual([2, 1]);
    lru.set('b', 3);
    lru.set('c', 4);
    lru.set('d', 5);
    lru.set('e', 6);
    lru.set('a', 7);
    expect([lru.get('a'), lru.size]).toEqual([7, 5]);
    lru.delete('a');
    expect([lru.get('a'), lru.size]).toEqual([undefined, 4]);
  });
});

// A hit answers with the very (frozen) object cached before; a miss with a newly verified one:
// counting new objects shows what the cache kept.
function counting(options: Omit<VerifyOptions, 'secret'> = {}) {
  const seen = { misses: 0 };
  const last = new Map<string, TokenPayload>();
  const verifyOptions = { ...options, cache: options.cache ?? true, secret: SECRET } as VerifyOptions;
  const verify = async (token: string): Promise<TokenPayload> => {
    const payload = await verifyToken(token, verifyOptions);
    if (last.get(token) !== payload) seen.misses++;
    last.set(token, payload);
    return payload;
  };
  return { seen, verify };
}

describe('what the cache keeps', () => {
  afterEach(thawClock);

  it('keeps at most 1000 tokens with cache: true, dropping the oldest', async () => {
    const { seen, verify } = counting();
    const tokens = Array.from({ length: 1001 }, (_, i) => validToken({ sub: String(i) }));
    for (const token of tokens) await verify(token);
    expect(seen.misses).toBe(1001);
    await verify(tokens[1000]!);
    expect(seen.misses).toBe(1001);
    await verify(tokens[0]!);
    expect(seen.misses).toBe(1002);
  });

  it.each<[string, Omit<VerifyOptions, 'secret'>, Record<string, number>, number]>([
    ['at the first second nbf allows (nbf minus clockTolerance)', { clockTolerance: 5 }, { nbf: NOW + 5, exp: NOW + 100 }, NOW],
    ['at the last second exp allows (exp plus clockTolerance, minus one)', { clockTolerance: 5 }, { exp: NOW + 100 }, NOW + 104],
    ['at the last second maxAge allows', { maxAge: 60, clockTolerance: 5 }, { iat: NOW, exp: NOW + 3600 }, NOW + 64],
    ['with an iat and no maxAge', {}, { iat: NOW - 7200, exp: NOW + 3600 }, NOW],
  ])('serves a hit %s', async (_case, options, claims, now) => {
    freezeClock(now);
    const { seen, verify } = counting(options);
    const token = makeToken({ sub: '42', ...claims });
    await verify(token);
    await expect(verify(token)).resolves.toMatchObject({ sub: '42' });
    expect(seen.misses).toBe(1);
  });
});

describe.each(EXPRESS)('%s: cache and hostile payloads', (_name, express) => {
  // A validly signed payload nested 50,000 levels deep: freezing it must not recurse.
  const depth = 50_000;
  const deep = makeToken(`{"sub":"42","exp":${String(Math.floor(Date.now() / 1000) + 3600)},"d":${'['.repeat(depth)}${']'.repeat(depth)}}`);

  it.each([
    ['off', false],
    ['on', true],
  ])('answers a deeply nested payload the same with the cache %s', async (_case, cache) => {
    const app = express();
    app.get('/protected', tokenRequired({ secret: SECRET, maxTokenLength: 200_000, cache }), (req, res) => {
      res.json({ sub: req.auth?.sub, frozen: Object.isFrozen(req.auth) });
    });
    const errors: unknown[] = [];
    app.use((err: unknown, _req: unknown, res: { status(code: number): { end(): void } }, _next: unknown) => {
      errors.push(err);
      res.status(500).end();
    });
    // Node's default limit on request headers is 16 KB; this token is 133 KB.
    const server = createServer({ maxHeaderSize: 400_000 }, app);
    for (let i = 0; i < 2; i++) await request(server).get('/protected').set('token', deep).expect(200, { sub: '42', frozen: cache });
    expect(errors).toEqual([]);
  });

  it('stops a cached token at once when the resolver withdraws its key', async () => {
    let key: string | undefined = SECRET;
    const { client, handled } = createApp(express, { secret: () => key, cache: true });
    const token = validToken();
    await client.get('/protected').set('token', token).expect(200);
    await client.get('/protected').set('token', token).expect(200);
    key = undefined;
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    key = OTHER_SECRET;
    await client.get('/protected').set('token', token).expect(401);
    expect(handled).toHaveLength(2);
  });
});

describe('deepFreeze', () => {
  it('freezes every level of a deep value without recursion', () => {
    const value = JSON.parse(`{"a":${'{"b":'.repeat(30_000)}1${'}'.repeat(30_000)}}`) as Record<string, unknown>;
    expect(deepFreeze(value)).toBe(value);
    let node: unknown = value;
    let levels = 0;
    while (typeof node === 'object' && node !== null) {
      expect(Object.isFrozen(node)).toBe(true);
      node = Object.values(node)[0];
      levels++;
    }
    expect(levels).toBe(30_001);
  });
});
