// The app with a private key (createApp's signer): login, the guards, /.well-known/jwks.json and openid-configuration.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicJwks, signToken, verifyToken } from '../../src/index.js';
import type { PublicKeyAlgorithm } from '../../examples/api/signing-config.js';
import { ENVELOPE } from '../helpers/app.js';
import { ADMIN_PASSWORD, decodeToken, envelope, login, startApi, tempDir, tokenFor, type Api } from './helpers.js';

const ISSUER = 'http://127.0.0.1:3000';
const CACHE = 'public, max-age=300';

const keyFor: Record<PublicKeyAlgorithm, () => KeyObject> = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  EdDSA: () => generateKeyPairSync('ed25519').privateKey,
};

let temp: ReturnType<typeof tempDir>;
const opened: Api[] = [];
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  for (const api of opened.splice(0)) api.db.close();
  temp.remove();
});

async function apiWith(algorithm: PublicKeyAlgorithm, privateKey = keyFor[algorithm](), issuer = ISSUER): Promise<Api> {
  const api = await startApi(join(temp.dir, `${algorithm}.db`), { signer: { privateKey, algorithm, issuer } });
  opened.push(api);
  return api;
}

describe('ES256', () => {
  const privateKey = keyFor.ES256();

  it('login signs an ES256 token with the kid of the published key and iss = the issuer; it opens the protected routes', async () => {
    const api = await apiWith('ES256', privateKey);
    const token = await login(api.client, 'admin', ADMIN_PASSWORD);
    const { header, payload } = decodeToken(token);
    const [jwk] = publicJwks({ privateKey, algorithm: 'ES256' }).keys;
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwk!.kid });
    expect(payload).toEqual({
      sub: api.adminId,
      name: 'admin',
      iss: ISSUER,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });

    const me = await api.client.get('/me').set('token', token);
    expect({ status: me.status, body: me.body as unknown }).toEqual({
      status: 200,
      body: { id: api.adminId, username: 'admin', admin: true },
    });
    await api.client.post('/items').set('token', token).send({ name: 'apple' }).expect(201);
    // Anyone holding the published key set verifies it, with the issuer.
    await expect(verifyToken(token, { jwks: publicJwks({ privateKey, algorithm: 'ES256' }), issuer: ISSUER })).resolves.toMatchObject({
      sub: api.adminId,
    });
  });

  it('serves the public key set: one EC P-256 key, kid as in the tokens, alg ES256, use sig, no private part', async () => {
    const api = await apiWith('ES256', privateKey);
    const res = await api.client.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe(CACHE);
    const { header } = decodeToken(await login(api.client, 'admin', ADMIN_PASSWORD));
    const jwk = privateKey.export({ format: 'jwk' });
    expect(res.body).toEqual({ keys: [{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: header.kid, alg: 'ES256', use: 'sig' }] });
    expect(JSON.stringify(res.body)).not.toContain(jwk.d);
  });

  it('serves a minimal discovery document: issuer and jwks_uri', async () => {
    const api = await apiWith('ES256', privateKey);
    const res = await api.client.get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe(CACHE);
    expect(res.body).toEqual({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
  });

  it('an issuer with a trailing slash is the iss exactly; the documents are under it without the slash', async () => {
    const api = await apiWith('ES256', privateKey, 'https://api.example.com/');
    const token = await login(api.client, 'admin', ADMIN_PASSWORD);
    expect(decodeToken(token).payload.iss).toBe('https://api.example.com/');
    await api.client.get('/me').set('token', token).expect(200);
    const res = await api.client.get('/.well-known/openid-configuration').expect(200);
    expect(res.body).toEqual({ issuer: 'https://api.example.com/', jwks_uri: 'https://api.example.com/.well-known/jwks.json' });
  });

  it('HEAD gets the documents’ headers; other methods on them are 404 Route not found', async () => {
    const api = await apiWith('ES256', privateKey);
    const head = await api.client.head('/.well-known/jwks.json');
    expect([head.status, head.headers['cache-control']]).toEqual([200, CACHE]);
    const post = await api.client.post('/.well-known/jwks.json');
    expect({ status: post.status, body: post.body as unknown }).toEqual({
      status: 404,
      body: envelope(404, 'Not Found', 'Route not found'),
    });
  });

  it.each([
    ['an HS256 token with the test secret', () => tokenFor('x')],
    ['an ES256 token of another key', () => signToken({ sub: 'x' }, { privateKey: keyFor.ES256(), issuer: ISSUER })],
    ['an ES256 token of this key without iss', () => signToken({ sub: 'x' }, { privateKey })],
    ['an ES256 token of this key with another iss', () => signToken({ sub: 'x' }, { privateKey, issuer: 'http://127.0.0.1:3001' })],
  ])('refuses %s: 401 Invalid Token, on the write guard too', async (_name, make) => {
    const api = await apiWith('ES256', privateKey);
    const token = make();
    for (const res of [
      await api.client.get('/me').set('token', token),
      await api.client.post('/items').set('token', token).send({ name: 'x' }),
    ]) {
      expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 401, body: ENVELOPE.invalid });
    }
  });

  it('a token of this key and issuer for a user of the database passes, whoever signed it', async () => {
    const api = await apiWith('ES256', privateKey);
    const token = signToken({ sub: api.adminId }, { privateKey, issuer: ISSUER });
    await api.client.get('/me').set('token', token).expect(200);
  });
});

describe.each([
  ['RS256', { kty: 'RSA', n: expect.any(String), e: 'AQAB' }],
  ['PS256', { kty: 'RSA', n: expect.any(String), e: 'AQAB' }],
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519', x: expect.any(String) }],
] as const)('%s', (algorithm, publicMembers) => {
  it('login → protected route; the token’s alg and kid are the published key’s', async () => {
    const api = await apiWith(algorithm);
    const token = await login(api.client, 'admin', ADMIN_PASSWORD);
    const res = await api.client.get('/me').set('token', token);
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 200,
      body: { id: api.adminId, username: 'admin', admin: true },
    });
    const jwks = await api.client.get('/.well-known/jwks.json').expect(200);
    const { header, payload } = decodeToken(token);
    expect(jwks.body).toEqual({ keys: [{ ...publicMembers, kid: header.kid, alg: algorithm, use: 'sig' }] });
    expect(header.alg).toBe(algorithm);
    expect(payload.iss).toBe(ISSUER);
  });
});

it('PS256 and RS256 share the RSA key type, but the guards take only the configured algorithm', async () => {
  const privateKey = keyFor.PS256();
  const api = await apiWith('PS256', privateKey);
  const rs256 = signToken({ sub: api.adminId }, { privateKey, algorithm: 'RS256', issuer: ISSUER });
  const res = await api.client.get('/me').set('token', rs256);
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 401, body: ENVELOPE.invalid });
  await api.client
    .get('/me')
    .set('token', signToken({ sub: api.adminId }, { privateKey, algorithm: 'PS256', issuer: ISSUER }))
    .expect(200);
});

describe('HS256 (a secret)', () => {
  it.each([['/.well-known/jwks.json'], ['/.well-known/openid-configuration']])(
    'publishes nothing: GET %s is 404 Route not found',
    async (path) => {
      const api = await startApi(join(temp.dir, 'hs256.db'));
      opened.push(api);
      const res = await api.client.get(path);
      expect({ status: res.status, body: res.body as unknown }).toEqual({
        status: 404,
        body: envelope(404, 'Not Found', 'Route not found'),
      });
      expect(res.headers['cache-control']).toBeUndefined();
    },
  );
});
