// Known JWT attacks, one row each naming the CVE or RFC section it comes from.
// Every row runs against a real app on Express 5 and Express 4.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestHandler } from 'express';
import { createClient } from 'redis';
import { requireClaims, requireScopes, tokenRequired, verifyToken, type TokenRequiredOptions } from '../../src/index.js';
import { RedisRevocationStore } from '../../src/redis.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import { listenOnLoopback } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { b64url, makeToken, now, SECRET, validToken } from '../helpers/tokens.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const claims = () => ({ sub: '42', admin: true, iat: now(), exp: now() + 3600 });
const segment = (value: unknown) => b64url(JSON.stringify(value));

function asymmetric(alg: 'RS256' | 'ES256' | 'EdDSA', key: KeyObject): string {
  const input = `${segment({ alg, typ: 'JWT' })}.${segment(claims())}`;
  const signature =
    alg === 'EdDSA'
      ? sign(null, Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}

function unsigned(alg: string, withSignature: boolean): string {
  const good = validToken();
  const [, payload, signature] = good.split('.') as [string, string, string];
  return `${segment({ alg, typ: 'JWT' })}.${payload}.${withSignature ? signature : ''}`;
}

/** HS256 with an arbitrary HMAC key, e.g. the server's RSA public key PEM. */
const hmacWith = (key: string, header: Record<string, unknown> = {}): string => makeToken(claims(), { secret: key, header });

// A URL the token points at; nothing may ever fetch it.
let fetched = 0;
let trap: Server;
let trapUrl = '';
beforeAll(async () => {
  trap = createServer((_req, res) => {
    fetched++;
    res.end('{"keys":[]}');
  });
  trapUrl = `http://127.0.0.1:${String(await listenOnLoopback(trap))}/jwks.json`;
});
afterAll(() => {
  trap.close();
  expect(fetched).toBe(0);
});

type Outcome = 'invalid' | 'expired' | 'revoked' | 'missing' | 'ambiguous' | 'forbidden' | 'accepted' | 'server error';

interface Attack {
  readonly attack: string;
  readonly source: string;
  readonly options?: Partial<TokenRequiredOptions>;
  /** The route's handlers before the test route, instead of one tokenRequired with `options`. */
  readonly handlers?: () => RequestHandler[];
  /** Defaults to POST. */
  readonly method?: 'get' | 'head' | 'post';
  /** Request headers, built lazily (some need the trap URL); an array sends one line per value. */
  readonly headers: () => Record<string, string | string[]>;
  readonly outcome: Outcome;
}

/** Sets req.auth as a buggy body parser or a careless middleware might. */
const forgeAuth =
  (auth: Record<string, unknown>): RequestHandler =>
  (req, _res, next) => {
    req.auth = auth;
    next();
  };

// A real Redis for the revocation rows.
let redis: RedisServer;
let redisClient: ReturnType<typeof createClient>;
let revocations: RedisRevocationStore;
beforeAll(async () => {
  redis = await startRedis();
  redisClient = createClient({ url: redis.url });
  await redisClient.connect();
  revocations = new RedisRevocationStore(redisClient, { clockTolerance: 30 });
}, 20_000);
afterAll(async () => {
  redisClient.destroy();
  await redis.stop();
});

/** A token already past its `exp` but inside a 30 s clockTolerance, revoked before the request. */
async function revokedInsideTolerance(): Promise<string> {
  const token = validToken({ jti: randomUUID(), exp: now() - 10 });
  await revocations.revoke(await verifyToken(token, { secret: SECRET, clockTolerance: 30 }));
  return token;
}
let lateRevoked = '';
beforeAll(async () => {
  lateRevoked = await revokedInsideTolerance();
}, 20_000);

const kidsSeen: unknown[] = [];
const byKid = (keys: Record<string, string>) => (header: { kid?: string }) => {
  kidsSeen.push(header.kid);
  return Object.hasOwn(keys, String(header.kid)) ? keys[String(header.kid)] : undefined;
};
const HOSTILE_KIDS = ['../../../../etc/passwd', '/dev/null', "' OR '1'='1' --", 'k1; DROP TABLE keys', '%00k1'];

const ATTACKS: Attack[] = [
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): Attack[] => [
    {
      attack: `alg "${alg}" without a signature`,
      source: 'CVE-2015-9235, RFC 8725 §3.1',
      headers: () => ({ token: unsigned(alg, false) }),
      outcome: 'invalid',
    },
    {
      attack: `alg "${alg}" with the original signature`,
      source: 'CVE-2015-9235, RFC 8725 §3.1',
      headers: () => ({ token: unsigned(alg, true) }),
      outcome: 'invalid',
    },
  ]),
  {
    attack: 'alg none when the app never listed algorithms',
    source: 'CVE-2022-23540, CVE-2020-15084',
    headers: () => ({ token: unsigned('none', false) }),
    outcome: 'invalid',
  },
  {
    attack: 'HS512 when only HS256 is allowed',
    source: 'RFC 8725 §3.1',
    options: { secret: 'k'.repeat(64) },
    headers: () => ({ token: validToken({}, { secret: 'k'.repeat(64), header: { alg: 'HS512' } }) }),
    outcome: 'invalid',
  },
  {
    attack: 'HS384 when only HS256 is allowed',
    source: 'RFC 8725 §3.1',
    options: { secret: 'k'.repeat(64) },
    headers: () => ({ token: validToken({}, { secret: 'k'.repeat(64), header: { alg: 'HS384' } }) }),
    outcome: 'invalid',
  },
  {
    attack: 'an RS256 token',
    source: 'RFC 8725 §2.1, §3.1',
    headers: () => ({ token: asymmetric('RS256', rsa.privateKey) }),
    outcome: 'invalid',
  },
  { attack: 'an ES256 token', source: 'RFC 8725 §3.1', headers: () => ({ token: asymmetric('ES256', ec.privateKey) }), outcome: 'invalid' },
  { attack: 'an EdDSA token', source: 'RFC 8725 §3.1', headers: () => ({ token: asymmetric('EdDSA', ed.privateKey) }), outcome: 'invalid' },
  {
    attack: "HS256 signed with the server's RSA public key PEM",
    source: 'CVE-2015-9235, CVE-2022-23541 (key confusion)',
    headers: () => ({ token: hmacWith(rsaPublicPem) }),
    outcome: 'invalid',
  },
  {
    attack: 'HS256 signed with the PEM, through a resolver that picks keys by kid',
    source: 'CVE-2022-23541, CVE-2023-48223',
    options: { secret: byKid({ k1: SECRET }) },
    headers: () => ({ token: hmacWith(rsaPublicPem, { kid: 'k1' }) }),
    outcome: 'invalid',
  },
  {
    attack: 'a resolver that returns the RSA public key PEM',
    source: 'CVE-2023-48223, CVE-2022-23541',
    options: { secret: () => rsaPublicPem },
    headers: () => ({ token: hmacWith(rsaPublicPem) }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns a PEM with leading whitespace',
    source: 'CVE-2023-48223',
    options: { secret: () => `\n  ${rsaPublicPem}` },
    headers: () => ({ token: hmacWith(`\n  ${rsaPublicPem}`) }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns a public KeyObject',
    source: 'CVE-2022-23541',
    options: { secret: () => rsa.publicKey },
    headers: () => ({ token: validToken() }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns a serialized JWK',
    source: 'hono CVE-2026-22817',
    options: { secret: () => JSON.stringify(rsa.publicKey.export({ format: 'jwk' })) },
    headers: () => ({ token: validToken() }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns an empty key',
    source: 'jws CVE-2025-65945, PyJWT weak keys',
    options: { secret: () => '' },
    headers: () => ({ token: hmacWith('') }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns a short key',
    source: 'RFC 7518 §3.2, PyJWT weak keys',
    options: { secret: () => 'secret' },
    headers: () => ({ token: hmacWith('secret') }),
    outcome: 'server error',
  },
  {
    attack: 'a resolver that returns an empty Buffer',
    source: 'jws CVE-2025-65945',
    options: { secret: () => Buffer.alloc(0) },
    headers: () => ({ token: hmacWith('') }),
    outcome: 'server error',
  },
  ...HOSTILE_KIDS.map((kid): Attack => ({
    attack: `kid ${JSON.stringify(kid)} signed with the kid itself as key`,
    source: 'RFC 8725 §3.10 (kid injection)',
    options: { secret: byKid({ k1: SECRET }) },
    headers: () => ({ token: hmacWith(kid, { kid }) }),
    outcome: 'invalid',
  })),
  {
    attack: 'a kid that is "__proto__"',
    source: 'RFC 8725 §3.10',
    options: { secret: byKid({ k1: SECRET }) },
    headers: () => ({ token: hmacWith('x', { kid: '__proto__' }) }),
    outcome: 'invalid',
  },
  {
    attack: 'a crit header with an extension',
    source: 'RFC 7515 §4.1.11, fast-jwt CVE-2026-44351, PyJWT',
    headers: () => ({ token: validToken({}, { header: { crit: ['b64'], b64: false } }) }),
    outcome: 'invalid',
  },
  {
    attack: 'an empty crit list',
    source: 'RFC 7515 §4.1.11',
    headers: () => ({ token: validToken({}, { header: { crit: [] } }) }),
    outcome: 'invalid',
  },
  {
    attack: 'a jku header pointing at attacker keys',
    source: 'RFC 8725 §3.10 (never fetched)',
    headers: () => ({ token: hmacWith('attacker-key-attacker-key-attacker', { jku: trapUrl }) }),
    outcome: 'invalid',
  },
  {
    attack: 'an x5u header pointing at attacker keys',
    source: 'RFC 8725 §3.10 (never fetched)',
    headers: () => ({ token: hmacWith('attacker-key-attacker-key-attacker', { x5u: trapUrl }) }),
    outcome: 'invalid',
  },
  {
    attack: 'an embedded jwk with the signing key',
    source: 'CVE-2018-0114 (embedded jwk)',
    headers: () => ({
      token: hmacWith('attacker-key-attacker-key-attacker', { jwk: { kty: 'oct', k: b64url('attacker-key-attacker-key-attacker') } }),
    }),
    outcome: 'invalid',
  },
  {
    attack: 'a valid token whose header also carries jku',
    source: 'RFC 8725 §3.10 (ignored, never fetched)',
    headers: () => ({ token: validToken({}, { header: { jku: trapUrl, x5u: trapUrl } }) }),
    outcome: 'accepted',
  },
  {
    attack: 'iss as an array holding the expected issuer',
    source: 'fast-jwt CVE-2025-30144, RFC 8725 §3.8',
    options: { issuer: 'auth.example' },
    headers: () => ({ token: validToken({ iss: ['auth.example'] }) }),
    outcome: 'invalid',
  },
  {
    attack: 'iss as a number',
    source: 'RFC 8725 §3.8',
    options: { issuer: '1' },
    headers: () => ({ token: validToken({ iss: 1 }) }),
    outcome: 'invalid',
  },
  {
    attack: 'sub as an array',
    source: 'RFC 7519 §4.1.2',
    options: { subject: '42' },
    headers: () => ({ token: validToken({ sub: ['42'] }) }),
    outcome: 'invalid',
  },
  {
    attack: 'sub as a number',
    source: 'RFC 7519 §4.1.2',
    options: { subject: '42' },
    headers: () => ({ token: validToken({ sub: 42 }) }),
    outcome: 'invalid',
  },
  {
    attack: 'aud as an object',
    source: 'RFC 8725 §3.9',
    options: { audience: 'api' },
    headers: () => ({ token: validToken({ aud: { api: true } }) }),
    outcome: 'invalid',
  },
  {
    attack: 'exp as a string',
    source: 'RFC 7519 §4.1.4',
    headers: () => ({ token: validToken({ exp: String(now() + 3600) }) }),
    outcome: 'invalid',
  },
  {
    attack: 'exp far in the past as a string',
    source: 'RFC 7519 §4.1.4',
    headers: () => ({ token: validToken({ exp: '1' }) }),
    outcome: 'invalid',
  },
  { attack: 'nbf as a string', source: 'RFC 7519 §4.1.5', headers: () => ({ token: validToken({ nbf: '0' }) }), outcome: 'invalid' },
  {
    attack: 'iat as a string',
    source: 'RFC 7519 §4.1.6',
    headers: () => ({ token: validToken({ iat: 'yesterday' }) }),
    outcome: 'invalid',
  },
  {
    attack: 'iat as a string with maxAge',
    source: 'RFC 7519 §4.1.6',
    options: { maxAge: '1h' },
    headers: () => ({ token: validToken({ iat: String(now()) }) }),
    outcome: 'invalid',
  },
  {
    attack: 'different tokens in the token header and Bearer',
    source: 'RFC 6750 §2',
    options: { bearer: true },
    headers: () => ({ token: validToken(), authorization: `Bearer ${validToken({ sub: 'admin' })}` }),
    outcome: 'ambiguous',
  },
  {
    attack: 'a valid token header beside a forged Bearer token',
    source: 'RFC 6750 §2',
    options: { bearer: true },
    headers: () => ({ token: validToken(), authorization: `Bearer ${unsigned('none', false)}` }),
    outcome: 'ambiguous',
  },
  {
    attack: 'a payload with __proto__, constructor and prototype keys',
    source: 'CWE-1321 (prototype pollution)',
    headers: () => ({
      token: makeToken(
        `{"sub":"42","exp":${String(now() + 60)},"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}},"prototype":{"admin":true}}`,
      ),
    }),
    outcome: 'accepted',
  },
  {
    attack: 'a token one character over maxTokenLength',
    source: 'CWE-400 (resource limits)',
    headers: () => ({ token: validToken({ pad: 'x'.repeat(8192) }).slice(0, 8193) }),
    outcome: 'invalid',
  },
  {
    attack: 'a 13 KB token',
    source: 'CWE-400 (resource limits)',
    headers: () => ({ token: validToken({ pad: 'x'.repeat(10_000) }) }),
    outcome: 'invalid',
  },
  {
    attack: 'a token expired 10 s ago, within a 30 s clockTolerance',
    source: 'RFC 7519 §4.1.4',
    options: { clockTolerance: 30 },
    headers: () => ({ token: validToken({ exp: now() - 10 }) }),
    outcome: 'accepted',
  },
  {
    attack: 'a token expired 60 s ago, beyond a 30 s clockTolerance',
    source: 'RFC 7519 §4.1.4',
    options: { clockTolerance: 30 },
    headers: () => ({ token: validToken({ exp: now() - 60 }) }),
    outcome: 'expired',
  },
  {
    attack: 'a token without exp',
    source: 'CWE-613 (insufficient expiration)',
    headers: () => ({ token: makeToken({ sub: '42' }) }),
    outcome: 'invalid',
  },
  {
    attack: 'exp 1e400, which JSON parses to Infinity: never expires, never revocable',
    source: 'RFC 7519 §2 (NumericDate)',
    headers: () => ({ token: makeToken('{"sub":"42","exp":1e400}') }),
    outcome: 'invalid',
  },
  {
    attack: 'iat 1e400 to defeat maxAge',
    source: 'RFC 7519 §2, §4.1.6',
    options: { maxAge: '1h' },
    headers: () => ({ token: makeToken(`{"sub":"42","exp":${String(now() + 60)},"iat":1e400}`) }),
    outcome: 'invalid',
  },
  {
    attack: 'HEAD on a route guarded for GET, without a token',
    source: 'Express runs GET handlers for HEAD',
    options: { methods: ['GET'] },
    method: 'head',
    headers: () => ({}),
    outcome: 'missing',
  },
  {
    attack: 'HEAD on a route guarded for get (lower case), with a forged token',
    source: 'Express runs GET handlers for HEAD',
    options: { methods: ['get'] },
    method: 'head',
    headers: () => ({ token: unsigned('none', false) }),
    outcome: 'invalid',
  },
  {
    attack: 'two Authorization lines: a valid Bearer token, then a forged one',
    source: 'RFC 6750 §2.1; Node keeps the first line only',
    options: { bearer: true },
    headers: () => ({ authorization: [`Bearer ${validToken()}`, `Bearer ${unsigned('none', false)}`] }),
    outcome: 'invalid',
  },
  {
    attack: 'two Authorization lines: a forged Bearer token, then a valid one',
    source: 'RFC 6750 §2.1; Node keeps the first line only',
    options: { bearer: true },
    headers: () => ({ authorization: [`Bearer ${unsigned('none', false)}`, `Bearer ${validToken()}`] }),
    outcome: 'invalid',
  },
  {
    attack: 'Bearer followed by a tab',
    source: 'RFC 6750 §2.1 (1*SP)',
    options: { bearer: true },
    headers: () => ({ authorization: `Bearer\t${validToken()}` }),
    outcome: 'invalid',
  },
  {
    attack: 'a token wrapped in no-break spaces',
    source: 'RFC 9110 §5.6.3 (OWS is SP / HTAB)',
    headers: () => ({ token: `\u00a0${validToken()}\u00a0` }),
    outcome: 'invalid',
  },
  {
    attack: 'a token revoked while inside a 30 s clockTolerance past its exp',
    source: 'RFC 7519 §4.1.4, revocation window',
    options: { clockTolerance: 30, isRevoked: (payload) => revocations.isRevoked(payload) },
    headers: () => ({ token: lateRevoked }),
    outcome: 'revoked',
  },
  {
    attack: 'a forged req.auth before requireClaims, no tokenRequired',
    source: 'guards trust only what tokenRequired verified',
    handlers: () => [forgeAuth({ sub: 'root', admin: true }), requireClaims({ admin: true })],
    headers: () => ({}),
    outcome: 'invalid',
  },
  {
    attack: 'a forged req.auth after an optional tokenRequired found no token',
    source: 'guards trust only what tokenRequired verified',
    handlers: () => [tokenRequired({ secret: SECRET, optional: true }), forgeAuth({ sub: 'root', scope: 'admin' }), requireScopes('admin')],
    headers: () => ({}),
    outcome: 'invalid',
  },
  {
    attack: 'req.auth replaced after tokenRequired verified a non-admin token',
    source: 'guards trust only what tokenRequired verified',
    handlers: () => [tokenRequired({ secret: SECRET }), forgeAuth({ sub: 'root', admin: true }), requireClaims({ admin: true })],
    headers: () => ({ token: validToken({ admin: false }) }),
    outcome: 'forbidden',
  },
];

const EXPECTED: Record<Exclude<Outcome, 'accepted' | 'server error'>, [number, object]> = {
  invalid: [401, ENVELOPE.invalid],
  expired: [401, ENVELOPE.expired],
  revoked: [401, ENVELOPE.revoked],
  missing: [400, ENVELOPE.missing],
  forbidden: [403, ENVELOPE.forbidden],
  ambiguous: [400, ENVELOPE.ambiguous],
};

describe.each(EXPRESS)('%s: attacks', (_name, express) => {
  it.each(ATTACKS.map((row) => [`${row.attack} [${row.source}]`, row] as const))('%s', async (_title, row) => {
    const { client, handled, errors } = createApp(express, row.handlers?.() ?? row.options ?? {});
    const req = client[row.method ?? 'post']('/protected');
    for (const [name, value] of Object.entries(row.headers())) req.set(name, value as string);
    const res = await req;
    if (row.outcome === 'accepted') {
      expect(res.status).toBe(200);
      expect(handled).toHaveLength(1);
      expect(Object.getPrototypeOf(handled[0]?.auth)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      return;
    }
    expect(handled).toHaveLength(0);
    if (row.outcome === 'server error') {
      expect(res.status).toBe(500);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect((errors[0] as Error).message).not.toContain('BEGIN');
      return;
    }
    const [status, body] = EXPECTED[row.outcome];
    // A HEAD answer has no body: its length tells which envelope it would have carried.
    if (row.method === 'head') expect([res.status, res.headers['content-length']]).toEqual([status, String(JSON.stringify(body).length)]);
    else expect([res.status, res.body]).toEqual([status, body]);
  });

  it('hands hostile kid values to the resolver unchanged', async () => {
    kidsSeen.length = 0;
    const { client } = createApp(express, { secret: byKid({ k1: SECRET }) });
    for (const kid of HOSTILE_KIDS) await client.get('/protected').set('token', hmacWith(kid, { kid })).expect(401);
    expect(kidsSeen).toEqual(HOSTILE_KIDS);
  });
});

describe('attacks on the configuration', () => {
  it.each<[string, string, string[]]>([
    ['a misspelt method name', 'DELTE would leave DELETE unguarded', ['POST', 'PUT', 'DELTE']],
    ['a method with a trailing space', "'GET ' would leave GET unguarded", ['GET ']],
    ['a wildcard method', "'*' matches no request method", ['*']],
    ['ALL as a method', "Express's app.all is no HTTP method", ['ALL']],
    ['two methods in one entry', "'POST,PUT' matches no request method", ['POST,PUT']],
  ])('refuses %s at start-up [%s]', (_case, _source, methods) => {
    expect(() => tokenRequired({ secret: SECRET, methods })).toThrow(TypeError);
    expect(() => tokenRequired({ secret: SECRET, methods })).toThrow(
      `option 'methods' has ${JSON.stringify(methods.at(-1))}, which is not an HTTP method`,
    );
  });

  it.each<[string, string, unknown]>([
    ['the RSA public key PEM as the secret', 'CVE-2022-23541', rsaPublicPem],
    ['a PEM with a text prefix', 'CVE-2023-48223', `key=${rsaPublicPem}`],
    ['a PEM with leading whitespace', 'CVE-2023-48223', `\n\t ${rsaPublicPem}`],
    ['a PEM Buffer', 'CVE-2023-48223', Buffer.from(rsaPublicPem)],
    ['a public KeyObject', 'CVE-2022-23541', rsa.publicKey],
    ['a private KeyObject', 'CVE-2022-23541', rsa.privateKey],
    ['a serialized JWK', 'hono CVE-2026-22818', JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))],
    ['a serialized JWKS', 'hono CVE-2026-22818', JSON.stringify({ keys: [rsa.publicKey.export({ format: 'jwk' })] })],
    ['a PEM inside a rotation array', 'CVE-2022-23541', [SECRET, rsaPublicPem]],
    ['a short secret', 'PyJWT weak keys, RFC 7518 §3.2', 'secret'],
  ])('refuses %s at start-up [%s]', (_case, _source, secret) => {
    expect(() => tokenRequired({ secret } as TokenRequiredOptions)).toThrow(TypeError);
  });
});
