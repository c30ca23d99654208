// `discover: true` against metadata servers under the test's control: which well-known paths are
// asked, what metadata is trusted, and several issuers, each verified with its own keys only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeySetError, tokenRequired, type TokenRequiredOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type TestApp } from '../helpers/app.js';
import { json, startJwksServer, type JwksServer } from '../helpers/jwks-server.js';
import { KEYS, pkToken, publicJwk } from '../helpers/keys.js';

const A_KEY = publicJwk(KEYS.p256, { kid: 'a' });
const B_KEY = publicJwk(KEYS.p256Other, { kid: 'b' });

interface Provider {
  readonly server: JwksServer;
  /** The issuer, as configured and as its metadata names it. */
  readonly issuer: string;
  /** The paths the server was asked for, in order. */
  readonly paths: () => (string | undefined)[];
}

type Routes = Record<string, (req: IncomingMessage, res: ServerResponse) => void>;

const servers: JwksServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * A provider at `http://127.0.0.1:<port><path>` publishing `keys` at `/keys`, its OpenID
 * configuration at the well-known path; `routes` replace or add answers by path.
 */
async function provider(
  keys: readonly unknown[],
  path = '',
  routes: (issuer: string, origin: string) => Routes = () => ({}),
): Promise<Provider> {
  const server = await startJwksServer();
  servers.push(server);
  const issuer = `${server.origin}${path}`;
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  const table: Routes = {
    [`${new URL(base).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`]: json({ issuer, jwks_uri: `${server.origin}/keys` }),
    '/keys': json({ keys }),
    ...routes(issuer, server.origin),
  };
  server.respond((req, res) => {
    const answer = table[req.url ?? ''] ?? json({ error: 'not_found' }, 404);
    answer(req, res);
  });
  return { server, issuer, paths: () => server.requests.map(({ path: seen }) => seen) };
}

function discoverApp(
  express: (typeof EXPRESS)[number][1],
  issuer: string | string[],
  options: Partial<TokenRequiredOptions> = {},
): TestApp {
  return createApp(express, tokenRequired({ discover: true, issuer, ...options } as TokenRequiredOptions));
}

const tokenOf = (key: 'p256' | 'p256Other', kid: string, iss: string): string => pkToken('ES256', KEYS[key].privateKey, { iss }, { kid });

function expectKeySetError(app: TestApp, message: string): void {
  expect(app.errors).toHaveLength(1);
  expect(app.errors[0]).toBeInstanceOf(KeySetError);
  expect((app.errors[0] as KeySetError).message).toBe(`express-token-required: ${message}`);
}

describe.each(EXPRESS)('discover on %s', (_name, express) => {
  it("finds the keys through the issuer's OpenID configuration, asked with Accept: application/json", async () => {
    const idp = await provider([A_KEY]);
    const app = discoverApp(express, idp.issuer);
    const res = await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer));
    expect([res.status, res.body.auth.iss]).toEqual([200, idp.issuer]);
    expect(idp.paths()).toEqual(['/.well-known/openid-configuration', '/keys']);
    expect(idp.server.requests.map(({ headers }) => headers.accept)).toEqual([
      'application/json',
      'application/jwk-set+json, application/json',
    ]);
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer))).status).toBe(200);
    expect(idp.paths()).toHaveLength(2);
  });

  it.each([
    ['/', '/.well-known/openid-configuration'],
    ['/realms/main', '/realms/main/.well-known/openid-configuration'],
    ['/tenant/v2.0/', '/tenant/v2.0/.well-known/openid-configuration'],
  ])('drops one trailing slash of the issuer %j before appending the well-known path', async (path, asked) => {
    const idp = await provider([A_KEY], path);
    const app = discoverApp(express, idp.issuer);
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer))).status).toBe(200);
    expect(idp.paths()[0]).toBe(asked);
  });

  it.each([
    ['', '/.well-known/oauth-authorization-server'],
    ['/tenant', '/.well-known/oauth-authorization-server/tenant'],
    ['/tenant/', '/.well-known/oauth-authorization-server/tenant'],
  ])('only when the OpenID configuration is 404, asks RFC 8414 metadata (issuer path %j)', async (path, rfc8414) => {
    const idp = await provider([A_KEY], path, (issuer, origin) => ({
      [`${new URL(issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`]: json({ error: 'not_found' }, 404),
      [rfc8414]: json({ issuer, jwks_uri: `${origin}/keys` }),
    }));
    const app = discoverApp(express, idp.issuer);
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer))).status).toBe(200);
    expect(idp.paths().slice(1)).toEqual([rfc8414, '/keys']);
  });

  it('does not fall back on another failure of the OpenID configuration', async () => {
    const idp = await provider([A_KEY], '', (issuer) => ({ '/.well-known/openid-configuration': json({ issuer }, 500) }));
    const app = discoverApp(express, idp.issuer);
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer))).status).toBe(500);
    expect(idp.paths()).toEqual(['/.well-known/openid-configuration']);
    expectKeySetError(
      app,
      `the metadata of issuer ${idp.issuer} at ${idp.issuer}/.well-known/openid-configuration could not be fetched: it answered HTTP 500, an error`,
    );
  });

  it.each<[string, (issuer: string, origin: string) => unknown, string]>([
    [
      'another issuer',
      (_issuer, origin) => ({ issuer: 'https://evil.example', jwks_uri: `${origin}/keys` }),
      'it names another issuer, "https://evil.example" (RFC 8414 §3.3)',
    ],
    [
      'the issuer with a trailing slash added',
      (issuer, origin) => ({ issuer: `${issuer}/`, jwks_uri: `${origin}/keys` }),
      'it names another issuer',
    ],
    ['no issuer', (_issuer, origin) => ({ jwks_uri: `${origin}/keys` }), 'it names no issuer'],
    ['no jwks_uri', (issuer) => ({ issuer }), 'it has no jwks_uri'],
    [
      'an http: jwks_uri to another host',
      (issuer) => ({ issuer, jwks_uri: 'http://10.0.0.1/keys' }),
      'its jwks_uri must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://10.0.0.1',
    ],
    [
      'a jwks_uri with credentials',
      (issuer, origin) => ({ issuer, jwks_uri: origin.replace('//', '//u:p@') + '/keys' }),
      'its jwks_uri must not hold a user name or password; use jwksOptions.headers',
    ],
    ['a jwks_uri that is no URL', (issuer) => ({ issuer, jwks_uri: '/keys' }), 'its jwks_uri is not a valid URL (got "/keys")'],
    ['a jwks_uri that is no string', (issuer) => ({ issuer, jwks_uri: 42 }), 'its jwks_uri must be a URL string or a URL (got 42)'],
    ['an array', () => [], 'it names no issuer'],
    ['null', () => null, 'it names no issuer'],
  ])('never fetches the jwks_uri of metadata with %s', async (_name, metadata, detail) => {
    const idp = await provider([A_KEY], '', (issuer, origin) => ({ '/.well-known/openid-configuration': json(metadata(issuer, origin)) }));
    const app = discoverApp(express, idp.issuer);
    const res = await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer));
    expect([res.status, res.body]).toEqual([500, { error: 'handler' }]);
    expect(idp.paths()).toEqual(['/.well-known/openid-configuration']);
    expect(app.errors[0]).toBeInstanceOf(KeySetError);
    const prefix = `express-token-required: the metadata of issuer ${idp.issuer} at ${idp.issuer}/.well-known/openid-configuration could not be fetched: `;
    expect((app.errors[0] as KeySetError).message.startsWith(prefix + detail)).toBe(true);
  });

  it('sends the configured headers and uses the configured fetch for discovery too', async () => {
    const idp = await provider([A_KEY]);
    const seen: string[] = [];
    const fetch = (url: string, init: RequestInit): Promise<Response> => {
      seen.push(url);
      return globalThis.fetch(url, init);
    };
    const app = discoverApp(express, idp.issuer, { jwksOptions: { fetch, headers: { 'X-Api-Key': 'k1' } } });
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', idp.issuer))).status).toBe(200);
    expect(seen).toEqual([`${idp.issuer}/.well-known/openid-configuration`, `${idp.server.origin}/keys`]);
    expect(idp.server.requests.map(({ headers }) => headers['x-api-key'])).toEqual(['k1', 'k1']);
  });

  it('discovers again after a failed key set fetch: the jwks_uri may have moved', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    let keysUp = false;
    const idp = await provider([A_KEY], '', () => ({
      '/keys': (req, res) => {
        (keysUp ? json({ keys: [A_KEY] }) : json({}, 502))(req, res);
      },
    }));
    const app = discoverApp(express, idp.issuer, { jwksOptions: { cooldown: 1 } });
    const token = tokenOf('p256', 'a', idp.issuer);
    expect((await app.client.get('/protected').set('token', token)).status).toBe(500);
    expectKeySetError(
      app,
      `the key set of issuer ${idp.issuer} at ${idp.server.origin}/keys could not be fetched: it answered HTTP 502, an error`,
    );
    keysUp = true;
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 1));
    expect((await app.client.get('/protected').set('token', token)).status).toBe(200);
    expect(idp.paths()).toEqual(['/.well-known/openid-configuration', '/keys', '/.well-known/openid-configuration', '/keys']);
  });
});

describe.each(EXPRESS)('several issuers on %s', (_name, express) => {
  it("verifies each token with its own issuer's keys only, and fetches a set when a token of it comes", async () => {
    const a = await provider([A_KEY]);
    const b = await provider([B_KEY]);
    const app = discoverApp(express, [a.issuer, b.issuer], { bearer: true });
    const call = (token: string) => app.client.get('/protected').set('Authorization', `Bearer ${token}`);
    expect((await call(tokenOf('p256', 'a', a.issuer))).status).toBe(200);
    expect([a.paths().length, b.paths().length]).toEqual([2, 0]);
    expect((await call(tokenOf('p256Other', 'b', b.issuer))).status).toBe(200);
    expect(b.paths()).toHaveLength(2);
    for (const crossed of [tokenOf('p256Other', 'b', a.issuer), tokenOf('p256', 'a', b.issuer)]) {
      const res = await call(crossed);
      expect([res.status, res.body, res.headers['www-authenticate']]).toEqual([401, ENVELOPE.invalid, 'Bearer error="invalid_token"']);
    }
    const stranger = await call(tokenOf('p256', 'a', 'https://c.example'));
    expect([stranger.status, stranger.body]).toEqual([401, ENVELOPE.invalid]);
    expect(app.errors).toEqual([]);
  });

  it("one issuer's outage is not the other's", async () => {
    const a = await provider([A_KEY], '', () => ({ '/keys': json({}, 500) }));
    const b = await provider([B_KEY]);
    const app = discoverApp(express, [a.issuer, b.issuer]);
    expect((await app.client.get('/protected').set('token', tokenOf('p256', 'a', a.issuer))).status).toBe(500);
    expect((await app.client.get('/protected').set('token', tokenOf('p256Other', 'b', b.issuer))).status).toBe(200);
    expect(app.errors).toHaveLength(1);
  });
});
