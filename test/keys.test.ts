// Key rotation by `kid`: the `keys` option of tokenRequired, verifyToken and signToken.
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, tokenRequired, verifyToken, type KeyRing, type SignOptions, type VerifyOptions } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from './helpers/app.js';
import { makeToken, now, OTHER_SECRET, SECRET } from './helpers/tokens.js';

const K1 = 'a'.repeat(64);
const K2 = 'c'.repeat(64);
const RING: KeyRing = { current: 'k2', keys: { k1: K1, k2: K2 } };
const ENTRIES: KeyRing = [
  { kid: 'k2', secret: K2 },
  { kid: 'k1', secret: K1 },
];

const claims = () => ({ sub: '42', iat: now(), exp: now() + 3600 });
const signed = (kid: unknown, secret: string) => makeToken(claims(), { header: kid === undefined ? {} : { kid }, secret });
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

describe.each(EXPRESS)('%s: tokenRequired with keys', (_name, express) => {
  describe.each<[string, KeyRing]>([
    ['{ current, keys }', RING],
    ['an array of { kid, secret }', ENTRIES],
  ])('given as %s', (_form, keys) => {
    it.each<[string, string, 200 | 401]>([
      ['kid k1, signed with k1', signed('k1', K1), 200],
      ['kid k2, signed with k2', signed('k2', K2), 200],
      ['kid k1, signed with k2 (the other key is never tried)', signed('k1', K2), 401],
      ['kid k2, signed with k1', signed('k2', K1), 401],
      ['no kid, signed with k2', signed(undefined, K2), 401],
      ['an unknown kid', signed('k3', K2), 401],
      ['an empty kid', signed('', K2), 401],
      ['a numeric kid', signed(2, K2), 401],
      ['kid __proto__', signed('__proto__', K2), 401],
      ['kid constructor', signed('constructor', K2), 401],
      ['kid toString', signed('toString', K2), 401],
      ['a token that is not a JWT', 'nonsense', 401],
      ['kid k1 with alg none', makeToken(claims(), { header: { alg: 'none', kid: 'k1' }, secret: K1 }), 401],
    ])('%s: %i', async (_case, token, status) => {
      const { client, handled } = createApp(express, tokenRequired({ keys }));
      const res = await client.post('/protected').set('token', token).expect(status);
      expect(handled).toHaveLength(status === 200 ? 1 : 0);
      if (status === 401) {
        expect(res.body).toEqual(ENVELOPE.invalid);
        expect(res.headers['cache-control']).toBe('no-store');
      } else {
        expect(res.body.auth).toMatchObject({ sub: '42' });
      }
    });
  });

  it('answers an unknown kid with the Bearer challenge when the token came as Bearer', async () => {
    const { client } = createApp(express, tokenRequired({ keys: RING, bearer: true }));
    const res = await client
      .get('/protected')
      .set('authorization', `Bearer ${signed('k9', K2)}`)
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('still checks the claims: an expired token with a known kid is Token expired', async () => {
    const { client } = createApp(express, tokenRequired({ keys: RING }));
    const token = makeToken({ sub: '1', exp: now() - 10 }, { header: { kid: 'k1' }, secret: K1 });
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });

  it('verifies what signToken signs with the same keys', async () => {
    const { client } = createApp(express, tokenRequired({ keys: RING }));
    await client
      .get('/protected')
      .set('token', signToken({ sub: '7' }, { keys: RING }))
      .expect(200);
  });
});

describe('signToken with keys', () => {
  it.each<[string, KeyRing, string, string]>([
    ['{ current, keys }', RING, 'k2', K2],
    ['an array: its first entry is current', ENTRIES, 'k2', K2],
    [
      'an array whose first entry is k1',
      [
        { kid: 'k1', secret: K1 },
        { kid: 'k2', secret: K2 },
      ],
      'k1',
      K1,
    ],
  ])('signs with the current key and writes its kid, given %s', async (_case, keys, kid, secret) => {
    const token = signToken({ sub: '1' }, { keys });
    expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid });
    await expect(verifyToken(token, { secret })).resolves.toMatchObject({ sub: '1' });
    await expect(verifyToken(token, { secret: secret === K1 ? K2 : K1 })).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('signs HS512 with a 64-byte current key', async () => {
    const token = signToken({}, { keys: RING, algorithm: 'HS512' });
    expect(headerOf(token)).toEqual({ alg: 'HS512', typ: 'JWT', kid: 'k2' });
    await expect(verifyToken(token, { keys: RING, algorithms: ['HS512'] })).resolves.toMatchObject({ jti: expect.any(String) });
  });
});

describe('verifyToken with keys', () => {
  it('picks the key by kid, and refuses an unknown one with token_invalid', async () => {
    await expect(verifyToken(signed('k1', K1), { keys: RING })).resolves.toMatchObject({ sub: '42' });
    await expect(verifyToken(signed('k1', K2), { keys: RING })).rejects.toMatchObject({ reason: 'token_invalid', status: 401 });
    await expect(verifyToken(signed(undefined, K1), { keys: RING })).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('works with the cache', async () => {
    const options: VerifyOptions = { keys: RING, cache: true };
    const token = signed('k2', K2);
    await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
    await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
    await expect(verifyToken(signed('k2', K1), options)).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it.each([
    ['Buffers', { current: 'a', keys: { a: Buffer.from(K1), b: Buffer.from(K2) } }],
    ['KeyObjects', { current: 'a', keys: { a: createSecretKey(Buffer.from(K1)), b: createSecretKey(Buffer.from(K2)) } }],
  ])('accepts %s as keys', async (_case, keys) => {
    await expect(verifyToken(makeToken(claims(), { header: { kid: 'b' }, secret: K2 }), { keys })).resolves.toMatchObject({ sub: '42' });
  });
});

it('rotates without downtime: add the new key, switch current, retire the old one', async () => {
  // 1. One key.
  const before = signToken({ sub: 'old' }, { keys: { current: 'k1', keys: { k1: K1 } } });
  // 2. Add k2 everywhere (verifiers first); k1 still signs.
  const added = { current: 'k1', keys: { k1: K1, k2: K2 } };
  await expect(verifyToken(before, { keys: added })).resolves.toMatchObject({ sub: 'old' });
  // 3. Switch current to k2: new tokens carry kid k2, old ones still verify.
  const switched = { current: 'k2', keys: { k1: K1, k2: K2 } };
  const after = signToken({ sub: 'new' }, { keys: switched });
  expect(headerOf(after).kid).toBe('k2');
  await expect(verifyToken(before, { keys: switched })).resolves.toMatchObject({ sub: 'old' });
  await expect(verifyToken(after, { keys: added })).resolves.toMatchObject({ sub: 'new' });
  // 4. After the longest token lifetime, retire k1: its tokens are Invalid Token.
  const retired = { current: 'k2', keys: { k2: K2 } };
  await expect(verifyToken(after, { keys: retired })).resolves.toMatchObject({ sub: 'new' });
  await expect(verifyToken(before, { keys: retired })).rejects.toMatchObject({ reason: 'token_invalid' });
});

describe('keys: configuration errors (TypeError at construction)', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const CASES: [string, unknown, RegExp][] = [
    ['secret and keys together', { secret: SECRET, keys: RING }, /options 'secret' and 'keys' are alternatives; pass one of them/],
    ['neither secret nor keys', {}, /option 'secret' is required \(or 'keys', for keys by kid\)/],
    [
      'keys: a string',
      { keys: K1 },
      /option 'keys' must be \{ current, keys: \{ \[kid\]: secret \} \} or an array of \{ kid, secret \} \(got "a+…"\)/,
    ],
    ['keys: null', { keys: null }, /option 'keys' must be .* \(got null\)/],
    ['an empty array', { keys: [] }, /option 'keys' is an empty array/],
    ['an entry that is not an object', { keys: [K1] }, /keys\[0\] must be an object \{ kid, secret \}/],
    ['an entry without kid', { keys: [{ secret: K1 }] }, /keys\[0\]\.kid must be a non-empty string \(got undefined\)/],
    ['an entry with an empty kid', { keys: [{ kid: '', secret: K1 }] }, /keys\[0\]\.kid must be a non-empty string/],
    [
      'an entry with a misspelt field',
      { keys: [{ kid: 'a', secrett: K1 }] },
      /unknown option 'secrett' for keys\[0\]; did you mean 'secret'\?/,
    ],
    [
      'an entry without secret',
      { keys: [{ kid: 'a' }] },
      /keys\[0\]\.secret must be a string, a Buffer or Uint8Array, or a secret KeyObject \(got undefined\)/,
    ],
    [
      'a short key in an entry',
      {
        keys: [
          { kid: 'a', secret: K1 },
          { kid: 'b', secret: 'short' },
        ],
      },
      /keys\[1\]\.secret must be at least 32 bytes for HS256 \(got 5\)/,
    ],
    [
      'a duplicate kid',
      {
        keys: [
          { kid: 'a', secret: K1 },
          { kid: 'a', secret: K2 },
        ],
      },
      /option 'keys' names kid "a" twice/,
    ],
    ['no current', { keys: { keys: { k1: K1 } } }, /keys\.current must be a non-empty string \(got undefined\)/],
    [
      'a current naming no key',
      { keys: { current: 'k3', keys: { k1: K1, k2: K2 } } },
      /keys\.current "k3" names no key in keys\.keys \(known: k1, k2\)/,
    ],
    ['an empty keys.keys', { keys: { current: 'k1', keys: {} } }, /keys\.keys must be a non-empty object of secrets by kid/],
    ['keys.keys as an array', { keys: { current: 'k1', keys: [K1] } }, /keys\.keys must be a non-empty object .* \(got an array\)/],
    ['a misspelt field', { keys: { current: 'k1', key: { k1: K1 } } }, /unknown option 'key' for option 'keys'; did you mean 'keys'\?/],
    [
      'an empty kid as a property name',
      { keys: { current: 'k1', keys: { k1: K1, '': K2 } } },
      /a kid in keys\.keys must be a non-empty string/,
    ],
    [
      'a short key',
      { keys: { current: 'k1', keys: { k1: K1, k2: 'x'.repeat(31) } } },
      /keys\.keys\["k2"\] must be at least 32 bytes for HS256 \(got 31\)/,
    ],
    [
      'a 32-byte key with HS512 allowed',
      { keys: { current: 'k1', keys: { k1: K1.slice(0, 32) } }, algorithms: ['HS256', 'HS512'] },
      /keys\.keys\["k1"\] must be at least 64 bytes for HS512/,
    ],
    [
      'a JWK',
      { keys: { current: 'k1', keys: { k1: JSON.stringify({ kty: 'oct', k: 'x'.repeat(64) }) } } },
      /keys\.keys\["k1"\] looks like a JWK/,
    ],
    // Public keys belong in `key`; as a `secret` they are still refused (key confusion).
    ['a PEM key as an entry secret', { keys: [{ kid: 'k1', secret: pem }] }, /keys\[0\]\.secret looks like a PEM key/],
    ['a public KeyObject as an entry secret', { keys: [{ kid: 'k1', secret: publicKey }] }, /keys\[0\]\.secret is a public KeyObject/],
    [
      'a resolver function as a key',
      { keys: { current: 'k1', keys: { k1: () => K1 } } },
      /keys\.keys\["k1"\] must be a string, a Buffer or Uint8Array, or a secret KeyObject \(got a function\)/,
    ],
  ];

  it.each(CASES)('tokenRequired: %s', (_case, options, message) => {
    const build = () => tokenRequired(options as VerifyOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it.each(CASES)('verifyToken: %s', async (_case, options, message) => {
    await expect(verifyToken(signed('k1', K1), options as VerifyOptions)).rejects.toThrow(message);
    await expect(verifyToken(signed('k1', K1), options as VerifyOptions)).rejects.toBeInstanceOf(TypeError);
  });

  it.each(CASES.filter(([name]) => !name.includes('HS512')))('signToken: %s', (_case, options, message) => {
    const sign = () => signToken({}, options as SignOptions);
    expect(sign).toThrow(TypeError);
    expect(sign).toThrow(message);
  });

  it('signToken: keyid together with keys', () => {
    const sign = () => signToken({}, { keys: RING, keyid: 'k9' } as unknown as SignOptions);
    expect(sign).toThrow(TypeError);
    expect(sign).toThrow(/option 'keyid' cannot be used with 'keys': the current key's kid \("k2"\) is written/);
  });

  it('counts undefined as not passed', async () => {
    expect(tokenRequired({ secret: undefined, keys: RING })).toBeTypeOf('function');
    expect(tokenRequired({ secret: SECRET, keys: undefined })).toBeTypeOf('function');
    await expect(verifyToken(signed('k1', K1), { secret: undefined, keys: RING })).resolves.toMatchObject({ sub: '42' });
    expect(headerOf(signToken({}, { keys: RING, keyid: undefined })).kid).toBe('k2');
  });

  it('suggests keys for a misspelt key option', () => {
    expect(() => tokenRequired({ secret: SECRET, kyes: RING } as VerifyOptions)).toThrow(
      /unknown option 'kyes' for tokenRequired\(\); did you mean 'keys'\?/,
    );
  });

  it('leaves the secret option alone: an array of secrets still tries each key', async () => {
    await expect(verifyToken(signed(undefined, OTHER_SECRET), { secret: [SECRET, OTHER_SECRET] })).resolves.toMatchObject({ sub: '42' });
  });
});
