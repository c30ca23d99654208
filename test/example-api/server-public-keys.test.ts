// The real server.ts in a child process with TOKEN_ALG: the key file, the well-known routes, restarts, start-up errors.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicJwks } from '../../src/index.js';
import { decodeToken, storedUsernames, tempDir } from './helpers.js';
import { killAll, launch, stop } from './server-process.js';

const temp = tempDir();
afterAll(() => {
  killAll();
  temp.remove();
});

const PASSWORD = 'change-me-please';
const CACHE = 'public, max-age=300';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...(init.token !== undefined && { token: init.token }) },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function loginAt(url: string): Promise<string> {
  const res = await call(`${url}/login`, { method: 'POST', body: { username: 'admin', password: PASSWORD } });
  expect(res.status).toBe(200);
  return (res.body as { token: string }).token;
}

const me = (url: string, token: string) => call(`${url}/me`, { token });
const asAdmin = (id: unknown) => ({ status: 200, body: { id, username: 'admin', admin: true } });
const statusAndBody = ({ status, body }: Answer) => ({ status, body });

describe('TOKEN_ALG=ES256 without SIGNING_KEY_FILE or PUBLIC_URL', () => {
  const data = join(temp.dir, 'es256', 'data');
  const env = { TOKEN_ALG: 'ES256', DATABASE_PATH: join(data, 'api.db'), ADMIN_PASSWORD: PASSWORD };
  const keyFile = join(data, 'signing-key.pem');
  let first = { url: '', token: '', jwks: undefined as unknown, pem: '' };

  it('generates the key in the data folder (0600, with a warning), signs ES256 with iss = its URL on the bound port, and serves the key set', async () => {
    const server = launch(env);
    const url = await server.listening;
    const token = await loginAt(url);
    const { header, payload } = decodeToken(token);
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: expect.stringMatching(/^[\w-]{43}$/) });
    expect(payload.iss).toBe(url);
    expect(statusAndBody(await me(url, token))).toEqual(asAdmin(payload.sub));

    const jwks = await call(`${url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(jwks.headers.get('cache-control')).toBe(CACHE);
    expect(jwks.body).toEqual({
      keys: [{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: header.kid, alg: 'ES256', use: 'sig' }],
    });

    const discovery = await call(`${url}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(discovery.headers.get('cache-control')).toBe(CACHE);
    expect(discovery.body).toEqual({ issuer: url, jwks_uri: `${url}/.well-known/jwks.json` });

    expect(await stop(server, 'SIGTERM')).toBe(0);
    const { stdout, stderr } = server.output();
    expect(stderr).toBe(
      `warning: SIGNING_KEY_FILE is not set; using the ES256 private key generated in ${keyFile} (kept so that tokens survive restarts). Set SIGNING_KEY_FILE in production.\n`,
    );
    expect(stdout).toContain(
      `listening on ${url} (database: ${env.DATABASE_PATH}; revoked tokens in the database; ES256 tokens of issuer ${url})\n`,
    );
    const pem = readFileSync(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(stdout + stderr).not.toContain(pem.split('\n')[1]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // No secret is made in this mode.
    expect(() => statSync(join(data, 'secret-key'))).toThrow(/ENOENT/);
    first = { url, token, jwks: jwks.body, pem };
  }, 30_000);

  it('restarts on the same data folder (and port, so the same issuer) with the same key: the earlier token passes, the key set is identical', async () => {
    const port = new URL(first.url).port;
    const server = launch({ ...env, PORT: port });
    const url = await server.listening;
    expect(url).toBe(first.url);
    expect(statusAndBody(await me(url, first.token))).toEqual(asAdmin(decodeToken(first.token).payload.sub));
    expect((await call(`${url}/.well-known/jwks.json`)).body).toEqual(first.jwks);
    expect(decodeToken(await loginAt(url)).header.kid).toBe(decodeToken(first.token).header.kid);
    expect(await stop(server, 'SIGTERM')).toBe(0);
    expect(server.output().stderr).toBe(
      `warning: SIGNING_KEY_FILE is not set; using the ES256 private key generated in ${keyFile} (kept so that tokens survive restarts). Set SIGNING_KEY_FILE in production.\n`,
    );
    expect(readFileSync(keyFile, 'utf8')).toBe(first.pem);
  }, 30_000);
});

describe('TOKEN_ALG=ES256 with SIGNING_KEY_FILE and PUBLIC_URL', () => {
  const data = join(temp.dir, 'given', 'data');
  const keyFile = join(temp.dir, 'given', 'es256.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const PUBLIC_URL = 'https://api.example.test';
  const env = { TOKEN_ALG: 'ES256', SIGNING_KEY_FILE: keyFile, PUBLIC_URL, DATABASE_PATH: join(data, 'api.db'), ADMIN_PASSWORD: PASSWORD };
  let token = '';

  it('signs with that key, iss = PUBLIC_URL exactly, no warning, no key file in the data folder', async () => {
    mkdirSync(join(temp.dir, 'given'), { recursive: true });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const server = launch(env);
    const url = await server.listening;
    token = await loginAt(url);
    expect(decodeToken(token).payload.iss).toBe(PUBLIC_URL);
    expect(statusAndBody(await me(url, token))).toEqual(asAdmin(decodeToken(token).payload.sub));
    expect((await call(`${url}/.well-known/jwks.json`)).body).toEqual(publicJwks({ privateKey, algorithm: 'ES256' }));
    expect((await call(`${url}/.well-known/openid-configuration`)).body).toEqual({
      issuer: PUBLIC_URL,
      jwks_uri: `${PUBLIC_URL}/.well-known/jwks.json`,
    });
    expect(await stop(server, 'SIGTERM')).toBe(0);
    expect(server.output().stderr).toBe('');
    expect(() => statSync(join(data, 'signing-key.pem'))).toThrow(/ENOENT/);
    expect(() => statSync(join(data, 'secret-key'))).toThrow(/ENOENT/);
  }, 30_000);

  it('a restart on another port keeps the issuer: the earlier token passes', async () => {
    const server = launch(env);
    const url = await server.listening;
    expect(statusAndBody(await me(url, token))).toEqual(asAdmin(decodeToken(token).payload.sub));
    expect(await stop(server, 'SIGINT')).toBe(0);
  }, 30_000);
});

describe.each([
  ['RS256', 'RSA'],
  ['PS256', 'RSA'],
  ['EdDSA', 'OKP'],
])('TOKEN_ALG=%s', (alg, kty) => {
  it('login → protected route, with the generated key, which the key set publishes', async () => {
    const data = join(temp.dir, alg, 'data');
    const server = launch({ TOKEN_ALG: alg, DATABASE_PATH: join(data, 'api.db'), ADMIN_PASSWORD: PASSWORD });
    const url = await server.listening;
    const token = await loginAt(url);
    const { header, payload } = decodeToken(token);
    expect(header.alg).toBe(alg);
    expect(payload.iss).toBe(url);
    expect(statusAndBody(await me(url, token))).toEqual(asAdmin(payload.sub));
    const items = await call(`${url}/items`, { method: 'POST', token, body: { name: 'apple' } });
    expect(items.status).toBe(201);
    const jwks = (await call(`${url}/.well-known/jwks.json`)).body as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty, kid: header.kid, alg, use: 'sig' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(await stop(server, 'SIGTERM')).toBe(0);
    expect(statSync(join(data, 'signing-key.pem')).mode & 0o777).toBe(0o600);
  }, 30_000);
});

describe('HS256, the default', () => {
  it('publishes nothing: the well-known routes are 404 Route not found', async () => {
    const server = launch({ DATABASE_PATH: join(temp.dir, 'hs256', 'api.db'), SECRET_KEY: 'k'.repeat(64), ADMIN_PASSWORD: PASSWORD });
    const url = await server.listening;
    for (const path of ['jwks.json', 'openid-configuration']) {
      expect(statusAndBody(await call(`${url}/.well-known/${path}`))).toEqual({
        status: 404,
        body: { code: '404', status: 'Not Found', message: 'Route not found' },
      });
    }
    expect(decodeToken(await loginAt(url)).payload).not.toHaveProperty('iss');
    expect(await stop(server, 'SIGTERM')).toBe(0);
  }, 30_000);
});

describe('start-up errors', () => {
  const publicPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const folder = (name: string) => join(temp.dir, 'errors', name.replaceAll(' ', '-'));

  it.each([
    [
      'TOKEN_ALG=HS384',
      () => ({ TOKEN_ALG: 'HS384' }),
      () => 'error: TOKEN_ALG must be HS256, ES256, RS256, PS256 or EdDSA (got "HS384")\n',
    ],
    [
      'TOKEN_ALG=ES999',
      () => ({ TOKEN_ALG: 'ES999' }),
      () => 'error: TOKEN_ALG must be HS256, ES256, RS256, PS256 or EdDSA (got "ES999")\n',
    ],
    [
      'a missing SIGNING_KEY_FILE',
      (dir: string) => ({ TOKEN_ALG: 'ES256', SIGNING_KEY_FILE: join(dir, 'nothing.pem') }),
      (dir: string) => `error: cannot read SIGNING_KEY_FILE ${join(dir, 'nothing.pem')} (ENOENT)\n`,
    ],
    [
      'a SIGNING_KEY_FILE with a public key',
      (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'public.pem'), publicPem);
        return { TOKEN_ALG: 'ES256', SIGNING_KEY_FILE: join(dir, 'public.pem') };
      },
      (dir: string) =>
        `error: SIGNING_KEY_FILE ${join(dir, 'public.pem')} holds no private key; it must be an unencrypted PEM private key, e.g. from openssl genpkey (BEGIN PRIVATE KEY)\n`,
    ],
    [
      'a SIGNING_KEY_FILE with a key of another algorithm',
      (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'ed25519.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
        return { TOKEN_ALG: 'ES256', SIGNING_KEY_FILE: join(dir, 'ed25519.pem') };
      },
      (dir: string) =>
        `error: SIGNING_KEY_FILE ${join(dir, 'ed25519.pem')} holds an Ed25519 key, but TOKEN_ALG ES256 signs with an EC P-256 key; use such a key or another TOKEN_ALG\n`,
    ],
    [
      'SIGNING_KEY_FILE without TOKEN_ALG',
      (dir: string) => ({ SIGNING_KEY_FILE: join(dir, 'key.pem') }),
      () =>
        'error: SIGNING_KEY_FILE is set, but TOKEN_ALG is HS256, which signs with SECRET_KEY; set TOKEN_ALG to ES256, RS256, PS256 or EdDSA\n',
    ],
    [
      'a PUBLIC_URL that is no URL',
      () => ({ TOKEN_ALG: 'EdDSA', PUBLIC_URL: 'api.example.com' }),
      () =>
        'error: PUBLIC_URL must be the http:// or https:// URL clients reach the API at, without query or fragment, e.g. https://api.example.com (got "api.example.com")\n',
    ],
  ])(
    'exits 1 with only a clear message on %s, with no database or key made',
    async (name, envOf, messageOf) => {
      const dir = folder(name);
      const data = join(dir, 'data');
      const server = launch({ DATABASE_PATH: join(data, 'api.db'), ADMIN_PASSWORD: PASSWORD, ...envOf(dir) });
      await expect(server.listening).rejects.toThrow(/^server exited with 1 before listening/);
      const { stdout, stderr } = server.output();
      expect(stdout).toBe('');
      expect(stderr).toBe(messageOf(dir));
      expect(stderr).not.toContain(publicPem.split('\n')[1]);
      expect(() => statSync(join(data, 'api.db'))).toThrow(/ENOENT/);
      expect(() => statSync(join(data, 'signing-key.pem'))).toThrow(/ENOENT/);
    },
    30_000,
  );

  it('exits 1 on a port in use, before the admin is created', async () => {
    const env = { SECRET_KEY: 'k'.repeat(64), ADMIN_PASSWORD: PASSWORD };
    const first = launch({ ...env, DATABASE_PATH: join(folder('first'), 'api.db') });
    const port = new URL(await first.listening).port;
    const second = launch({ ...env, DATABASE_PATH: join(folder('second'), 'api.db'), PORT: port });
    await expect(second.listening).rejects.toThrow(/^server exited with 1 before listening/);
    expect(second.output()).toEqual({
      stdout: '',
      stderr: `error: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
    });
    expect(storedUsernames(join(folder('second'), 'api.db'))).toEqual([]);
    expect(await stop(first, 'SIGTERM')).toBe(0);
  }, 30_000);
});
