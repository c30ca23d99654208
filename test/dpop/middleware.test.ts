// DPoP through tokenRequired, on Express 5 and 4: every check of a proof has a failing row, with
// the exact answer (status, envelope, challenge), and the route never runs; proofs are made by
// jose, as a client makes them.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import express5, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { exportJWK } from 'jose';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenError, tokenRequired, type TokenRequiredOptions } from '../../src/index.js';
import { ENVELOPE, EXPRESS, type ExpressFactory } from '../helpers/app.js';
import { ath, makeDpopKey, makeProof, type DpopKey } from '../helpers/dpop.js';
import { signByHand } from '../helpers/keys.js';
import { SECRET, validToken } from '../helpers/tokens.js';

const ORIGIN = 'https://api.example.com';
const HTU = `${ORIGIN}/protected`;
const ALGS = 'algs="ES256 EdDSA RS256 PS256"';
const BAD_PROOF = `DPoP error="invalid_dpop_proof", ${ALGS}`;
const BAD_TOKEN = `DPoP error="invalid_token", ${ALGS}`;
const NOW = 1_900_000_000;

const key = await makeDpopKey('ES256');
const other = await makeDpopKey('ES256');
const boundToken = (claims: Record<string, unknown> = {}, to: DpopKey = key): string => validToken({ cnf: { jkt: to.jkt }, ...claims });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

interface DpopApp {
  readonly client: ReturnType<typeof request>;
  /** `req.dpop` and `req.auth` of each request that reached the route. */
  readonly handled: { dpop: unknown; auth: unknown }[];
  /** Reasons of the TokenErrors answered (through onError, which then answers as the library does). */
  readonly reasons: string[];
  /** Their causes' messages: which check refused. */
  readonly causes: (string | undefined)[];
  readonly errors: unknown[];
}

/** An app whose routes (`/protected`, and `/v1/protected` under a router) are guarded by `tokenRequired({ secret, dpop, ... })`. */
function dpopApp(express: ExpressFactory, dpop: Record<string, unknown> = {}, options: Partial<TokenRequiredOptions> = {}): DpopApp {
  const handled: DpopApp['handled'] = [];
  const reasons: string[] = [];
  const causes: (string | undefined)[] = [];
  const errors: unknown[] = [];
  const guard = tokenRequired({
    secret: SECRET,
    dpop: { origin: ORIGIN, ...dpop },
    onError: (err, _req, res) => {
      reasons.push(err.reason);
      causes.push((err.cause as Error | undefined)?.message);
      res.status(err.status).set(err.headers).set('Cache-Control', 'no-store').json(err.toJSON());
    },
    ...options,
  } as TokenRequiredOptions);
  const route: RequestHandler = (req, res) => {
    handled.push({ dpop: req.dpop, auth: req.auth });
    res.json({ ran: true });
  };
  const app = express();
  app.all('/protected', guard, route);
  const router = express.Router();
  router.all('/protected', guard, route);
  app.use('/v1', router);
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    errors.push(err);
    res.status(500).json({ error: 'handler' });
  };
  app.use(onError);
  return { client: request(app), handled, reasons, causes, errors };
}

type Answer = [status: number, body: unknown, challenge: string | undefined];
const answerOf = (res: request.Response): Answer => [res.status, res.body, res.headers['www-authenticate']];

describe.each(EXPRESS)('DPoP on %s', (_name, express) => {
  const send = (app: DpopApp, token: string, proof: string | string[] | undefined, path = '/protected', method = 'get') => {
    const req = app.client[method as 'get'](path).set('Authorization', `DPoP ${token}`);
    // An array sends one DPoP line per value.
    return proof === undefined ? req : req.set('DPoP', proof as string);
  };

  it('passes a bound token with its proof: req.auth is the payload, req.dpop the key and the claims', async () => {
    const app = dpopApp(express);
    const token = boundToken();
    const proof = await makeProof({ key, htm: 'GET', htu: HTU, token });
    const res = await send(app, token, proof);
    expect([res.status, res.body]).toEqual([200, { ran: true }]);
    expect(res.headers['dpop-nonce']).toBeUndefined();
    const [seen] = app.handled;
    expect((seen!.auth as { cnf: unknown }).cnf).toEqual({ jkt: key.jkt });
    const claims = JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(seen!.dpop).toEqual({ jkt: key.jkt, claims });
    expect(Object.isFrozen((seen!.dpop as { claims: unknown }).claims)).toBe(true);
  });

  it.each<[string, string, string, Record<string, unknown>?]>([
    ['a query string the htu does not have', '/protected?page=2&sort=name', HTU],
    ['a query and a fragment in the htu, which are ignored', '/protected', `${HTU}?page=2#top`],
    ['scheme and host in upper case, the default port', '/protected', 'HTTPS://API.EXAMPLE.COM:443/protected'],
    ['a percent-encoded unreserved character', '/protected', `${ORIGIN}/%70rotected`],
    ['lower-case percent-encoding of an unreserved character', '/v1/protected', `${ORIGIN}/v1/prot%65cted`],
    ['a dot segment', '/protected', `${ORIGIN}/v1/../protected`],
    ['a router mounted under a path', '/v1/protected', `${ORIGIN}/v1/protected`],
    ['the second configured origin', '/protected', 'http://127.0.0.1:8080/protected', { origin: [ORIGIN, 'http://127.0.0.1:8080/'] }],
  ])('passes with %s', async (_name, path, htu, dpop = {}) => {
    const app = dpopApp(express, dpop);
    const token = boundToken();
    expect((await send(app, token, await makeProof({ key, htm: 'GET', htu, token }), path)).status).toBe(200);
  });

  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'])('passes a %s proof (the default algorithms)', async (alg) => {
    const app = dpopApp(express);
    const signer = await makeDpopKey(alg);
    const token = boundToken({}, signer);
    expect((await send(app, token, await makeProof({ key: signer, htm: 'GET', htu: HTU, token }))).status).toBe(200);
  });

  it('reads the DPoP scheme in any case, whatever bearer says; typ in any case', async () => {
    const app = dpopApp(express, {}, { bearer: false });
    const token = boundToken();
    const proof = await makeProof({ key, htm: 'GET', htu: HTU, token, header: { typ: 'DPoP+JWT' } });
    const res = await app.client.get('/protected').set('Authorization', `dpop ${token}`).set('DPoP', proof);
    expect(res.status).toBe(200);
  });

  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  /** A proof signed by hand with node:crypto (ES256 by `key`): a header jose would not sign. */
  const byHand = (token: string, header: Record<string, unknown>): string =>
    signByHand(
      'ES256',
      key.privateKey,
      { jti: 'h', htm: 'GET', htu: HTU, iat: NOW, ath: ath(token) },
      { typ: 'dpop+jwt', jwk: key.jwk, ...header },
    );
  const cases: [string, string, (token: string) => Promise<string | string[] | undefined>][] = [
    ['wrong htm', 'htm is not the request method', (token) => makeProof({ key, htm: 'POST', htu: HTU, token })],
    ['htm in lower case', 'htm is not the request method', (token) => makeProof({ key, htm: 'get', htu: HTU, token })],
    ['wrong htu path', 'htu is not this request URI', (token) => makeProof({ key, htm: 'GET', htu: `${ORIGIN}/other`, token })],
    [
      'wrong htu origin',
      'htu is not this request URI',
      (token) => makeProof({ key, htm: 'GET', htu: 'https://evil.example/protected', token }),
    ],
    [
      'http instead of https',
      'htu is not this request URI',
      (token) => makeProof({ key, htm: 'GET', htu: 'http://api.example.com/protected', token }),
    ],
    [
      'another port',
      'htu is not this request URI',
      (token) => makeProof({ key, htm: 'GET', htu: 'https://api.example.com:8443/protected', token }),
    ],
    [
      'a user name in the htu',
      'htu is not this request URI',
      (token) => makeProof({ key, htm: 'GET', htu: 'https://user@api.example.com/protected', token }),
    ],
    ['an htu that is no URL', 'htu is not this request URI', (token) => makeProof({ key, htm: 'GET', htu: '/protected', token })],
    [
      'iat past proofMaxAge and the tolerance',
      'iat is older than dpop.proofMaxAge',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat: NOW - 66 } }),
    ],
    [
      'iat beyond the tolerance in the future',
      'iat is in the future',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat: NOW + 6 } }),
    ],
    ['iat as a string', 'iat is not a number', (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat: String(NOW) } })],
    [
      'no ath',
      'ath is not the hash of the access token',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { ath: undefined } }),
    ],
    [
      'the ath of another token',
      'ath is not the hash of the access token',
      (_token) => makeProof({ key, htm: 'GET', htu: HTU, token: boundToken({ sub: '43' }) }),
    ],
    [
      'no jti',
      'jti is not a string of 1 to 256 characters',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { jti: undefined } }),
    ],
    [
      'an empty jti',
      'jti is not a string of 1 to 256 characters',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { jti: '' } }),
    ],
    [
      'a jti of 257 characters',
      'jti is not a string of 1 to 256 characters',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { jti: 'j'.repeat(257) } }),
    ],
    [
      'a jti that is a number',
      'jti is not a string of 1 to 256 characters',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, claims: { jti: 7 } }),
    ],
    [
      'a signature by another key',
      'invalid signature',
      (token) => makeProof({ key, htm: 'GET', htu: HTU, token, signWith: other.privateKey }),
    ],
    [
      "another key's proof (cnf.jkt is not its thumbprint)",
      "the token's cnf.jkt is not the proof's key",
      (token) => makeProof({ key: other, htm: 'GET', htu: HTU, token }),
    ],
    ['typ JWT', 'typ is not dpop+jwt', (token) => makeProof({ key, htm: 'GET', htu: HTU, token, header: { typ: 'JWT' } })],
    ['no typ', 'typ is not dpop+jwt', (token) => makeProof({ key, htm: 'GET', htu: HTU, token, header: { typ: undefined } })],
    ['no jwk header', 'no jwk header', (token) => makeProof({ key, htm: 'GET', htu: HTU, token, header: { jwk: undefined } })],
    [
      'a jwk with its private d',
      'the jwk is not a public key this library verifies with',
      async (token) => {
        const jwk = await exportJWK(key.privateKey);
        return makeProof({ key, htm: 'GET', htu: HTU, token, header: { jwk } });
      },
    ],
    ['a jwk of another curve than its alg', 'alg does not fit the jwk', (token) => Promise.resolve(byHand(token, { alg: 'EdDSA' }))],
    [
      'an HS256 proof',
      'alg is not one of dpop.algorithms',
      (token) => makeProof({ key: { ...key, alg: 'HS256' }, htm: 'GET', htu: HTU, token, signWith: Buffer.from(SECRET) }),
    ],
    [
      'an oct jwk',
      'the jwk is not a public key this library verifies with',
      (token) => Promise.resolve(byHand(token, { jwk: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } })),
    ],
    [
      'alg none',
      'alg is not one of dpop.algorithms',
      async (token) => {
        const proof = await makeProof({ key, htm: 'GET', htu: HTU, token, header: { alg: 'none' } }).catch(() => undefined);
        return (
          proof ??
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${Buffer.from(JSON.stringify({ jti: 'n', htm: 'GET', htu: HTU, iat: NOW, ath: ath(token) })).toString('base64url')}.`
        );
      },
    ],
    [
      'an ES384 proof, not in the default algorithms',
      'alg is not one of dpop.algorithms',
      async (token) => {
        const es384 = await makeDpopKey('ES384');
        return makeProof({ key: es384, htm: 'GET', htu: HTU, token });
      },
    ],
    [
      'a 1024-bit RSA key',
      'the jwk is not a public key this library verifies with',
      (token) => {
        const jwk = createPublicKey(rsa1024.privateKey).export({ format: 'jwk' });
        return Promise.resolve(
          signByHand('RS256', rsa1024.privateKey, { jti: 'r', htm: 'GET', htu: HTU, iat: NOW, ath: ath(token) }, { typ: 'dpop+jwt', jwk }),
        );
      },
    ],
    [
      'iat 1e400 (Infinity once parsed)',
      'iat is not a number',
      (token) =>
        Promise.resolve(
          signByHand('ES256', key.privateKey, `{"jti":"i","htm":"GET","htu":"${HTU}","iat":1e400,"ath":"${ath(token)}"}`, {
            typ: 'dpop+jwt',
            jwk: key.jwk,
          }),
        ),
    ],
    ['a crit header', 'crit is not supported', (token) => Promise.resolve(byHand(token, { crit: ['exp'], exp: NOW + 60 }))],
    ['a proof that is no JWS', 'not a compact JWS with JSON header and payload', () => Promise.resolve('not-a-proof')],
    ['no DPoP header', 'no DPoP header', () => Promise.resolve(undefined)],
    [
      'two DPoP headers',
      'more than one DPoP header',
      async (token) => [await makeProof({ key, htm: 'GET', htu: HTU, token }), await makeProof({ key, htm: 'GET', htu: HTU, token })],
    ],
  ];

  it.each(cases)('refuses %s as a bad proof (%s), and the route never runs', async (_name, cause, proofFor) => {
    const app = dpopApp(express);
    const token = boundToken();
    const res = await send(app, token, await proofFor(token));
    expect(answerOf(res)).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF]);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(app.reasons).toEqual(['dpop_invalid']);
    expect(app.causes).toEqual([cause]);
    expect(app.handled).toEqual([]);
  });

  it('accepts iat at the edges of the window: proofMaxAge plus tolerance behind, tolerance ahead', async () => {
    const app = dpopApp(express, { proofMaxAge: '30s', clockTolerance: 2 });
    const token = boundToken();
    for (const iat of [NOW - 32, NOW + 2]) {
      expect((await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat } }))).status).toBe(200);
    }
    for (const iat of [NOW - 33, NOW + 3]) {
      expect(answerOf(await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat } })))).toEqual([
        401,
        ENVELOPE.dpopInvalid,
        BAD_PROOF,
      ]);
    }
  });

  it('never takes the htu from the Host or X-Forwarded headers', async () => {
    const app = dpopApp(express);
    const token = boundToken();
    const proof = await makeProof({ key, htm: 'GET', htu: 'https://evil.example/protected', token });
    const res = await send(app, token, proof)
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https');
    expect(answerOf(res)).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF]);
  });

  it('refuses a replayed proof (reason dpop_replayed) after it passed once', async () => {
    const app = dpopApp(express);
    const token = boundToken();
    const proof = await makeProof({ key, htm: 'GET', htu: HTU, token });
    expect((await send(app, token, proof)).status).toBe(200);
    expect(answerOf(await send(app, token, proof))).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF]);
    expect(app.reasons).toEqual(['dpop_replayed']);
    expect(app.handled).toHaveLength(1);
  });

  it('a request refused by any check never uses up its jti', async () => {
    const picky = dpopApp(express, {}, { audience: 'another-api' });
    const app = dpopApp(express);
    const token = boundToken();
    const proof = await makeProof({ key, htm: 'GET', htu: HTU, token });
    expect(answerOf(await send(picky, token, proof))).toEqual([401, ENVELOPE.invalid, BAD_TOKEN]);
    expect((await send(app, token, proof)).status).toBe(200);
  });

  it('answers problems of the token itself with their own envelopes and the DPoP invalid_token challenge', async () => {
    const app = dpopApp(express);
    const expired = boundToken({ exp: NOW - 1 });
    expect(answerOf(await send(app, expired, await makeProof({ key, htm: 'GET', htu: HTU, token: expired })))).toEqual([
      401,
      ENVELOPE.expired,
      BAD_TOKEN,
    ]);
    const forged = validToken({ cnf: { jkt: key.jkt } }, { secret: 'z'.repeat(32) });
    expect(answerOf(await send(app, forged, await makeProof({ key, htm: 'GET', htu: HTU, token: forged })))).toEqual([
      401,
      ENVELOPE.invalid,
      BAD_TOKEN,
    ]);
    expect(app.reasons).toEqual(['token_expired', 'token_invalid']);
  });

  it('refuses a token without cnf.jkt sent with the DPoP scheme, as a bad proof', async () => {
    const app = dpopApp(express);
    const token = validToken();
    expect(answerOf(await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token })))).toEqual([
      401,
      ENVELOPE.dpopInvalid,
      BAD_PROOF,
    ]);
  });

  describe('without required', () => {
    it('refuses a bound token sent any other way (no downgrade), and passes unbound ones as before', async () => {
      const app = dpopApp(express, {}, { bearer: true });
      const token = boundToken();
      expect(answerOf(await app.client.get('/protected').set('token', token))).toEqual([401, ENVELOPE.invalid, undefined]);
      expect(answerOf(await app.client.get('/protected').set('Authorization', `Bearer ${token}`))).toEqual([
        401,
        ENVELOPE.invalid,
        'Bearer error="invalid_token"',
      ]);
      expect((await app.client.get('/protected').set('token', validToken())).status).toBe(200);
      expect(answerOf(await app.client.get('/protected'))).toEqual([400, ENVELOPE.missing, undefined]);
      expect(app.reasons).toEqual(['token_invalid', 'token_invalid', 'token_missing']);
    });

    it('refuses a DPoP header beside the Bearer scheme as a bad proof', async () => {
      const app = dpopApp(express, {}, { bearer: true });
      const token = validToken();
      const proof = await makeProof({ key, htm: 'GET', htu: HTU, token });
      const res = await app.client.get('/protected').set('Authorization', `Bearer ${token}`).set('DPoP', proof);
      expect(answerOf(res)).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF]);
    });
  });

  describe('with required', () => {
    it.each<[string, (req: request.Test) => request.Test]>([
      ['no credentials at all', (req) => req],
      ['the token header', (req) => req.set('token', validToken())],
      ['a Bearer token', (req) => req.set('Authorization', `Bearer ${validToken()}`)],
      ['the DPoP scheme without a proof', (req) => req.set('Authorization', `DPoP ${boundToken()}`)],
    ])('refuses %s as a bad proof', async (_name, credentials) => {
      const app = dpopApp(express, { required: true }, { bearer: true });
      expect(answerOf(await credentials(app.client.get('/protected')))).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF]);
      expect(app.reasons).toEqual(['dpop_invalid']);
    });
  });

  describe('the replay store', () => {
    it.each<[string, () => unknown, string]>([
      [
        'throws',
        () => {
          throw new Error('store down');
        },
        'store down',
      ],
      ['rejects', () => Promise.reject(new Error('store down')), 'store down'],
      ['answers neither true nor false', () => 'OK', 'express-token-required: dpop.replay.claim must return true or false (got string)'],
      [
        'never settles',
        () => new Promise(() => undefined),
        'express-token-required: dpop.replay.claim did not settle within 50 ms (hookTimeout)',
      ],
    ])('that %s sends the request to the error handler, never a pass', async (_name, claim, message) => {
      const app = dpopApp(express, { replay: { claim } }, { hookTimeout: 50 });
      const token = boundToken();
      vi.useRealTimers();
      const res = await send(
        app,
        token,
        await makeProof({ key, htm: 'GET', htu: HTU, token, claims: { iat: Math.floor(Date.now() / 1000) } }),
      );
      expect([res.status, res.body]).toEqual([500, { error: 'handler' }]);
      expect((app.errors[0] as Error).message).toBe(message);
      expect(app.handled).toEqual([]);
    });

    it('is asked with the jti and iat + proofMaxAge + clockTolerance, once the proof and the token passed', async () => {
      const calls: unknown[][] = [];
      const app = dpopApp(express, {
        replay: { claim: (...args: unknown[]) => (calls.push(args), true) },
        proofMaxAge: 120,
        clockTolerance: 3,
      });
      const token = boundToken();
      await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token: boundToken({ sub: 'x' }) }));
      expect(calls).toEqual([]);
      expect(
        (await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token, claims: { jti: 'j-1', iat: NOW - 10 } }))).status,
      ).toBe(200);
      expect(calls).toEqual([['j-1', NOW - 10 + 120 + 3]]);
    });
  });

  describe('server nonces', () => {
    const nonce = { secret: 'n'.repeat(32), rotate: 60 };
    /** The nonce the server wants now, from its answer to a proof without one. */
    async function currentNonce(app: DpopApp, token: string): Promise<string> {
      const res = await send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token }));
      expect(answerOf(res)).toEqual([401, ENVELOPE.dpopNonce, `DPoP error="use_dpop_nonce", ${ALGS}`]);
      expect(res.headers['cache-control']).toBe('no-store');
      return res.headers['dpop-nonce'] as string;
    }

    it('asks for a nonce, accepts the current and the previous one (sending the current), refuses older ones', async () => {
      const app = dpopApp(express, { nonce });
      const token = boundToken({ exp: NOW + 36_000 });
      const first = await currentNonce(app, token);
      expect(first).toMatch(/^[\w-]{43}$/);
      expect(app.reasons).toEqual(['dpop_nonce_required']);
      const withNonce = async (value: string) =>
        send(app, token, await makeProof({ key, htm: 'GET', htu: HTU, token, claims: { nonce: value } }));
      const passed = await withNonce(first);
      expect([passed.status, passed.headers['dpop-nonce']]).toEqual([200, undefined]);
      vi.setSystemTime((NOW + 60) * 1000);
      const second = await currentNonce(app, token);
      expect(second).not.toBe(first);
      const previous = await withNonce(first);
      expect([previous.status, previous.headers['dpop-nonce']]).toEqual([200, second]);
      vi.setSystemTime((NOW + 120) * 1000);
      const old = await withNonce(first);
      expect([old.status, old.body, old.headers['dpop-nonce']]).toEqual([401, ENVELOPE.dpopNonce, await currentNonce(app, token)]);
      expect(answerOf(await withNonce('made-up'))).toEqual([401, ENVELOPE.dpopNonce, `DPoP error="use_dpop_nonce", ${ALGS}`]);
    });

    it('is the same on every instance that shares the secret, and different for another secret', async () => {
      const token = boundToken();
      const a = await currentNonce(dpopApp(express, { nonce }), token);
      expect(await currentNonce(dpopApp(express, { nonce: { ...nonce, secret: Buffer.from('n'.repeat(32)) } }), token)).toBe(a);
      expect(await currentNonce(dpopApp(express, { nonce: { ...nonce, secret: 'm'.repeat(32) } }), token)).not.toBe(a);
    });

    it('a bad proof is a bad proof first, whatever its nonce', async () => {
      const app = dpopApp(express, { nonce });
      const token = boundToken();
      expect(answerOf(await send(app, token, await makeProof({ key, htm: 'POST', htu: HTU, token })))).toEqual([
        401,
        ENVELOPE.dpopInvalid,
        BAD_PROOF,
      ]);
    });
  });
});

describe('the dpop option at start-up', () => {
  it.each<[string, unknown, string]>([
    ['true', true, "option 'dpop' must be an object with at least { origin } (got true); there is no dpop: true"],
    ['no origin', {}, "option 'dpop.origin' is required: this API's public origin, e.g. 'https://api.example.com'"],
    [
      'an origin with a path',
      { origin: 'https://api.example.com/v1' },
      'option \'dpop.origin\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "https://api.example.com/v1")',
    ],
    [
      'an origin with a query',
      { origin: 'https://api.example.com?x' },
      'option \'dpop.origin\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "https://api.example.com?x")',
    ],
    [
      'an origin with a fragment',
      { origin: 'https://api.example.com#x' },
      'option \'dpop.origin\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "https://api.example.com#x")',
    ],
    [
      'an ftp origin',
      { origin: 'ftp://api.example.com' },
      'option \'dpop.origin\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "ftp://api.example.com")',
    ],
    [
      'an origin with credentials',
      { origin: ['https://api.example.com', 'https://u:p@b.example'] },
      'option \'dpop.origin[1]\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "https://u:p@b.example")',
    ],
    [
      'an origin that is no URL',
      { origin: 'api.example.com' },
      'option \'dpop.origin\' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got "api.example.com")',
    ],
    ['an empty list of origins', { origin: [] }, "option 'dpop.origin' must be an origin or a non-empty array of them"],
    [
      'an HS256 algorithm',
      { origin: ORIGIN, algorithms: ['ES256', 'HS256'] },
      "algorithm 'HS256' in 'dpop.algorithms' is symmetric; a DPoP proof is signed with the client's private key: use 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' or 'EdDSA'",
    ],
    [
      'alg none',
      { origin: ORIGIN, algorithms: ['none'] },
      "algorithm \"none\" is not supported in 'dpop.algorithms'; use 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' or 'EdDSA'",
    ],
    [
      'no algorithms',
      { origin: ORIGIN, algorithms: [] },
      "option 'dpop.algorithms' must be a non-empty array such as ['ES256', 'EdDSA'] (got an array)",
    ],
    ['a zero proofMaxAge', { origin: ORIGIN, proofMaxAge: 0 }, "option 'dpop.proofMaxAge' must be more than 0 seconds"],
    [
      'a negative clockTolerance',
      { origin: ORIGIN, clockTolerance: -1 },
      "option 'dpop.clockTolerance' must be a number of at least 0 (got -1)",
    ],
    [
      'a replay store without claim',
      { origin: ORIGIN, replay: {} },
      "option 'dpop.replay' must be a replay store, { claim(jti, expiresAt) } (got a object)",
    ],
    ['a misspelt name', { origin: ORIGIN, proofMaxage: 60 }, "unknown option 'proofMaxage' for option 'dpop'; did you mean 'proofMaxAge'?"],
    [
      'a nonce secret of 31 bytes',
      { origin: ORIGIN, nonce: { secret: 'n'.repeat(31) } },
      "option 'dpop.nonce.secret' is 31 bytes; it needs at least 32",
    ],
    [
      'a nonce secret that is a number',
      { origin: ORIGIN, nonce: { secret: 42 } },
      "option 'dpop.nonce.secret' must be a string or a Buffer of at least 32 bytes (got 42)",
    ],
    ['a nonce that is true', { origin: ORIGIN, nonce: true }, "option 'dpop.nonce' must be an object { secret, rotate } (got true)"],
    [
      'a zero rotate',
      { origin: ORIGIN, nonce: { secret: 'n'.repeat(32), rotate: 0 } },
      "option 'dpop.nonce.rotate' must be more than 0 seconds",
    ],
  ])('%s is a TypeError naming the problem', (_name, dpop, message) => {
    expect(() => tokenRequired({ secret: SECRET, dpop } as TokenRequiredOptions)).toThrow(
      new TypeError(`express-token-required: ${message}`),
    );
  });

  it('counts a nonce secret in UTF-8 bytes: 16 two-byte characters are enough', () => {
    expect(() => tokenRequired({ secret: SECRET, dpop: { origin: ORIGIN, nonce: { secret: 'é'.repeat(16) } } })).not.toThrow();
    expect(() => tokenRequired({ secret: SECRET, dpop: { origin: ORIGIN, nonce: { secret: 'é'.repeat(15) + 'e' } } })).toThrow(
      new TypeError("express-token-required: option 'dpop.nonce.secret' is 31 bytes; it needs at least 32"),
    );
  });

  it('optional with dpop.required is a TypeError', () => {
    expect(() => tokenRequired({ secret: SECRET, optional: true, dpop: { origin: ORIGIN, required: true } })).toThrow(
      new TypeError(
        "express-token-required: options 'optional' and 'dpop.required' contradict each other: a request without a token cannot both pass and be refused",
      ),
    );
  });

  it('lists the configured algorithms in the challenge, in order', async () => {
    const app = express5();
    app.get(
      '/protected',
      tokenRequired({ secret: SECRET, dpop: { origin: ORIGIN, algorithms: ['EdDSA', 'ES384'], required: true } }),
      (_req, res) => res.end(),
    );
    const res = await request(app).get('/protected');
    expect(res.headers['www-authenticate']).toBe('DPoP error="invalid_dpop_proof", algs="EdDSA ES384"');
  });

  it('hands onError a TokenError of a bad proof with its challenge, its cause and no stack frames', async () => {
    const seen: TokenError[] = [];
    const app = express5();
    app.get(
      '/protected',
      tokenRequired({
        secret: SECRET,
        dpop: { origin: ORIGIN },
        onError: (err, _req, res) => (seen.push(err), res.status(err.status).end()),
      }),
      (_req, res) => res.end(),
    );
    const token = boundToken();
    await request(app)
      .get('/protected')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await makeProof({ key, htm: 'POST', htu: HTU, token }))
      .expect(401);
    const [error] = seen;
    expect(error).toBeInstanceOf(TokenError);
    expect([error!.reason, error!.status, error!.headers, error!.toJSON()]).toEqual([
      'dpop_invalid',
      401,
      { 'WWW-Authenticate': BAD_PROOF },
      ENVELOPE.dpopInvalid,
    ]);
    expect((error!.cause as Error).message).toBe('htm is not the request method');
    expect(error!.stack).toBe('TokenError: Invalid DPoP proof');
  });
});
