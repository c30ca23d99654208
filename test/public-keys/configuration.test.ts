// The publicKey resolver, and every malformed public-key configuration: a TypeError at start-up
// that names the problem (or, for what a resolver returns, the app's error handler).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, tokenRequired, verifyToken, type PublicKeyInput, type TokenRequiredOptions } from '../../src/index.js';
import { verifySignature } from '../../src/core/signatures.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import { KEYS, pkToken, publicJwk, spkiPem } from '../helpers/keys.js';

describe.each(EXPRESS)('%s: a publicKey resolver', (_name, express) => {
  it('verifies with the key it returns, asked with the unverified header and payload', async () => {
    const seen: unknown[] = [];
    const publicKey = (header: { kid?: string }, payload: { sub?: string }) => {
      seen.push([header.kid, payload.sub]);
      return header.kid === 'ec' ? spkiPem(KEYS.p256) : undefined;
    };
    const { client, handled } = createApp(express, tokenRequired({ publicKey }));
    await client
      .get('/protected')
      .set('token', pkToken('ES256', KEYS.p256.privateKey, {}, { kid: 'ec' }))
      .expect(200);
    const res = await client
      .get('/protected')
      .set('token', pkToken('ES256', KEYS.p256.privateKey, {}, { kid: 'other' }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(1);
    expect(seen).toEqual([
      ['ec', '42'],
      ['other', '42'],
    ]);
  });

  it("refuses a token whose alg its key may not verify (ES384 for a P-256 key): 401, never the key's choice", async () => {
    const { client } = createApp(express, tokenRequired({ publicKey: () => KEYS.p256.publicKey }));
    const res = await client.get('/protected').set('token', pkToken('ES384', KEYS.p384.privateKey)).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it.each<[string, () => PublicKeyInput]>([
    ['a private key', () => KEYS.p256.privateKey],
    ['a 1024-bit RSA key', () => KEYS.rsa1024.publicKey],
    ['a secp256k1 key', () => KEYS.secp256k1.publicKey],
    ['a shared secret', () => 's'.repeat(64)],
  ])('hands a returned key that breaks the rules (%s) to the error handler as a TypeError: 500', async (_case, key) => {
    const { client, handled, errors } = createApp(express, tokenRequired({ publicKey: key }));
    const res = await client.get('/protected').set('token', pkToken('ES256', KEYS.p256.privateKey)).expect(500);
    expect(res.body).toEqual({ error: 'handler' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect((errors[0] as Error).message).toMatch(/^express-token-required: the key returned by the publicKey resolver /);
    expect(handled).toHaveLength(0);
  });

  it('is asked on every cache hit, and a withdrawn key stops the cached token', async () => {
    let key: PublicKeyInput | undefined = KEYS.ed25519.publicKey;
    const { client } = createApp(express, tokenRequired({ publicKey: () => key, cache: true }));
    const token = pkToken('EdDSA', KEYS.ed25519.privateKey);
    await client.get('/protected').set('token', token).expect(200);
    await client.get('/protected').set('token', token).expect(200);
    key = undefined;
    await client.get('/protected').set('token', token).expect(401);
  });

  it('names itself when it does not settle within hookTimeout', async () => {
    const { client, errors } = createApp(express, tokenRequired({ publicKey: () => new Promise(() => undefined), hookTimeout: 30 }));
    await client.get('/protected').set('token', pkToken('ES256', KEYS.p256.privateKey)).expect(500);
    expect((errors[0] as Error).message).toBe('express-token-required: the publicKey resolver did not settle within 30 ms (hookTimeout)');
  });
});

describe('malformed public-key configurations are TypeErrors at start-up', () => {
  const encrypted = KEYS.p256.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
  const x25519 = generateKeyPairSync('x25519');

  it.each<[string, unknown, RegExp]>([
    [
      'jwks that is not a set',
      { jwks: [] },
      /option 'jwks' must be a JSON Web Key Set with at least one key, \{ keys: \[ … \] \} \(got an array\)/,
    ],
    ['jwks without keys', { jwks: {} }, /option 'jwks' must be a JSON Web Key Set/],
    ['jwks with an empty key list', { jwks: { keys: [] } }, /option 'jwks' must be a JSON Web Key Set with at least one key/],
    [
      'jwks with an entry that is no object',
      { jwks: { keys: [publicJwk(KEYS.p256), 'key'] } },
      /jwks keys\[1\] must be a JWK object \(got "key"\)/,
    ],
    [
      'jwks with a kid given twice',
      { jwks: { keys: [publicJwk(KEYS.p256, { kid: 'a' }), publicJwk(KEYS.p384, { kid: 'a' })] } },
      /option 'jwks' has two keys with kid "a"/,
    ],
    ['an empty publicKey array', { publicKey: [] }, /option 'publicKey' is an empty array; give at least one key/],
    ['the same public key twice', { publicKey: [KEYS.p256.publicKey, spkiPem(KEYS.p256)] }, /option 'publicKey' has two keys with the id /],
    [
      'an encrypted private key PEM',
      { keys: [{ kid: 'a', key: encrypted }] },
      /keys\[0\]\.key is an encrypted private key; decrypt it first/,
    ],
    [
      'a PEM that node:crypto cannot read',
      { publicKey: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n' },
      /option 'publicKey' is not a PEM key or certificate that node:crypto can read/,
    ],
    [
      'an X25519 key (key agreement, not signing)',
      { publicKey: x25519.publicKey },
      /option 'publicKey' is a x25519 key, which signs no JWS algorithm here/,
    ],
    [
      'a ring entry with both secret and key',
      { keys: [{ kid: 'a', secret: 's'.repeat(32), key: KEYS.p256.publicKey }] },
      /keys\[0\] has both 'secret' and 'key'; give one/,
    ],
    [
      'a JWK that is not a key',
      { publicKey: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } },
      /option 'publicKey' is not a JWK that node:crypto can read \(kty "EC"\)/,
    ],
  ])('%s', (_case, options, message) => {
    const build = () => tokenRequired(options as TokenRequiredOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('a signing key that is an encrypted PEM, for signToken too', () => {
    expect(() => signToken({}, { privateKey: encrypted })).toThrow(/option 'privateKey' is an encrypted private key; decrypt it first/);
  });
});

describe('the signature layer', () => {
  it.each([
    ['ES256 with an RSA key', 'ES256', KEYS.rsa.publicKey, 64],
    ['RS256 with an EC key', 'RS256', KEYS.p256.publicKey, 256],
    ['EdDSA with an RSA key', 'EdDSA', KEYS.rsa.publicKey, 64],
  ] as const)('answers false, never throws, for %s', (_case, alg, key, bytes) => {
    expect(verifySignature(alg, key, 'a.b', Buffer.alloc(bytes, 1).toString('base64url'))).toBe(false);
  });

  it('verifies what it signs for a matching key (the control)', async () => {
    const token = pkToken('ES256', KEYS.p256.privateKey);
    await expect(verifyToken(token, { publicKey: KEYS.p256.publicKey })).resolves.toMatchObject({ sub: '42' });
  });
});
