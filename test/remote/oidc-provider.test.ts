// Access tokens of a real OpenID provider (oidc-provider) through discovery, on Express 5 and 4:
// every algorithm it signs with, the refusals (audience, expiry, issuer, typ), issuers that must
// not vouch for each other, and a key rotation, with the requests the provider saw counted.
import { afterAll, describe, expect, it } from 'vitest';
import { tokenRequired, type JwksOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type TestApp } from '../helpers/app.js';
import { headerOf, payloadOf, signByHand } from '../helpers/keys.js';
import {
  CLIENT_ID,
  RESOURCE,
  signingKey,
  startProvider,
  type ProviderAlgorithm,
  type SigningKey,
  type TestProvider,
} from '../helpers/oidc-provider.js';
import { now } from '../helpers/tokens.js';

/** BEARER_CHALLENGE of src/core/token-from-headers.ts, written out. */
const CHALLENGE = 'Bearer error="invalid_token"';
const DISCOVERY = '/.well-known/openid-configuration';

const ALGS: readonly ProviderAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** Provider A's keys, one per algorithm; B's are others (B signs with its first, ES256). */
const A_KEYS = ALGS.map((alg) => signingKey(alg));
const B_KEYS = [signingKey('ES256'), signingKey('RS256')];
const keyOf = (keys: readonly SigningKey[], alg: ProviderAlgorithm): SigningKey => keys.find((key) => key.alg === alg)!;
const [A_ES256, B_ES256] = [keyOf(A_KEYS, 'ES256'), keyOf(B_KEYS, 'ES256')];

// Every provider stays up until the file ends: a closed one's port could go to a later one, whose
// issuer URL would then name a key set this process already holds (sets are shared per issuer).
const started: TestProvider[] = [];
async function provider(keys: readonly SigningKey[]): Promise<TestProvider> {
  const one = await startProvider(keys);
  started.push(one);
  return one;
}
afterAll(async () => {
  await Promise.all(started.map(async (p) => p.close()));
});

interface Extra {
  readonly cache?: boolean;
  readonly typ?: string;
  readonly jwksOptions?: JwksOptions;
}

/** The guard of an API that trusts `issuer` (or several) for tokens of RESOURCE. */
const guard = (issuer: string | readonly string[], extra: Extra = {}) =>
  tokenRequired({ bearer: true, issuer, audience: RESOURCE, discover: true, typ: 'at+jwt', ...extra });

const get = (app: TestApp, token: string) => app.client.get('/protected').set('Authorization', `Bearer ${token}`);

/** Expects the exact refusal of a Bearer token: 401, the envelope, the challenge, no-store. */
async function expectRefused(app: TestApp, token: string, envelope: object): Promise<void> {
  const res = await get(app, token);
  expect(res.status).toBe(401);
  expect(res.body).toEqual(envelope);
  expect(res.headers['www-authenticate']).toBe(CHALLENGE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.text).not.toContain(token.slice(0, 20));
}

/** Expects the token to pass, with its own claims as `req.auth`. */
async function expectAccepted(app: TestApp, token: string): Promise<void> {
  const res = await get(app, token);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ ran: true, auth: payloadOf(token), user: null });
}

const sleep = async (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/** A token made by hand (not by the provider), shaped like the provider's, signed by `key`. */
const handMade = (key: SigningKey, iss: string, kid = key.kid): string =>
  signByHand(
    key.alg,
    key.privateKey,
    { jti: 'hand-made', sub: CLIENT_ID, iat: now(), exp: now() + 600, client_id: CLIENT_ID, iss, aud: RESOURCE },
    { typ: 'at+jwt', kid },
  );

describe.each(EXPRESS)('%s: tokens of a real OpenID provider', (_name, express) => {
  it.each(ALGS)('accepts its %s access tokens, fetching its metadata and key set once', async (alg) => {
    const a = await provider(A_KEYS);
    const token = await a.token({ alg });
    expect(headerOf(token)).toEqual({ alg, typ: 'at+jwt', kid: keyOf(A_KEYS, alg).kid });
    const app = createApp(express, guard(a.issuer));
    const res = await get(app, token).expect(200);
    expect(res.body).toEqual({ ran: true, auth: payloadOf(token), user: null });
    expect(res.body.auth).toMatchObject({ sub: CLIENT_ID, client_id: CLIENT_ID, aud: RESOURCE, iss: a.issuer });
    expect(Object.keys(res.body.auth as object).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'sub']);
    await get(app, token).expect(200);
    expect(app.handled).toHaveLength(2);
    expect(a.requests).toEqual(['/token', DISCOVERY, '/jwks']);
  });

  it('refuses a token for another audience (resource)', async () => {
    const a = await provider(A_KEYS);
    const app = createApp(express, guard(a.issuer));
    const other = await a.token({ resource: 'https://other.example.test' });
    expect(payloadOf(other).aud).toBe('https://other.example.test');
    await expectRefused(app, other, ENVELOPE.invalid);
    expect(app.handled).toHaveLength(0);
    await expectAccepted(app, await a.token());
  });

  it('refuses its token once expired, a cached one too (Token expired)', async () => {
    const a = await provider(A_KEYS);
    const app = createApp(express, guard(a.issuer, { cache: true }));
    const token = await a.token({ ttl: 2 });
    const { iat, exp } = payloadOf(token) as { iat: number; exp: number };
    expect(exp - iat).toBe(2);
    await expectAccepted(app, token);
    await sleep(exp * 1000 - Date.now() + 20);
    await expectRefused(app, token, ENVELOPE.expired);
    expect(app.handled).toHaveLength(1);
  });

  it('refuses a token of another provider (other keys, other issuer) before any fetch', async () => {
    const a = await provider(A_KEYS);
    const b = await provider(B_KEYS);
    const app = createApp(express, guard(a.issuer));
    const token = await b.token();
    expect(payloadOf(token).iss).toBe(b.issuer);
    await expectRefused(app, token, ENVELOPE.invalid);
    expect(app.handled).toHaveLength(0);
    expect(a.requests).toEqual([]);
    expect(b.requests).toEqual(['/token']);
  });

  it("with issuer [A, B], accepts each one's tokens, each verified with its own key set", async () => {
    const a = await provider(A_KEYS);
    const b = await provider(B_KEYS);
    const app = createApp(express, guard([a.issuer, b.issuer]));
    await expectAccepted(app, await a.token({ alg: 'ES256' }));
    await expectAccepted(app, await b.token());
    // Made by hand, as the provider makes them: the recipe itself passes.
    await expectAccepted(app, handMade(A_ES256, a.issuer));
    await expectAccepted(app, handMade(B_ES256, b.issuer));
    expect(a.requests).toEqual(['/token', DISCOVERY, '/jwks']);
    expect(b.requests).toEqual(['/token', DISCOVERY, '/jwks']);
  });

  it.each<[string, (a: TestProvider, b: TestProvider) => string]>([
    ["B's key, iss A, B's kid", (a) => handMade(B_ES256, a.issuer)],
    ["B's key, iss A, the kid of A's ES256 key", (a) => handMade(B_ES256, a.issuer, A_ES256.kid)],
    ["A's key, iss B, A's kid", (_a, b) => handMade(A_ES256, b.issuer)],
    ["A's key, iss B, the kid of B's ES256 key", (_a, b) => handMade(A_ES256, b.issuer, B_ES256.kid)],
  ])('with issuer [A, B], refuses a token signed with %s: one issuer never vouches for the other', async (_case, make) => {
    const a = await provider(A_KEYS);
    const b = await provider(B_KEYS);
    const app = createApp(express, guard([a.issuer, b.issuer]));
    await expectAccepted(app, await a.token({ alg: 'ES256' }));
    await expectAccepted(app, await b.token());
    await expectRefused(app, make(a, b), ENVELOPE.invalid);
    expect(app.handled).toHaveLength(2);
    // The default cooldown (30 s) started with the first fetch: an unknown kid fetched nothing.
    expect([a.jwksFetches(), b.jwksFetches()]).toEqual([1, 1]);
  });

  it.each([
    ['at+jwt', 200],
    ['application/at+jwt', 200],
    ['AT+JWT', 200],
    ['JWT', 401],
  ] as const)('with typ %j configured, its at+jwt tokens get %i', async (typ, status) => {
    const a = await provider(A_KEYS);
    const token = await a.token();
    expect(headerOf(token).typ).toBe('at+jwt');
    const app = createApp(express, guard(a.issuer, { typ }));
    if (status === 200) await expectAccepted(app, token);
    else await expectRefused(app, token, ENVELOPE.invalid);
    expect(app.handled).toHaveLength(status === 200 ? 1 : 0);
  });
});

describe.each(EXPRESS)('%s: key rotation at a real OpenID provider', (_name, express) => {
  it("takes the new key at once through the unknown-kid refetch (once the first fetch's cooldown has passed); the old key's cached token then stops", async () => {
    const cooldown = 1;
    const p = await provider([signingKey('ES256', 'k1')]);
    const app = createApp(express, guard(p.issuer, { cache: true, jwksOptions: { cooldown, cacheMaxAge: 60 } }));
    const t1 = await p.token();
    const started1 = Date.now();
    await expectAccepted(app, t1);
    const fetched = Date.now();
    await expectAccepted(app, t1);

    p.rotate([signingKey('ES256', 'k2')]);
    const t2 = await p.token();
    expect(headerOf(t2).kid).toBe('k2');
    // Within the cooldown the first fetch started: an unknown kid is not fetched for.
    await expectRefused(app, t2, ENVELOPE.invalid);
    expect(Date.now() - started1).toBeLessThan(cooldown * 1000);
    expect(p.requests).toEqual(['/token', DISCOVERY, '/jwks', '/token']);

    await sleep(fetched + cooldown * 1000 + 20 - Date.now());
    await expectAccepted(app, t2);
    expect(p.requests).toEqual(['/token', DISCOVERY, '/jwks', '/token', '/jwks']);
    // The refreshed set has no k1: the cached t1 is verified again, and its kid is unknown.
    await expectRefused(app, t1, ENVELOPE.invalid);
    expect(p.jwksFetches()).toBe(2);
    expect(app.handled).toHaveLength(3);
  });

  it('keeps a cached token of the old key until the set is past cacheMaxAge, then refuses it', async () => {
    const cacheMaxAge = 1;
    const p = await provider([signingKey('EdDSA', 'k1')]);
    const app = createApp(express, guard(p.issuer, { cache: true, jwksOptions: { cacheMaxAge, cooldown: 0.2 } }));
    const t1 = await p.token();
    const started1 = Date.now();
    await expectAccepted(app, t1);
    const fetched = Date.now();

    p.rotate([signingKey('EdDSA', 'k2')]);
    const t2 = await p.token();
    await expectAccepted(app, t1);
    expect(Date.now() - started1).toBeLessThan(cacheMaxAge * 1000);
    expect(p.jwksFetches()).toBe(1);

    await sleep(fetched + cacheMaxAge * 1000 + 20 - Date.now());
    // The first request past cacheMaxAge refreshes the set: k1 is gone, and within the cooldown
    // of that refresh its kid is not fetched for again.
    await expectRefused(app, t1, ENVELOPE.invalid);
    expect(p.requests).toEqual(['/token', DISCOVERY, '/jwks', '/token', '/jwks']);
    await expectAccepted(app, t2);
    expect(p.jwksFetches()).toBe(2);
    expect(app.handled).toHaveLength(3);
  });
});
