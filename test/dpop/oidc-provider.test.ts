// DPoP-bound access tokens of a real OpenID provider (oidc-provider), on Express 5 and 4: a client
// gets a token bound to its own key (cnf.jkt) at the provider's token endpoint, then calls the API
// with proofs made by jose. Every refusal is checked for its exact answer (status, envelope,
// WWW-Authenticate, DPoP-Nonce), its reason (through a second app whose onError answers with it),
// and for not having run the route.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { SignJWT } from 'jose';
import request, { type Response } from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DpopOptions, ReplayStore } from '../../src/core/dpop-types.js';
import { tokenRequired, verifyToken, type MiddlewareOptions, type TokenErrorReason, type TokenRequiredOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type ExpressFactory, type TestApp } from '../helpers/app.js';
import { freezeClock, thawClock } from '../helpers/clock.js';
import { ath, makeDpopKey, makeProof, type DpopKey } from '../helpers/dpop.js';
import { payloadOf, signByHand, signingInput, withSignature } from '../helpers/keys.js';
import { RESOURCE, signingKey, startProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { b64url, hmac, now } from '../helpers/tokens.js';

/** This API's public origin (`dpop.origin`), and the `htu` of its route. */
const ORIGIN = 'https://api.example.test';
const HTU = `${ORIGIN}/protected`;
/** The challenges, written out (not derived from src). */
const ALGS = 'ES256 EdDSA RS256 PS256';
const BAD_PROOF_CHALLENGE = `DPoP error="invalid_dpop_proof", algs="${ALGS}"`;
const USE_NONCE_CHALLENGE = `DPoP error="use_dpop_nonce", algs="${ALGS}"`;
const BAD_TOKEN_CHALLENGE = `DPoP error="invalid_token", algs="${ALGS}"`;
const BEARER_CHALLENGE = 'Bearer error="invalid_token"';
const NONCE_SECRET = 'the secret of this test, 32+ bytes';
/** A nonce as the library writes it: base64url HMAC-SHA-256. */
const A_NONCE = expect.stringMatching(/^[\w-]{43}$/) as unknown as string;

/** A key that is not the client's, and an Ed25519 one. */
const OTHER_KEY = await makeDpopKey();
const ED_KEY = await makeDpopKey('EdDSA');

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider([signingKey('ES256')]);
  // Its metadata and key set fetched now, on the real clock: the tests that move Date later
  // (with the token already in hand) never reach the provider.
  await verifyToken(await provider.token(), { discover: true, issuer: provider.issuer, audience: RESOURCE });
});
afterAll(async () => provider.close());
afterEach(thawClock);

interface Client {
  readonly key: DpopKey;
  /** An access token of the provider bound to `key` (`cnf.jkt`). */
  readonly token: string;
}

/** A client with its own key and a token bound to it, from the provider's token endpoint. */
async function client(key?: DpopKey, resource?: string, ttl?: number): Promise<Client> {
  const own = key ?? (await makeDpopKey());
  const token = await provider.token({
    ...(resource !== undefined && { resource }),
    ...(ttl !== undefined && { ttl }),
    dpopProof: async ({ htm, htu }) => makeProof({ key: own, htm, htu }),
  });
  expect(payloadOf(token).cnf).toEqual({ jkt: own.jkt });
  return { key: own, token };
}

/** The spec's guard: discovery, Bearer allowed, DPoP required unless a test says otherwise. */
const options = (dpop: Partial<DpopOptions> = {}, extra: MiddlewareOptions = {}): TokenRequiredOptions => ({
  discover: true,
  issuer: provider.issuer,
  audience: RESOURCE,
  bearer: true,
  ...extra,
  dpop: { origin: ORIGIN, required: true, ...dpop },
});

interface Apps {
  /** Answers as the library does. */
  readonly plain: TestApp;
  /** Answers a refusal with `{ reason }`, from its onError. */
  readonly recorded: TestApp;
}

function apps(express: ExpressFactory, dpop: Partial<DpopOptions> = {}, extra: MiddlewareOptions = {}): Apps {
  return {
    plain: createApp(express, tokenRequired(options(dpop, extra))),
    recorded: createApp(
      express,
      tokenRequired({
        ...options(dpop, extra),
        onError: (err, _req, res) => {
          res.status(err.status).json({ reason: err.reason });
        },
      }),
    ),
  };
}

/** A request to `/protected` (or `path`); a header given as an array is sent as that many lines. */
interface Call {
  readonly method?: 'get' | 'post';
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

async function send(app: TestApp, { method = 'get', path = '/protected', headers = {} }: Call): Promise<Response> {
  let req = app.client[method](path);
  // superagent passes an array to Node's setHeader: one line per value.
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value as string);
  return req;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly challenge?: string | undefined;
  readonly nonce?: string | undefined;
}

/** A challenge not checked (where src is known to answer another one than the spec's). */
const ANY = 'any challenge';
const BAD_PROOF: Answer = { status: 401, body: ENVELOPE.dpopInvalid, challenge: BAD_PROOF_CHALLENGE };
const NONCE_REQUIRED: Answer = { status: 401, body: ENVELOPE.dpopNonce, challenge: USE_NONCE_CHALLENGE, nonce: A_NONCE };

function expectAnswer(res: Response, { status, body, challenge, nonce }: Answer): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(body);
  if (challenge !== ANY) expect(res.headers['www-authenticate']).toBe(challenge);
  expect(res.headers['dpop-nonce']).toEqual(nonce);
  if (status !== 200) expect(res.headers['cache-control']).toBe('no-store');
}

/** The exact answer from the plain app, the reason from the recorded one; neither ran its route. */
async function expectRefused(a: Apps, call: Call, answer: Answer, reason: TokenErrorReason): Promise<Response> {
  const handled = [a.plain.handled.length, a.recorded.handled.length];
  const res = await send(a.plain, call);
  expectAnswer(res, answer);
  const recorded = await send(a.recorded, call);
  expect([recorded.status, recorded.body]).toEqual([answer.status, { reason }]);
  expect([a.plain.handled.length, a.recorded.handled.length]).toEqual(handled);
  expect([a.plain.errors, a.recorded.errors]).toEqual([[], []]);
  return res;
}

/** The route ran with the token's claims as req.auth and the proof as req.dpop. */
async function expectPassed(app: TestApp, call: Call, c: Client, proof: string, nonce?: string): Promise<Response> {
  const res = await send(app, call);
  expectAnswer(res, { status: 200, body: { ran: true, auth: payloadOf(c.token), user: null }, nonce });
  expect(app.handled.at(-1)?.dpop).toEqual({ jkt: c.key.jkt, claims: payloadOf(proof) });
  return res;
}

const dpopHeaders = (c: Client, proof: string): Record<string, string> => ({ authorization: `DPoP ${c.token}`, dpop: proof });

interface ProofSpec {
  /** The key that signs, and whose public JWK the header carries: the client's by default. */
  readonly key?: DpopKey;
  /** Over `{ jti, iat: now, ath, htm: 'GET', htu: HTU }`; `undefined` removes one. */
  readonly claims?: Record<string, unknown>;
  /** Over `{ alg, typ: 'dpop+jwt', jwk }`. */
  readonly header?: Record<string, unknown>;
  /** Over a GET of `/protected` with `Authorization: DPoP <token>` and the proof. */
  readonly call?: Call;
}

/** How a row makes its request from the client: the request and the proof in it. */
type Make = (c: Client) => Promise<{ readonly call: Call; readonly proof: string }>;

const proofOf =
  (spec: ProofSpec | ((c: Client) => ProofSpec) = {}): Make =>
  async (c) => {
    const { key = c.key, claims = {}, header = {}, call = {} } = typeof spec === 'function' ? spec(c) : spec;
    const proof = await makeProof({ key, token: c.token, htm: 'GET', htu: HTU, claims, header });
    return { proof, call: { ...call, headers: { ...dpopHeaders(c, proof), ...call.headers } } };
  };

/** A request with headers of the row's choosing, around a correct proof. */
const around =
  (headers: (c: Client, proof: string) => Record<string, string | readonly string[]>): Make =>
  async (c) => {
    const proof = await makeProof({ key: c.key, token: c.token, htm: 'GET', htu: HTU });
    return { proof, call: { headers: headers(c, proof) } };
  };

/** A proof signed by hand: any header, any signature. */
const rawProof = (header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;

/** A proof signed by hand (node:crypto), for headers jose will not sign. */
const byHand =
  (header: Record<string, unknown> = {}): Make =>
  (c) => {
    const proof = signByHand('ES256', c.key.privateKey, claimsFor(c), { typ: 'dpop+jwt', jwk: c.key.jwk, ...header });
    return Promise.resolve({ proof, call: { headers: dpopHeaders(c, proof) } });
  };

const claimsFor = (c: Client): Record<string, unknown> => ({ jti: randomUUID(), htm: 'GET', htu: HTU, iat: now(), ath: ath(c.token) });

describe.each(EXPRESS)('%s: DPoP-bound tokens of a real OpenID provider', (_name, express) => {
  it.each<[string, Make, Partial<DpopOptions>?, MiddlewareOptions?]>([
    ['a GET of /protected, htu the origin and path', proofOf()],
    ['a query string, the htu without it', proofOf({ call: { path: '/protected?page=2&sort=name' } })],
    [
      'a query and fragment in htu too (not compared)',
      proofOf({ claims: { htu: `${HTU}?other=1#top` }, call: { path: '/protected?page=2' } }),
    ],
    [
      'htu equal after RFC 3986 normalisation: scheme and host case, default port, %-encoded unreserved, dot segment',
      proofOf({ claims: { htu: 'HTTPS://API.Example.TEST:443/a/../%70rotected' } }),
    ],
    ['a POST with htm POST', proofOf({ claims: { htm: 'POST' }, call: { method: 'post' } })],
    ['typ DPOP+JWT (case-insensitive)', proofOf({ header: { typ: 'DPOP+JWT' } })],
    ['a jti of 256 characters', proofOf({ claims: { jti: randomUUID().padEnd(256, 'j') } })],
    ['iat a few seconds old', proofOf({ claims: { iat: now() - 30 } })],
    ['the scheme written dpop', around((c, proof) => ({ authorization: `dpop ${c.token}`, dpop: proof }))],
    ['Host: evil.example, htu of the configured origin: Host is not used', proofOf({ call: { headers: { host: 'evil.example' } } })],
    [
      'the second of two configured origins',
      proofOf({ claims: { htu: 'https://b.example.test/protected' } }),
      { origin: [ORIGIN, 'https://b.example.test'] },
    ],
    ['an app with bearer: false still reads Authorization: DPoP', proofOf(), {}, { bearer: false }],
    ['dpop.required false', proofOf(), { required: false }],
    ['a proof signed by hand with node:crypto (the recipe of the crit row)', byHand()],
  ])('passes: %s', async (_case, make, dpop = {}, extra = {}) => {
    const c = await client();
    const { call, proof } = await make(c);
    const { plain } = apps(express, dpop, extra);
    await expectPassed(plain, call, c, proof);
    expect(plain.handled).toHaveLength(1);
    // The route saw the headers as sent (Host included).
    expect(plain.handled[0]?.headers).toMatchObject(call.headers ?? {});
  });

  it('passes with an Ed25519 key; with dpop.algorithms [ES256] its proof is refused, the challenge naming ES256 only', async () => {
    const c = await client(ED_KEY);
    expect(payloadOf(c.token).cnf).toEqual({ jkt: ED_KEY.jkt });
    const first = await proofOf()(c);
    await expectPassed(apps(express).plain, first.call, c, first.proof);
    const only = apps(express, { algorithms: ['ES256'] });
    const { call } = await proofOf()(c);
    await expectRefused(only, call, { ...BAD_PROOF, challenge: 'DPoP error="invalid_dpop_proof", algs="ES256"' }, 'dpop_invalid');
  });

  it('passes through a router mounted under /v1: htu is the origin and the full path (req.originalUrl)', async () => {
    const handled: Request[] = [];
    const app = express();
    const router = express.Router();
    const guard: RequestHandler = tokenRequired(options());
    router.get('/items/:id', guard, (req, res) => {
      handled.push(req);
      res.json({ ran: true, auth: req.auth ?? null });
    });
    app.use('/v1', router);
    const c = await client();
    const good = await makeProof({ key: c.key, token: c.token, htm: 'GET', htu: `${ORIGIN}/v1/items/7` });
    const res = await request(app).get('/v1/items/7?expand=all').set(dpopHeaders(c, good));
    expect([res.status, res.body]).toEqual([200, { ran: true, auth: payloadOf(c.token) }]);
    expect(handled[0]?.dpop).toEqual({ jkt: c.key.jkt, claims: payloadOf(good) });
    // The path the router sees (req.url) is not the URI the client called.
    const relative = await makeProof({ key: c.key, token: c.token, htm: 'GET', htu: `${ORIGIN}/items/7` });
    const refused = await request(app).get('/v1/items/7').set(dpopHeaders(c, relative));
    expect([refused.status, refused.body, refused.headers['www-authenticate']]).toEqual([401, ENVELOPE.dpopInvalid, BAD_PROOF_CHALLENGE]);
    expect(handled).toHaveLength(1);
  });

  it.each<[string, Make]>([
    ['htm POST on a GET', proofOf({ claims: { htm: 'POST' } })],
    ['htm get (methods are case-sensitive)', proofOf({ claims: { htm: 'get' } })],
    ['htm GET on a POST', proofOf({ call: { method: 'post' } })],
    ['htu of another path', proofOf({ claims: { htu: `${ORIGIN}/other` } })],
    ['htu of the path with a trailing slash', proofOf({ claims: { htu: `${HTU}/` } })],
    ['htu of another origin', proofOf({ claims: { htu: 'https://other.example.test/protected' } })],
    ['htu with http: instead of https:', proofOf({ claims: { htu: 'http://api.example.test/protected' } })],
    ['htu with another port', proofOf({ claims: { htu: 'https://api.example.test:8443/protected' } })],
    ['htu a relative reference', proofOf({ claims: { htu: '/protected' } })],
    [
      'Host: evil.example with htu https://evil.example/protected (the origin comes from config)',
      proofOf({ claims: { htu: 'https://evil.example/protected' }, call: { headers: { host: 'evil.example' } } }),
    ],
    [
      'X-Forwarded-Host/-Proto naming the htu origin',
      proofOf({
        claims: { htu: 'http://evil.example/protected' },
        call: { headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' } },
      }),
    ],
    ['iat an hour old', proofOf({ claims: { iat: now() - 3600 } })],
    ['iat a minute ahead', proofOf({ claims: { iat: now() + 60 } })],
    ['iat a string', proofOf({ claims: { iat: String(now()) } })],
    ['no iat', proofOf({ claims: { iat: undefined } })],
    ['no ath', proofOf({ claims: { ath: undefined } })],
    ['ath of another token', proofOf((c) => ({ claims: { ath: ath(`${c.token}x`) } }))],
    ['ath the token itself, not its hash', proofOf((c) => ({ claims: { ath: c.token } }))],
    ['no jti', proofOf({ claims: { jti: undefined } })],
    ['an empty jti', proofOf({ claims: { jti: '' } })],
    ['a jti of 257 characters', proofOf({ claims: { jti: 'j'.repeat(257) } })],
    ['a numeric jti', proofOf({ claims: { jti: 42 } })],
    ["another key's proof (not the token's cnf.jkt)", proofOf({ key: OTHER_KEY })],
    ["the client's jwk in the header, signed by another key", proofOf((c) => ({ key: OTHER_KEY, header: { jwk: c.key.jwk } }))],
    ['a jwk with its private d', proofOf((c) => ({ header: { jwk: c.key.privateJwk } }))],
    ['no jwk header', proofOf({ header: { jwk: undefined } })],
    ['the jwk a kid instead', proofOf({ header: { jwk: undefined, kid: 'client-key' } })],
    ['alg ES256 with an Ed25519 jwk', proofOf({ header: { jwk: ED_KEY.jwk } })],
    ['typ JWT', proofOf({ header: { typ: 'JWT' } })],
    ['no typ', proofOf({ header: { typ: undefined } })],
    ['typ at+jwt', proofOf({ header: { typ: 'at+jwt' } })],
    ['a crit header (signed by hand: jose refuses to)', byHand({ crit: ['exp'], exp: 1 })],
    [
      'an HS256 proof with the public jwk',
      async (c) => {
        const proof = await new SignJWT(claimsFor(c))
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: c.key.jwk })
          .sign(Buffer.from(NONCE_SECRET));
        return { proof, call: { headers: dpopHeaders(c, proof) } };
      },
    ],
    [
      'an HS256 proof with its secret as an oct jwk',
      (c) => {
        const secret = Buffer.from(NONCE_SECRET);
        const input = signingInput('HS256', claimsFor(c), { typ: 'dpop+jwt', jwk: { kty: 'oct', k: secret.toString('base64url') } });
        const proof = `${input}.${hmac(input, secret)}`;
        return Promise.resolve({ proof, call: { headers: dpopHeaders(c, proof) } });
      },
    ],
    [
      'alg none, unsigned',
      (c) => {
        const proof = rawProof({ alg: 'none', typ: 'dpop+jwt', jwk: c.key.jwk }, claimsFor(c));
        return Promise.resolve({ proof, call: { headers: dpopHeaders(c, proof) } });
      },
    ],
    [
      'its payload changed after signing',
      async (c) => {
        const signed = await makeProof({ key: c.key, token: c.token, htm: 'POST', htu: HTU });
        const [header, , signature] = signed.split('.');
        const proof = `${header!}.${b64url(JSON.stringify({ ...payloadOf(signed), htm: 'GET' }))}.${signature!}`;
        return { proof, call: { headers: dpopHeaders(c, proof) } };
      },
    ],
    ['its signature of another proof', around((c, proof) => dpopHeaders(c, withSignature(proof, 'A'.repeat(86))))],
    ['two DPoP headers, the same proof', around((c, proof) => ({ authorization: `DPoP ${c.token}`, dpop: [proof, proof] }))],
    ['no DPoP header', around((c) => ({ authorization: `DPoP ${c.token}` }))],
    ['an empty DPoP header', around((c) => dpopHeaders(c, ''))],
    ['a DPoP header that is no JWS', around((c) => dpopHeaders(c, 'not-a-jws'))],
    ['the bound token in the token header', around((c) => ({ token: c.token }))],
    ['the bound token in the token header beside a DPoP header', around((c, proof) => ({ token: c.token, dpop: proof }))],
    ['no token and no proof', around(() => ({}))],
    ['a proof but no token', around((_c, proof) => ({ dpop: proof }))],
    [
      'an unbound token of the provider, sent with the DPoP scheme and a proof',
      async (c) => {
        const token = await provider.token();
        expect(payloadOf(token).cnf).toBeUndefined();
        const proof = await makeProof({ key: c.key, token, htm: 'GET', htu: HTU });
        return { proof, call: { headers: { authorization: `DPoP ${token}`, dpop: proof } } };
      },
    ],
  ])('refuses as a bad proof (dpop.required): %s', async (_case, make) => {
    const c = await client();
    const { call } = await make(c);
    await expectRefused(apps(express), call, BAD_PROOF, 'dpop_invalid');
  });

  it("refuses two DPoP headers even when the second is the same client's other good proof", async () => {
    const c = await client();
    const [one, two] = [await proofOf()(c), await proofOf()(c)];
    const a = apps(express);
    await expectRefused(a, { headers: { authorization: `DPoP ${c.token}`, dpop: [one.proof, two.proof] } }, BAD_PROOF, 'dpop_invalid');
    // Neither proof was used up.
    await expectPassed(a.plain, one.call, c, one.proof);
    await expectPassed(a.plain, two.call, c, two.proof);
  });

  it.each([
    [65, 5, {}],
    [10, 0, { proofMaxAge: '10s', clockTolerance: 0 }],
  ] as const)(
    'takes iat from now - %i s to now + %i s, not a second more (frozen clock, after the provider)',
    async (oldest, newest, dpop) => {
      const c = await client();
      const seen = provider.requests.length;
      // A second ahead of the real clock, never behind it (nor behind the token's iat).
      const at = now() + 1;
      freezeClock(at);
      const a = apps(express, dpop);
      const proofAt = async (iat: number) => proofOf({ claims: { iat } })(c);
      const [old, ahead] = [await proofAt(at - oldest), await proofAt(at + newest)];
      await expectPassed(a.plain, old.call, c, old.proof);
      await expectPassed(a.plain, ahead.call, c, ahead.proof);
      await expectRefused(a, (await proofAt(at - oldest - 1)).call, BAD_PROOF, 'dpop_invalid');
      await expectRefused(a, (await proofAt(at + newest + 1)).call, BAD_PROOF, 'dpop_invalid');
      expect(provider.requests).toHaveLength(seen);
    },
  );

  it('refuses a replayed proof (dpop_replayed), answered as any bad proof; a refused request had not used its jti', async () => {
    const c = await client();
    const a = apps(express);
    const { call, proof } = await proofOf()(c);
    // First sent as a POST: refused (htm), before its jti was claimed.
    await expectRefused(a, { ...call, method: 'post' }, BAD_PROOF, 'dpop_invalid');
    await expectPassed(a.recorded, call, c, proof);
    const again = await send(a.recorded, call);
    expect([again.status, again.body]).toEqual([401, { reason: 'dpop_replayed' }]);
    expectAnswer(await send(a.plain, call), BAD_PROOF);
    expect([a.plain.handled.length, a.recorded.handled.length]).toEqual([0, 1]);
    // The default store is one per process: verifyToken sees the same jti as used.
    const verifyOptions = { discover: true as const, issuer: provider.issuer, audience: RESOURCE, dpop: { origin: ORIGIN } };
    await expect(verifyToken(c.token, verifyOptions, { proof, method: 'GET', url: '/protected' })).rejects.toMatchObject({
      reason: 'dpop_replayed',
      headers: { 'WWW-Authenticate': BAD_PROOF_CHALLENGE },
    });
    // A fresh proof of the same request passes.
    const fresh = await proofOf()(c);
    await expectPassed(a.plain, fresh.call, c, fresh.proof);
  });

  it("claims each proof's jti once, until iat + proofMaxAge + clockTolerance, after every other check", async () => {
    const claimed: [string, number][] = [];
    const replay: ReplayStore = {
      claim: (jti, expiresAt) => {
        const fresh = !claimed.some(([seen]) => seen === jti);
        claimed.push([jti, expiresAt]);
        return fresh;
      },
    };
    const c = await client();
    const a = apps(express, { replay, proofMaxAge: '2m', clockTolerance: 3 });
    const other = await client(undefined, 'https://other.example.test');
    const refusedByToken = await proofOf()(other);
    await expectRefused(a, refusedByToken.call, { status: 401, body: ENVELOPE.invalid, challenge: BAD_TOKEN_CHALLENGE }, 'token_invalid');
    await expectRefused(a, (await proofOf({ key: OTHER_KEY })(c)).call, BAD_PROOF, 'dpop_invalid');
    expect(claimed).toEqual([]);
    const { call, proof } = await proofOf()(c);
    await expectPassed(a.plain, call, c, proof);
    const { jti, iat } = payloadOf(proof) as { jti: string; iat: number };
    expect(claimed).toEqual([[jti, iat + 120 + 3]]);
    const again = await send(a.recorded, call);
    expect([again.status, again.body]).toEqual([401, { reason: 'dpop_replayed' }]);
  });

  describe('with dpop.required false', () => {
    it('refuses the bound token sent as Bearer: Invalid Token with the Bearer challenge (no downgrade)', async () => {
      const c = await client();
      const a = apps(express, { required: false });
      await expectRefused(
        a,
        { headers: { authorization: `Bearer ${c.token}` } },
        { status: 401, body: ENVELOPE.invalid, challenge: BEARER_CHALLENGE },
        'token_invalid',
      );
    });

    it('refuses the bound token in the token header: Invalid Token, no challenge', async () => {
      const c = await client();
      await expectRefused(
        apps(express, { required: false }),
        { headers: { token: c.token } },
        { status: 401, body: ENVELOPE.invalid },
        'token_invalid',
      );
    });

    it('passes an unbound token of the provider as Bearer, without req.dpop; no token is 400 as without DPoP', async () => {
      const a = apps(express, { required: false });
      const token = await provider.token();
      const res = await send(a.plain, { headers: { authorization: `Bearer ${token}` } });
      expectAnswer(res, { status: 200, body: { ran: true, auth: payloadOf(token), user: null } });
      expect(a.plain.handled[0]?.dpop).toBeUndefined();
      await expectRefused(a, {}, { status: 400, body: ENVELOPE.missing }, 'token_missing');
    });
  });

  // The bad proof answers of requests using the Bearer scheme: the first test checks everything
  // but WWW-Authenticate, the second that the challenge is DPoP's, not Bearer's.
  describe.each<[string, Make, Partial<DpopOptions>]>([
    ['the bound token sent as Bearer (dpop.required)', around((c) => ({ authorization: `Bearer ${c.token}` })), {}],
    [
      'the bound token as Bearer beside a DPoP header (dpop.required)',
      around((c, proof) => ({ authorization: `Bearer ${c.token}`, dpop: proof })),
      {},
    ],
    [
      'the bound token as Bearer beside a DPoP header (dpop.required false)',
      around((c, proof) => ({ authorization: `Bearer ${c.token}`, dpop: proof })),
      { required: false },
    ],
  ])('refuses as a bad proof: %s', (_case, make, dpop) => {
    it('401 Invalid DPoP proof, no-store, reason dpop_invalid, the route not run', async () => {
      const c = await client();
      const { call } = await make(c);
      await expectRefused(apps(express, dpop), call, { ...BAD_PROOF, challenge: ANY }, 'dpop_invalid');
    });

    it('with the DPoP invalid_dpop_proof challenge, not the Bearer one', async () => {
      const c = await client();
      const { call } = await make(c);
      const res = await send(apps(express, dpop).plain, call);
      expect(res.headers['www-authenticate']).toBe(BAD_PROOF_CHALLENGE);
    });
  });

  it('refuses a token for another audience sent with the DPoP scheme: Invalid Token with the DPoP invalid_token challenge', async () => {
    const c = await client(undefined, 'https://other.example.test');
    expect(payloadOf(c.token).aud).toBe('https://other.example.test');
    const { call } = await proofOf()(c);
    await expectRefused(apps(express), call, { status: 401, body: ENVELOPE.invalid, challenge: BAD_TOKEN_CHALLENGE }, 'token_invalid');
  });

  it('refuses an expired token sent with the DPoP scheme and a fresh proof: Token expired with the DPoP challenge', async () => {
    const c = await client(undefined, undefined, 2);
    const { exp } = payloadOf(c.token) as { exp: number };
    const seen = provider.requests.length;
    freezeClock(exp + 10);
    const { call } = await proofOf()(c);
    await expectRefused(apps(express), call, { status: 401, body: ENVELOPE.expired, challenge: BAD_TOKEN_CHALLENGE }, 'token_expired');
    expect(provider.requests).toHaveLength(seen);
  });

  it('refuses a token whose signature was changed, sent with the DPoP scheme: Invalid Token with the DPoP challenge', async () => {
    const c = await client();
    const forged = { ...c, token: withSignature(c.token, 'A'.repeat(86)) };
    const { call } = await proofOf()(forged);
    await expectRefused(apps(express), call, { status: 401, body: ENVELOPE.invalid, challenge: BAD_TOKEN_CHALLENGE }, 'token_invalid');
  });

  describe('with server nonces (rotate 1m, Date moved only once the token is in hand)', () => {
    const ROTATE = 60;
    const nonce = { secret: NONCE_SECRET, rotate: '1m' } as const;

    it("answers a proof without nonce, or with a wrong one, with the current nonce; takes it; takes the previous window's with a fresh DPoP-Nonce; refuses one two windows old", async () => {
      const c = await client();
      const seen = provider.requests.length;
      // One second into the next window: later than the token's iat, long before its exp.
      const start = (Math.floor(now() / ROTATE) + 1) * ROTATE + 1;
      freezeClock(start);
      const a = apps(express, { nonce });
      const proof = async (claims: Record<string, unknown> = {}) => proofOf({ claims })(c);

      const first = await expectRefused(a, (await proof()).call, NONCE_REQUIRED, 'dpop_nonce_required');
      const n1 = first.headers['dpop-nonce']!;
      const wrong = await expectRefused(a, (await proof({ nonce: 'not-the-nonce' })).call, NONCE_REQUIRED, 'dpop_nonce_required');
      expect(wrong.headers['dpop-nonce']).toBe(n1);
      const withN1 = await proof({ nonce: n1 });
      await expectPassed(a.plain, withN1.call, c, withN1.proof);

      // Another guard (another instance) with the same secret agrees.
      const other = apps(express, { nonce: { secret: NONCE_SECRET, rotate: '1m' } });
      const elsewhere = await proof({ nonce: n1 });
      await expectPassed(other.plain, elsewhere.call, c, elsewhere.proof);
      // One with another secret does not.
      const stranger = apps(express, { nonce: { secret: `another ${NONCE_SECRET}`, rotate: '1m' } });
      const refusedThere = await expectRefused(stranger, (await proof({ nonce: n1 })).call, NONCE_REQUIRED, 'dpop_nonce_required');
      expect(refusedThere.headers['dpop-nonce']).not.toBe(n1);

      // The next window: n1 is the previous nonce, still taken, and the answer carries the current one.
      freezeClock(start + ROTATE);
      const previous = await proof({ nonce: n1 });
      const passed = await expectPassed(a.plain, previous.call, c, previous.proof, A_NONCE);
      const n2 = passed.headers['dpop-nonce']!;
      expect(n2).not.toBe(n1);
      const asked = await expectRefused(a, (await proof()).call, NONCE_REQUIRED, 'dpop_nonce_required');
      expect(asked.headers['dpop-nonce']).toBe(n2);
      const current = await proof({ nonce: n2 });
      await expectPassed(a.plain, current.call, c, current.proof);

      // Two windows after n1's: refused, with the current nonce; n2 (now the previous) still taken.
      freezeClock(start + 2 * ROTATE);
      const stale = await expectRefused(a, (await proof({ nonce: n1 })).call, NONCE_REQUIRED, 'dpop_nonce_required');
      const n3 = stale.headers['dpop-nonce']!;
      expect(new Set([n1, n2, n3]).size).toBe(3);
      const late = await proof({ nonce: n2 });
      await expectPassed(a.plain, late.call, c, late.proof, n3);
      expect(a.plain.handled).toHaveLength(4);
      expect(provider.requests).toHaveLength(seen);
    });

    it('checks the proof before the nonce: a bad proof without nonce is a bad proof, not a nonce answer', async () => {
      const c = await client();
      const a = apps(express, { nonce });
      await expectRefused(a, (await proofOf({ claims: { htm: 'POST' } })(c)).call, BAD_PROOF, 'dpop_invalid');
    });
  });
});

describe('verifyToken with a DPoP-bound token of the provider', () => {
  it('takes the proof, method and URL of the request; refuses a replay, another method, and no proof', async () => {
    const c = await client();
    const opts = { discover: true as const, issuer: provider.issuer, audience: RESOURCE, dpop: { origin: ORIGIN, required: true } };
    const proof = await makeProof({ key: c.key, token: c.token, htm: 'GET', htu: `${ORIGIN}/items` });
    const req = { proof, method: 'GET', url: '/items?page=2' };
    await expect(verifyToken(c.token, opts, { ...req, method: 'DELETE' })).rejects.toMatchObject({ reason: 'dpop_invalid', status: 401 });
    await expect(verifyToken(c.token, opts, req)).resolves.toEqual(payloadOf(c.token));
    await expect(verifyToken(c.token, opts, req)).rejects.toMatchObject({
      reason: 'dpop_replayed',
      message: 'Invalid DPoP proof',
      headers: { 'WWW-Authenticate': BAD_PROOF_CHALLENGE },
    });
    await expect(verifyToken(c.token, opts)).rejects.toMatchObject({ reason: 'dpop_invalid' });
    // Not required: without a proof, the token is checked as a Bearer one, and a bound one is refused.
    const optional = { ...opts, dpop: { origin: ORIGIN } };
    await expect(verifyToken(c.token, optional)).rejects.toMatchObject({ reason: 'token_invalid', message: 'Invalid Token' });
  });
});
