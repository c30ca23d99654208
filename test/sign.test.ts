// signToken: what a login route issues, checked by hand-decoding and by the middleware.
import { createSecretKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../src/core/algorithms.js';
import { signToken, verifyToken, type SignClaimOptions, type SignOptions } from '../src/index.js';
import { freezeClock, NOW, thawClock } from './helpers/clock.js';
import { hmac, OTHER_SECRET, SECRET } from './helpers/tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string; input: string } {
  const [h, p, s] = token.split('.') as [string, string, string];
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(h), payload: json(p), signature: s, input: `${h}.${p}` };
}

describe('signToken', () => {
  afterEach(thawClock);

  it('signs HS256 with iat, a one-hour exp and a random jti by default, verifiable by hand', () => {
    freezeClock(NOW);
    const token = signToken({ sub: '42', admin: true }, { secret: SECRET });
    const { header, payload, signature, input } = decode(token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ sub: '42', admin: true, iat: NOW, exp: NOW + 3600, jti: expect.stringMatching(UUID) });
    expect(ALGORITHMS.HS256.hash).toBe('sha256');
    expect(signature).toBe(hmac(input, SECRET, 'HS256'));
  });

  it.each<[string, SignClaimOptions, Record<string, unknown>]>([
    ['expiresIn in seconds', { expiresIn: 90 }, { exp: NOW + 90 }],
    ['expiresIn as a string', { expiresIn: '30m' }, { exp: NOW + 1800 }],
    ['expiresIn in days', { expiresIn: '7 days' }, { exp: NOW + 7 * 86_400 }],
    ['expiresIn with a two-digit fraction', { expiresIn: '1.25h' }, { exp: NOW + 4500 }],
    ['expiresIn with spaces around it', { expiresIn: ' 30m ' }, { exp: NOW + 1800 }],
    ['notBefore', { notBefore: '1m' }, { nbf: NOW + 60 }],
    ['issuer', { issuer: 'auth.example' }, { iss: 'auth.example' }],
    ['audience', { audience: ['api', 'web'] }, { aud: ['api', 'web'] }],
    ['subject', { subject: 'user-7' }, { sub: 'user-7' }],
    ['jwtid', { jwtid: 'id-1' }, { jti: 'id-1' }],
  ])('writes %s as its claim', (_case, options, claims) => {
    freezeClock(NOW);
    expect(decode(signToken({}, { secret: SECRET, ...options })).payload).toMatchObject({ iat: NOW, ...claims });
  });

  describe('jti', () => {
    it('is a fresh random UUID on every token by default', () => {
      const ids = Array.from({ length: 50 }, () => decode(signToken({ sub: '1' }, { secret: SECRET })).payload.jti);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(50);
    });

    it.each<[string, Record<string, unknown>, SignClaimOptions, unknown]>([
      ['an explicit jwtid wins over the random default', {}, { jwtid: 'id-7' }, 'id-7'],
      ['jwtid: false writes none', {}, { jwtid: false }, undefined],
      ["the payload's own jti stays", { jti: 'mine' }, {}, 'mine'],
      ["the payload's own jti stays with jwtid: false", { jti: 'mine' }, { jwtid: false }, 'mine'],
      ['jwtid: undefined is the default', {}, { jwtid: undefined }, expect.stringMatching(UUID)],
    ])('%s', (_case, payload, options, jti) => {
      const claims = decode(signToken(payload, { secret: SECRET, ...options })).payload;
      expect(claims.jti).toEqual(jti);
      if (jti === undefined) expect(claims).not.toHaveProperty('jti');
    });

    it.each<[string, unknown, RegExp]>([
      ['true', true, /option 'jwtid' must be a non-empty string, or false for no jti \(got true\)/],
      ['an empty string', '', /option 'jwtid' must be a non-empty string, or false for no jti \(got ""\)/],
      ['a number', 7, /\(got 7\)/],
    ])('refuses jwtid %s with a TypeError', (_case, jwtid, message) => {
      const sign = () => signToken({}, { secret: SECRET, jwtid } as SignOptions);
      expect(sign).toThrow(TypeError);
      expect(sign).toThrow(message);
    });

    it("refuses jwtid together with the payload's jti", () => {
      expect(() => signToken({ jti: 'a' }, { secret: SECRET, jwtid: 'b' })).toThrow(/'jwtid' and the payload's 'jti' claim both set 'jti'/);
    });
  });

  describe('NumericDates', () => {
    const MAX = Number.MAX_SAFE_INTEGER;

    it.each<[string, SignClaimOptions, Record<string, unknown>]>([
      ['expiresIn up to exp = 2^53 - 1', { expiresIn: MAX - NOW }, { exp: MAX }],
      ['notBefore up to nbf = 2^53 - 1', { notBefore: MAX - NOW }, { nbf: MAX }],
      ['a fraction of an hour that makes whole seconds', { expiresIn: '0.5h' }, { exp: NOW + 1800 }],
    ])('writes %s', (_case, options, claims) => {
      freezeClock(NOW);
      expect(decode(signToken({}, { secret: SECRET, ...options })).payload).toMatchObject(claims);
    });

    it.each<[string, SignClaimOptions, string]>([
      ['expiresIn: 1e20', { expiresIn: 1e20 }, "option 'expiresIn' puts 'exp' at 100000000001800000000 seconds since the epoch"],
      [
        'expiresIn one past exp = 2^53 - 1',
        { expiresIn: MAX - NOW + 1 },
        "option 'expiresIn' puts 'exp' at 9007199254740992 seconds since the epoch",
      ],
      [
        'expiresIn: Number.MAX_VALUE',
        { expiresIn: Number.MAX_VALUE },
        "option 'expiresIn' puts 'exp' at 1.7976931348623157e+308 seconds since the epoch",
      ],
      [
        "expiresIn: '1e20 days'",
        { expiresIn: '100000000000000000000 days' },
        "option 'expiresIn' puts 'exp' at 8.640000000000002e+24 seconds since the epoch",
      ],
      ['expiresIn of half a second', { expiresIn: 0.5 }, "option 'expiresIn' puts 'exp' at 1800000000.5 seconds since the epoch"],
      ['notBefore: 1e20', { notBefore: 1e20 }, "option 'notBefore' puts 'nbf' at 100000000001800000000 seconds since the epoch"],
      [
        'notBefore one past nbf = 2^53 - 1',
        { notBefore: MAX - NOW + 1 },
        "option 'notBefore' puts 'nbf' at 9007199254740992 seconds since the epoch",
      ],
      ["notBefore: '1.5s'", { notBefore: '1.5s' }, "option 'notBefore' puts 'nbf' at 1800000001.5 seconds since the epoch"],
    ])('refuses %s: its date is no safe integer, a TypeError naming the option', (_case, options, start) => {
      freezeClock(NOW);
      const sign = () => signToken({}, { secret: SECRET, ...options });
      expect(sign).toThrow(TypeError);
      expect(sign).toThrow(`express-token-required: ${start}, not a safe integer; use a shorter duration in whole seconds`);
    });
  });

  it('writes keyid as the header kid', () => {
    expect(decode(signToken({}, { secret: SECRET, keyid: 'k2' })).header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k2' });
  });

  it.each([
    ['HS384', 'sha384', 48],
    ['HS512', 'sha512', 64],
  ] as const)('signs %s (HMAC with %s, RFC 7518 §3.2) with a long enough key', (algorithm, hash, bytes) => {
    const secret = 'k'.repeat(bytes);
    const token = signToken({}, { secret, algorithm });
    const { header, signature, input } = decode(token);
    expect(header.alg).toBe(algorithm);
    // The token maker's HMAC takes its hash from the one table of algorithms: pin that row here.
    expect(ALGORITHMS[algorithm].hash).toBe(hash);
    expect(signature).toBe(hmac(input, secret, algorithm));
  });

  it('signs with the first key of an array', async () => {
    const token = signToken({}, { secret: [OTHER_SECRET, SECRET] });
    await expect(verifyToken(token, { secret: OTHER_SECRET })).resolves.toMatchObject({ iat: expect.any(Number) });
    await expect(verifyToken(token, { secret: SECRET })).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it.each([
    ['a Buffer', Buffer.from(SECRET)],
    ['a KeyObject', createSecretKey(Buffer.from(SECRET))],
  ])('accepts %s as the secret', async (_case, secret) => {
    await expect(verifyToken(signToken({ a: 1 }, { secret }), { secret: SECRET })).resolves.toMatchObject({ a: 1 });
  });

  it('keeps the payload exp when no expiresIn is given, and does not touch the payload', () => {
    const payload = { sub: '1', exp: NOW };
    expect(decode(signToken(payload, { secret: SECRET })).payload.exp).toBe(NOW);
    expect(payload).toEqual({ sub: '1', exp: NOW });
  });

  it('keeps own __proto__ keys as data', () => {
    const payload = JSON.parse('{"__proto__":{"admin":true},"sub":"1"}') as Record<string, unknown>;
    expect(decode(signToken(payload, { secret: SECRET })).payload).toMatchObject(JSON.parse('{"__proto__":{"admin":true}}') as object);
    expect(Object.hasOwn(decode(signToken(payload, { secret: SECRET })).payload, '__proto__')).toBe(true);
  });

  it('accepts a null-prototype object', () => {
    const payload = Object.assign(Object.create(null) as Record<string, unknown>, { sub: '1' });
    expect(decode(signToken(payload, { secret: SECRET })).payload.sub).toBe('1');
  });

  it.each<[string, unknown, unknown, RegExp]>([
    ['an array payload', [1], { secret: SECRET }, /plain object payload/],
    ['a string payload', 'sub', { secret: SECRET }, /plain object payload/],
    ['a null payload', null, { secret: SECRET }, /plain object payload/],
    ['a Buffer payload', Buffer.from('{}'), { secret: SECRET }, /plain object payload/],
    [
      'a class instance payload',
      new (class User {
        id = 1;
      })(),
      { secret: SECRET },
      /plain object payload/,
    ],
    ['a Date payload', new Date(), { secret: SECRET }, /plain object payload/],
    ['no options', {}, undefined, /signToken\(\) needs an options object/],
    ['no secret', {}, {}, /'secret' is required/],
    ['a short secret', {}, { secret: 'short' }, /at least 32 bytes for HS256 \(got 5\)/],
    ['a 32-byte secret for HS512', {}, { secret: SECRET.slice(0, 32), algorithm: 'HS512' }, /at least 64 bytes for HS512/],
    ['a resolver secret', {}, { secret: () => SECRET }, /needs the secret itself, not a resolver/],
    ['algorithm none', {}, { secret: SECRET, algorithm: 'none' }, /"none" is not supported/],
    [
      'algorithm RS256 with a secret',
      {},
      { secret: SECRET, algorithm: 'RS256' },
      /algorithm 'RS256' does not fit secret, which may sign with HS256, HS384 or HS512/,
    ],
    ['an unknown algorithm', {}, { secret: SECRET, algorithm: 'RS999' }, /"RS999" is not supported/],
    [
      'a misspelt option',
      {},
      { secret: SECRET, expiresin: '1h' },
      /unknown option 'expiresin' for signToken\(\); did you mean 'expiresIn'\?/,
    ],
    ['a verify option', {}, { secret: SECRET, algorithms: ['HS256'] }, /did you mean 'algorithm'\?/],
    ['a middleware option', {}, { secret: SECRET, loadUser: () => ({}) }, /it belongs to tokenRequired\(\)/],
    [
      'expiresIn without a unit',
      {},
      { secret: SECRET, expiresIn: '3600' },
      /'expiresIn' must be a number of seconds or a string with a unit/,
    ],
    ['a zero expiresIn', {}, { secret: SECRET, expiresIn: 0 }, /'expiresIn' must be more than 0 seconds/],
    [
      'an infinite expiresIn',
      {},
      { secret: SECRET, expiresIn: Number.POSITIVE_INFINITY },
      /'expiresIn' must be a number of seconds or a string with a unit such as '30m', '1h' or '7d' \(got Infinity\)$/,
    ],
    ['a negative notBefore', {}, { secret: SECRET, notBefore: -5 }, /'notBefore'/],
    [
      'expiresIn with a payload exp',
      { exp: NOW },
      { secret: SECRET, expiresIn: '1h' },
      /'expiresIn' and the payload's 'exp' claim both set 'exp'/,
    ],
    ['issuer with a payload iss', { iss: 'a' }, { secret: SECRET, issuer: 'b' }, /'issuer' and the payload's 'iss'/],
    ['a string exp in the payload', { exp: '1h' }, { secret: SECRET }, /payload's 'exp' must be a number of seconds/],
    ['a NaN iat in the payload', { iat: Number.NaN }, { secret: SECRET }, /payload's 'iat' must be a number/],
    ['a BigInt in the payload', { n: 1n }, { secret: SECRET }, /JSON-serialisable payload/],
    ['an empty issuer', {}, { secret: SECRET, issuer: '' }, /'issuer' must be a non-empty string/],
  ])('throws a TypeError for %s', (_case, payload, options, message) => {
    const sign = () => signToken(payload as Record<string, unknown>, options as SignOptions);
    expect(sign).toThrow(TypeError);
    expect(sign).toThrow(message);
  });
});

it('signs keys that collide with Object.prototype names, and they verify unchanged', async () => {
  const payload = JSON.parse('{"constructor":"c","toString":1,"hasOwnProperty":[],"__proto__":{"x":1},"valueOf":null}') as Record<
    string,
    unknown
  >;
  const verified = await verifyToken(signToken(payload, { secret: SECRET, jwtid: false }), { secret: SECRET });
  const { iat: _iat, exp: _exp, ...rest } = verified;
  expect(rest).toStrictEqual(payload);
  expect(Object.getPrototypeOf(verified)).toBe(Object.prototype);
});
