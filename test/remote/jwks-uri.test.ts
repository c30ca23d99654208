// `jwksUri` through tokenRequired, on Express 5 and 4, against a JWKS server under the test's
// control: the fetches it saw, the faults it can play, and what the client and the app's error
// handler get for each.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import express5 from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeySetError, tokenRequired, verifyToken, type TokenRequiredOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type TestApp } from '../helpers/app.js';
import { json, startJwksServer, type Handler, type JwksServer } from '../helpers/jwks-server.js';
import { KEYS, pkToken, privateJwk, publicJwk, type PublicKeyAlgorithm } from '../helpers/keys.js';
import { SECRET } from '../helpers/tokens.js';

const EC = publicJwk(KEYS.p256, { kid: 'ec' });
const RSA = publicJwk(KEYS.rsa, { kid: 'rsa', alg: 'RS256' });
const PSS = publicJwk(KEYS.rsaOther, { kid: 'pss', alg: 'PS256' });
const ED = publicJwk(KEYS.ed25519, { kid: 'ed' });

const ecToken = (claims: Record<string, unknown> = {}, kid = 'ec'): string => pkToken('ES256', KEYS.p256.privateKey, claims, { kid });
const CHALLENGE = 'Bearer error="invalid_token"';

const servers: JwksServer[] = [];
async function jwksServer(keys: readonly unknown[] = [EC]): Promise<JwksServer> {
  const server = await startJwksServer(keys);
  servers.push(server);
  return server;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const START = Date.UTC(2030, 0, 1);
/** Date only: timers, sockets and AbortSignal.timeout stay real. */
function clockAt(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START + seconds * 1000);
}

/** An app guarded by `jwksUri` (the `token` header, unless `bearer` is given). */
function remoteApp(express: (typeof EXPRESS)[number][1], server: JwksServer, options: Partial<TokenRequiredOptions> = {}): TestApp {
  return createApp(express, tokenRequired({ jwksUri: server.url, ...options } as TokenRequiredOptions));
}

/** The exact message of a KeySetError for the set at `url`. */
const failed = (url: string, detail: string): string => `express-token-required: the key set at ${url} could not be fetched: ${detail}`;

function expectKeySetError(app: TestApp, message: string): KeySetError {
  expect(app.errors).toHaveLength(1);
  const error = app.errors[0] as KeySetError;
  expect(error).toBeInstanceOf(KeySetError);
  expect(error).toBeInstanceOf(Error);
  expect([error.name, error.status, error.statusCode, error.expose, error.message]).toEqual(['KeySetError', 503, 503, false, message]);
  return error;
}

describe.each(EXPRESS)('jwksUri on %s', (_name, express) => {
  it.each<[PublicKeyAlgorithm, string, () => string]>([
    ['ES256', 'ec', () => ecToken()],
    ['RS256', 'rsa', () => pkToken('RS256', KEYS.rsa.privateKey, {}, { kid: 'rsa' })],
    ['PS256', 'pss', () => pkToken('PS256', KEYS.rsaOther.privateKey, {}, { kid: 'pss' })],
    ['EdDSA', 'ed', () => pkToken('EdDSA', KEYS.ed25519.privateKey, {}, { kid: 'ed' })],
  ])('verifies %s tokens with the key their kid names', async (_alg, _kid, token) => {
    const server = await jwksServer([EC, RSA, PSS, ED]);
    const app = remoteApp(express, server, { bearer: true });
    const res = await app.client.get('/protected').set('Authorization', `Bearer ${token()}`);
    expect(res.status).toBe(200);
    expect(res.body.auth.sub).toBe('42');
    expect(server.requests).toHaveLength(1);
  });

  it('fetches on first need, once for concurrent first requests, and not again while fresh', async () => {
    const server = await jwksServer();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.respond((req, res) => {
      void held.then(() => {
        json({ keys: [EC] })(req, res);
      });
    });
    const app = remoteApp(express, server);
    expect(server.requests).toHaveLength(0);
    const first = Array.from({ length: 20 }, () =>
      app.client
        .get('/protected')
        .set('token', ecToken())
        .then((res) => res.status),
    );
    await vi.waitFor(() => {
      expect(server.requests).toHaveLength(1);
    });
    release();
    expect(await Promise.all(first)).toEqual(Array(20).fill(200));
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a token of an unconfigured issuer before any fetch', async () => {
    const server = await jwksServer();
    const app = remoteApp(express, server, { issuer: ['https://a.example', 'https://b.example'], bearer: true });
    for (const iss of [undefined, 'https://c.example', ['https://a.example']]) {
      const res = await app.client.get('/protected').set('Authorization', `Bearer ${ecToken({ iss })}`);
      expect([res.status, res.body, res.headers['www-authenticate']]).toEqual([401, ENVELOPE.invalid, CHALLENGE]);
    }
    expect(server.requests).toHaveLength(0);
    expect((await app.client.get('/protected').set('Authorization', `Bearer ${ecToken({ iss: 'https://b.example' })}`)).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses what no key of the set verifies, with the Bearer challenge', async () => {
    const server = await jwksServer([EC, RSA]);
    const app = remoteApp(express, server, { bearer: true });
    const refused = [
      ['a key of another type named by kid', pkToken('ES256', KEYS.p256.privateKey, {}, { kid: 'rsa' })],
      ['a signature by another key', pkToken('ES256', KEYS.p256Other.privateKey, {}, { kid: 'ec' })],
      [
        'an HS256 token',
        pkToken('ES256', KEYS.p256.privateKey).replace(/^[^.]+/, Buffer.from('{"alg":"HS256","kid":"ec"}').toString('base64url')),
      ],
      ['no kid, and one key fits ES256 but the signature is not its own', pkToken('ES256', KEYS.p256Other.privateKey)],
      ['PS256 with an RSA key bound to RS256', pkToken('PS256', KEYS.rsa.privateKey, {}, { kid: 'rsa' })],
      ['expired', ecToken({ exp: Math.floor(Date.now() / 1000) - 10 })],
    ] as const;
    for (const [name, token] of refused) {
      const res = await app.client.get('/protected').set('Authorization', `Bearer ${token}`);
      expect([name, res.status, res.headers['www-authenticate']]).toEqual([name, 401, CHALLENGE]);
      expect(res.body).toEqual(name === 'expired' ? ENVELOPE.expired : ENVELOPE.invalid);
    }
    expect(app.handled).toHaveLength(0);
    // The one unknown-kid refetch of the cooldown; the rest were refused without a fetch.
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });

  it('a token without kid verifies with the only key that may verify its alg', async () => {
    const server = await jwksServer([EC, RSA]);
    const app = remoteApp(express, server);
    expect((await app.client.get('/protected').set('token', pkToken('ES256', KEYS.p256.privateKey))).status).toBe(200);
  });

  it('skips keys that break the binding rules, and uses the others', async () => {
    const bad = [
      publicJwk(KEYS.rsa1024, { kid: 'short' }),
      { kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), kid: 'oct' },
      privateJwk(KEYS.p256Other, { kid: 'private' }),
      publicJwk(KEYS.p384, { kid: 'misfit', alg: 'ES256' }),
      publicJwk(KEYS.p256Other, { kid: 'enc', use: 'enc' }),
      'not a key',
      publicJwk(KEYS.secp256k1, { kid: 'k1' }),
    ];
    const server = await jwksServer([...bad, EC]);
    const app = remoteApp(express, server);
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    const forged = [
      ['private', pkToken('ES256', KEYS.p256Other.privateKey, {}, { kid: 'private' })],
      ['enc', pkToken('ES256', KEYS.p256Other.privateKey, {}, { kid: 'enc' })],
      ['misfit', pkToken('ES384', KEYS.p384.privateKey, {}, { kid: 'misfit' })],
    ] as const;
    for (const [kid, token] of forged) {
      const res = await app.client.get('/protected').set('token', token);
      expect([kid, res.status, res.body]).toEqual([kid, 401, ENVELOPE.invalid]);
    }
    expect(app.errors).toEqual([]);
  });

  it('refetches once for an unknown kid, then not again within the cooldown', async () => {
    clockAt(0);
    const server = await jwksServer([EC]);
    const app = remoteApp(express, server, { jwksOptions: { cooldown: 10 } });
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    server.serve([EC, RSA]);
    const rsa = pkToken('RS256', KEYS.rsa.privateKey, {}, { kid: 'rsa' });
    // In the cooldown that the first fetch started: refused without a fetch.
    expect((await app.client.get('/protected').set('token', rsa)).body).toEqual(ENVELOPE.invalid);
    expect(server.requests).toHaveLength(1);
    clockAt(10);
    expect((await app.client.get('/protected').set('token', rsa)).status).toBe(200);
    expect(server.requests).toHaveLength(2);
    const flood = Array.from({ length: 200 }, () =>
      app.client
        .get('/protected')
        .set('token', ecToken({}, randomUUID()))
        .then((res) => res.status),
    );
    expect(new Set(await Promise.all(flood))).toEqual(new Set([401]));
    expect(server.requests).toHaveLength(2);
    clockAt(20.5);
    await Promise.all(flood.slice(0, 3).map(() => app.client.get('/protected').set('token', ecToken({}, randomUUID()))));
    expect(server.requests).toHaveLength(3);
  });

  it.each<[string, Handler | unknown[], Record<string, unknown>, string]>([
    ['a 500', json({ keys: [EC] }, 500), {}, 'it answered HTTP 500, an error'],
    ['a 400', json({ keys: [EC] }, 400), {}, 'it answered HTTP 400, an error'],
    ['a 300', json({ keys: [EC] }, 300), {}, 'it answered HTTP 300, a redirect, which is not followed'],
    ['a 399', json({ keys: [EC] }, 399), {}, 'it answered HTTP 399, a redirect, which is not followed'],
    [
      'a 302 redirect',
      (_req, res) => {
        res.writeHead(302, { location: '/elsewhere' }).end();
      },
      {},
      'it answered HTTP 302, a redirect, which is not followed',
    ],
    [
      'a body that is not JSON',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
      },
      {},
      'its body is not JSON',
    ],
    ['JSON without keys', json({ key: [EC] }), {}, 'its body is not a JSON Web Key Set ({ "keys": [ … ] })'],
    [
      'a 1 MB body',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [EC], pad: 'x'.repeat(1 << 20) }));
      },
      {},
      'its body is larger than jwksOptions.maxBytes (524288 bytes)',
    ],
    [
      '101 small keys',
      Array.from({ length: 101 }, (_, i) => ({ ...EC, kid: `k${String(i)}` })),
      { maxKeys: 100 },
      'it has 101 keys, more than jwksOptions.maxKeys (100)',
    ],
    [
      'an answer slower than the timeout',
      (req, res) => {
        const timer = setTimeout(() => {
          json({ keys: [EC] })(req, res);
        }, 2000);
        res.on('close', () => {
          clearTimeout(timer);
        });
      },
      { timeout: 0.2 },
      'no answer within 200 ms',
    ],
  ])(
    'a first fetch that fails (%s) goes to the error handler as a KeySetError, never a 401',
    async (_name, answer, jwksOptions, detail) => {
      const server = await jwksServer();
      if (Array.isArray(answer)) server.serve(answer);
      else server.respond(answer);
      const app = remoteApp(express, server, { jwksOptions });
      const res = await app.client.get('/protected').set('token', ecToken());
      expect([res.status, res.body]).toEqual([500, { error: 'handler' }]);
      expect(res.text).not.toContain(server.url);
      expect(app.handled).toHaveLength(0);
      expectKeySetError(app, failed(server.url, detail));
    },
  );

  it("Express's own error handler answers a KeySetError with 503, and no token in it", async () => {
    const server = await jwksServer();
    server.respond(json({}, 500));
    const app = express();
    app.get('/protected', tokenRequired({ jwksUri: server.url }), (_req, res) => res.send('ran'));
    app.set('env', 'production');
    const token = ecToken();
    const res = await request(app).get('/protected').set('token', token);
    expect(res.status).toBe(503);
    expect(res.text).not.toContain(server.url);
    expect(res.text).not.toContain(token.slice(0, 20));
  });

  it('keeps the failure for the cooldown (same message, no fetch), then tries again; the cause is kept', async () => {
    clockAt(0);
    const server = await jwksServer();
    await server.close();
    const app = remoteApp(express, server, { jwksOptions: { cooldown: 5 } });
    await app.client.get('/protected').set('token', ecToken());
    const first = expectKeySetError(app, failed(server.url, 'the request failed'));
    expect(first.cause).toBeInstanceOf(Error);
    app.errors.length = 0;
    clockAt(4.9);
    await app.client.get('/protected').set('token', ecToken());
    const again = expectKeySetError(app, first.message);
    expect(again.cause).toBe(first.cause);
    expect(again.stack).not.toContain('.ts:');
  });

  it('serves the stale set while the provider is down, for staleIfError, then a KeySetError', async () => {
    clockAt(0);
    const server = await jwksServer();
    const app = remoteApp(express, server, { jwksOptions: { cacheMaxAge: 60, cooldown: 10, staleIfError: 120 } });
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    server.respond((req) => {
      req.socket.destroy();
    });
    clockAt(61);
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(server.requests).toHaveLength(2);
    clockAt(65);
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(server.requests).toHaveLength(2);
    clockAt(179.9);
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(server.requests.length).toBeGreaterThan(2);
    clockAt(180);
    const res = await app.client.get('/protected').set('token', ecToken());
    expect(res.status).toBe(500);
    expect(app.errors[0]).toBeInstanceOf(KeySetError);
    server.serve([EC]);
    clockAt(200);
    expect((await app.client.get('/protected').set('token', ecToken())).status).toBe(200);
  });

  it('a cached token counts only while its key is in the current set', async () => {
    clockAt(0);
    const server = await jwksServer([EC, RSA]);
    const app = remoteApp(express, server, { cache: true, jwksOptions: { cacheMaxAge: 60 } });
    const token = ecToken({ exp: Math.floor(START / 1000) + 3600 });
    expect((await app.client.get('/protected').set('token', token)).status).toBe(200);
    server.serve([RSA]);
    clockAt(59);
    expect((await app.client.get('/protected').set('token', token)).status).toBe(200);
    expect(server.requests).toHaveLength(1);
    clockAt(60);
    const res = await app.client.get('/protected').set('token', token);
    expect([res.status, res.body]).toEqual([401, ENVELOPE.invalid]);
    expect(server.requests).toHaveLength(2);
    server.serve([RSA, EC]);
    clockAt(120);
    expect((await app.client.get('/protected').set('token', token)).status).toBe(200);
  });
});

describe('one key set per URL and equal options in the process', () => {
  it('is fetched once for every middleware and verifyToken call that names it', async () => {
    const server = await jwksServer();
    const a = remoteApp(express5, server, { jwksOptions: { cooldown: 30 } });
    const b = remoteApp(express5, server, { jwksOptions: { cooldown: '30s', timeout: '5s' } });
    expect((await a.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect((await b.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(await verifyToken(ecToken(), { jwksUri: new URL(server.url) })).toMatchObject({ sub: '42' });
    expect(server.requests).toHaveLength(1);
    const c = remoteApp(express5, server, { jwksOptions: { cooldown: 31 } });
    expect((await c.client.get('/protected').set('token', ecToken())).status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('binds the shared keys with each configuration’s own algorithms', async () => {
    const server = await jwksServer([publicJwk(KEYS.rsa, { kid: 'rsa' })]);
    const token = pkToken('PS256', KEYS.rsa.privateKey, {}, { kid: 'rsa' });
    await expect(verifyToken(token, { jwksUri: server.url })).rejects.toMatchObject({ reason: 'token_invalid' });
    expect(await verifyToken(token, { jwksUri: server.url, algorithms: ['PS256'] })).toMatchObject({ sub: '42' });
    expect(server.requests).toHaveLength(1);
  });

  it('verifyToken rejects with the KeySetError itself', async () => {
    const server = await jwksServer();
    server.respond(json({}, 503));
    const error: unknown = await verifyToken(ecToken(), { jwksUri: server.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeySetError);
    expect((error as KeySetError).message).toBe(failed(server.url, 'it answered HTTP 503, an error'));
  });
});

describe('the process', () => {
  it('is kept alive by no timer and no socket: a script that verified one token exits at once', async () => {
    const server = await jwksServer();
    const script = `
      import { verifyToken } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
      const payload = await verifyToken(${JSON.stringify(ecToken())}, { jwksUri: ${JSON.stringify(server.url)}, jwksOptions: { timeout: 600, cacheMaxAge: 3600 } });
      console.log(payload.sub);
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect([code, output]).toEqual([0, '42\n']);
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
