// signToken with a private key, and publicJwks: the public keys a verifier needs, with the
// kid and alg signToken writes under the same options.
import { createSecretKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  publicJwks,
  signToken,
  tokenRequired,
  verifyToken,
  type JsonWebKey,
  type JsonWebKeySet,
  type PrivateKeyInput,
  type PublicJwksOptions,
} from '../../src/index.js';
import { createApp, EXPRESS } from '../helpers/app.js';
import {
  CERT_EC,
  headerOf,
  KEYS,
  payloadOf,
  pkcs1PrivatePem,
  pkcs8Pem,
  PRIVATE_MEMBERS,
  privateJwk,
  publicJwk,
  sec1Pem,
  spkiPem,
  verifiesByHand,
  type Pair,
  type PublicKeyAlgorithm,
} from '../helpers/keys.js';
import { SECRET } from '../helpers/tokens.js';

const { rsa, rsaPss, rsaPss384, p256, p384, p521, ed25519, ed448, rsa1024, secp256k1 } = KEYS;
const PREFIX = /^express-token-required: /;

const thumbprint = (pair: Pair): Promise<string> => calculateJwkThumbprint(publicJwk(pair));

function signError(options: unknown): unknown {
  try {
    signToken({ sub: '42' }, options as never);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('signToken with privateKey', () => {
  it.each<[string, PrivateKeyInput, Pair, PublicKeyAlgorithm]>([
    ['a BEGIN PRIVATE KEY PEM (RSA)', pkcs8Pem(rsa), rsa, 'RS256'],
    ['a BEGIN RSA PRIVATE KEY PEM', pkcs1PrivatePem(rsa), rsa, 'RS256'],
    ['a BEGIN PRIVATE KEY PEM (rsa-pss)', pkcs8Pem(rsaPss), rsaPss, 'PS256'],
    ['a private rsa-pss KeyObject fixed to SHA-384', rsaPss384.privateKey, rsaPss384, 'PS384'],
    ['a BEGIN EC PRIVATE KEY PEM (P-256)', sec1Pem(p256), p256, 'ES256'],
    ['a BEGIN PRIVATE KEY PEM (P-384)', pkcs8Pem(p384), p384, 'ES384'],
    ['a BEGIN EC PRIVATE KEY Buffer (P-521)', Buffer.from(sec1Pem(p521)), p521, 'ES512'],
    ['a BEGIN PRIVATE KEY PEM (Ed25519)', pkcs8Pem(ed25519), ed25519, 'EdDSA'],
    ['a BEGIN PRIVATE KEY Buffer (Ed448)', Buffer.from(pkcs8Pem(ed448)), ed448, 'EdDSA'],
    ['a private RSA JWK', privateJwk(rsa), rsa, 'RS256'],
    ['a private RSA JWK with alg PS512', privateJwk(rsa, { alg: 'PS512' }), rsa, 'PS512'],
    ['a private EC JWK', privateJwk(p384), p384, 'ES384'],
    ['a private OKP JWK', privateJwk(ed25519), ed25519, 'EdDSA'],
    ['a private JWK with use sig and key_ops [sign]', privateJwk(p256, { use: 'sig', key_ops: ['sign'] }), p256, 'ES256'],
    ['a private KeyObject (RSA)', rsa.privateKey, rsa, 'RS256'],
    ['a private KeyObject (P-521)', p521.privateKey, p521, 'ES512'],
    ['a private KeyObject (Ed448)', ed448.privateKey, ed448, 'EdDSA'],
  ])('%s signs with the key’s own algorithm by default', async (_case, privateKey, pair, alg) => {
    const token = signToken({ sub: '42' }, { privateKey });
    expect(headerOf(token)).toMatchObject({ alg, typ: 'JWT' });
    expect(verifiesByHand(token, alg, pair.publicKey)).toBe(true);
    await expect(verifyToken(token, { publicKey: pair.publicKey, algorithms: [alg] })).resolves.toEqual(payloadOf(token));
  });

  it('writes the claims as with a secret: iat, exp an hour later, a random jti', () => {
    const token = signToken({ sub: '42', admin: true }, { privateKey: p256.privateKey, issuer: 'auth.example' });
    const payload = payloadOf(token);
    expect(payload).toMatchObject({ sub: '42', admin: true, iss: 'auth.example' });
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each<[string, PrivateKeyInput, PublicKeyAlgorithm, Pair]>([
    ['PS384 with an RSA key', rsa.privateKey, 'PS384', rsa],
    ['RS512 with an RSA PEM', pkcs8Pem(rsa), 'RS512', rsa],
    ['PS512 with an rsa-pss key', rsaPss.privateKey, 'PS512', rsaPss],
    ['ES256 with a P-256 JWK', privateJwk(p256), 'ES256', p256],
  ])('algorithm %s: signs with it when it fits the key', (_case, privateKey, algorithm, pair) => {
    const token = signToken({ sub: '42' }, { privateKey, algorithm });
    expect(headerOf(token).alg).toBe(algorithm);
    expect(verifiesByHand(token, algorithm, pair.publicKey)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, RegExp[]]>([
    ['ES384 for a P-256 key', { privateKey: p256.privateKey, algorithm: 'ES384' }, []],
    ['ES256 for an RSA key', { privateKey: rsa.privateKey, algorithm: 'ES256' }, []],
    ['HS256 for an RSA key', { privateKey: pkcs8Pem(rsa), algorithm: 'HS256' }, []],
    ['RS256 for an rsa-pss key', { privateKey: rsaPss.privateKey, algorithm: 'RS256' }, []],
    ['RS256 for an Ed25519 key', { privateKey: ed25519.privateKey, algorithm: 'RS256' }, []],
    ['EdDSA for a P-521 key', { privateKey: p521.privateKey, algorithm: 'EdDSA' }, []],
    ['RS256 for a private JWK with alg PS256', { privateKey: privateJwk(rsa, { alg: 'PS256' }), algorithm: 'RS256' }, []],
    ['a private P-256 JWK with alg ES384', { privateKey: privateJwk(p256, { alg: 'ES384' }) }, []],
    ['a private JWK with use enc', { privateKey: privateJwk(p256, { use: 'enc' }) }, []],
    ['a private JWK whose key_ops lack sign', { privateKey: privateJwk(p256, { key_ops: ['verify'] }) }, []],
    ['a 1024-bit RSA key', { privateKey: rsa1024.privateKey }, [/1024/, /2048/]],
    ['a 1024-bit RSA PEM', { privateKey: pkcs1PrivatePem(rsa1024) }, [/1024/, /2048/]],
    ['a secp256k1 key', { privateKey: secp256k1.privateKey }, []],
    ['a secp256k1 JWK', { privateKey: privateJwk(secp256k1) }, []],
    ['a public KeyObject', { privateKey: p256.publicKey }, []],
    ['a public PEM', { privateKey: spkiPem(rsa) }, []],
    ['a public JWK', { privateKey: publicJwk(ed25519) }, []],
    ['a certificate', { privateKey: CERT_EC }, []],
    ['a secret string', { privateKey: SECRET }, []],
    ['a secret KeyObject', { privateKey: createSecretKey(Buffer.from(SECRET)) }, []],
    ['an oct JWK', { privateKey: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } }, []],
  ])('refuses %s with a TypeError', (_case, options, patterns) => {
    const error = signError(options);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(PREFIX);
    for (const pattern of patterns) expect((error as Error).message).toMatch(pattern);
  });
});

describe('the kid signToken writes', () => {
  it('keyid when given', () => {
    expect(headerOf(signToken({}, { privateKey: p256.privateKey, keyid: 'signing-2026' })).kid).toBe('signing-2026');
    expect(headerOf(signToken({}, { privateKey: privateJwk(p256, { kid: 'own' }), keyid: 'given' })).kid).toBe('given');
  });

  it("else the private JWK's own kid", () => {
    expect(headerOf(signToken({}, { privateKey: privateJwk(rsa, { kid: 'rsa-1' }) })).kid).toBe('rsa-1');
  });

  it('else the thumbprint of an rsa-pss key: that of its RSA JWK (kty, n, e)', async () => {
    // rsaPss has rsa's modulus and exponent.
    expect(headerOf(signToken({}, { privateKey: rsaPss.privateKey })).kid).toBe(await thumbprint(rsa));
  });

  it.each<[string, PrivateKeyInput, Pair]>([
    ['a private KeyObject (P-256)', p256.privateKey, p256],
    ['a PKCS#8 PEM (RSA)', pkcs8Pem(rsa), rsa],
    ['a PKCS#1 PEM (RSA)', pkcs1PrivatePem(rsa), rsa],
    ['a SEC 1 PEM (P-384)', sec1Pem(p384), p384],
    ['a private JWK without kid (Ed25519)', privateJwk(ed25519), ed25519],
    ['a private KeyObject (Ed448)', ed448.privateKey, ed448],
  ])('else the RFC 7638 thumbprint of the key: %s', async (_case, privateKey, pair) => {
    const kid = headerOf(signToken({}, { privateKey })).kid;
    expect(kid).toBe(await thumbprint(pair));
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

const publicOnly = (jwk: JsonWebKey): void => {
  for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
};
const byKid = (set: JsonWebKeySet): JsonWebKey[] => [...set.keys].sort((a, b) => String(a.kid).localeCompare(String(b.kid)));

describe('publicJwks', () => {
  it('from a private key: its public JWK with kid (the thumbprint), alg and use sig', async () => {
    const set = publicJwks({ privateKey: p256.privateKey });
    expect(set.keys).toHaveLength(1);
    const [jwk] = set.keys as [JsonWebKey];
    const { kty, crv, x, y } = publicJwk(p256);
    expect(jwk).toMatchObject({ kty, crv, x, y, kid: await thumbprint(p256), alg: 'ES256', use: 'sig' });
    publicOnly(jwk);
    expect(JSON.parse(JSON.stringify(set))).toEqual(set);
  });

  it.each<[string, PrivateKeyInput, Pair, PublicKeyAlgorithm]>([
    ['an RSA PEM', pkcs8Pem(rsa), rsa, 'RS256'],
    ['a private RSA JWK', privateJwk(rsa), rsa, 'RS256'],
    ['a P-521 SEC 1 PEM', sec1Pem(p521), p521, 'ES512'],
    ['an Ed25519 KeyObject', ed25519.privateKey, ed25519, 'EdDSA'],
    ['an Ed448 PEM', pkcs8Pem(ed448), ed448, 'EdDSA'],
  ])('from %s: never a private member', async (_case, privateKey, pair, alg) => {
    const [jwk] = publicJwks({ privateKey }).keys as [JsonWebKey];
    expect(jwk).toMatchObject({ ...publicJwk(pair), kid: await thumbprint(pair), alg, use: 'sig' });
    publicOnly(jwk);
  });

  it('from an rsa-pss key: an RSA JWK with alg PS256', async () => {
    const { kty, n, e } = publicJwk(rsa);
    const [jwk] = publicJwks({ privateKey: rsaPss.privateKey }).keys as [JsonWebKey];
    expect(jwk).toMatchObject({ kty, n, e, kid: await thumbprint(rsa), alg: 'PS256', use: 'sig' });
    publicOnly(jwk);
  });

  it('the kid is the one signToken writes: keyid, else the JWK kid, else the thumbprint', () => {
    for (const options of [
      { privateKey: rsa.privateKey, keyid: 'k-2026' },
      { privateKey: privateJwk(p384, { kid: 'own' }) },
      { privateKey: ed25519.privateKey },
    ] as PublicJwksOptions[]) {
      expect(publicJwks(options).keys[0]!.kid).toBe(headerOf(signToken({}, options)).kid);
    }
    expect(publicJwks({ privateKey: rsa.privateKey, keyid: 'k-2026' }).keys[0]!.kid).toBe('k-2026');
  });

  it('the alg is the one signToken signs with: a PS256 signer publishes PS256', () => {
    expect(publicJwks({ privateKey: rsa.privateKey, algorithm: 'PS256' }).keys[0]).toMatchObject({ kty: 'RSA', alg: 'PS256', use: 'sig' });
    expect(publicJwks({ privateKey: privateJwk(rsa, { alg: 'PS384' }) }).keys[0]!.alg).toBe('PS384');
    expect(publicJwks({ privateKey: rsa.privateKey }).keys[0]!.alg).toBe('RS256');
  });

  it.each<[string, unknown, RegExp[]]>([
    ['an algorithm that does not fit the key', { privateKey: p256.privateKey, algorithm: 'ES384' }, []],
    ['RS256 for an Ed25519 key', { privateKey: ed25519.privateKey, algorithm: 'RS256' }, []],
    ['a 1024-bit RSA key', { privateKey: rsa1024.privateKey }, [/1024/, /2048/]],
    ['a secp256k1 key', { privateKey: secp256k1.privateKey }, []],
    ['a ring with a 1024-bit RSA key', { keys: { current: 'a', keys: { a: p256.privateKey, b: rsa1024.publicKey } } }, [/1024/, /2048/]],
    [
      'a ring whose current key does not fit the algorithm',
      { keys: { current: 'a', keys: { a: p256.privateKey } }, algorithm: 'RS256' },
      [],
    ],
  ])('refuses %s with a TypeError', (_case, options, patterns) => {
    let thrown: unknown;
    try {
      publicJwks(options as PublicJwksOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(PREFIX);
    for (const pattern of patterns) expect((thrown as Error).message).toMatch(pattern);
  });

  it('from a keys ring: the public keys by kid, each with its alg; never a secret', () => {
    const set = publicJwks({
      keys: {
        current: 'k2',
        keys: { k1: SECRET, k2: p256.privateKey, k3: rsa.publicKey, k4: publicJwk(rsa, { alg: 'PS384' }), k5: ed448.publicKey },
      },
    });
    const keys = byKid(set);
    expect(keys.map((jwk) => [jwk.kid, jwk.kty, jwk.alg, jwk.use])).toEqual([
      ['k2', 'EC', 'ES256', 'sig'],
      ['k3', 'RSA', 'RS256', 'sig'],
      ['k4', 'RSA', 'PS384', 'sig'],
      ['k5', 'OKP', 'EdDSA', 'sig'],
    ]);
    for (const jwk of keys) publicOnly(jwk);
    expect(JSON.stringify(set)).not.toContain(SECRET);
    expect(JSON.stringify(set)).not.toContain(Buffer.from(SECRET).toString('base64url'));
  });

  it('from a ring with algorithm: the current key publishes that algorithm, the others their own', () => {
    const keys = byKid(
      publicJwks({
        keys: [
          { kid: 'a', key: rsa.privateKey },
          { kid: 'b', key: p384.publicKey },
          { kid: 's', secret: SECRET },
        ],
        algorithm: 'PS256',
      }),
    );
    expect(keys.map((jwk) => [jwk.kid, jwk.alg])).toEqual([
      ['a', 'PS256'],
      ['b', 'ES384'],
    ]);
  });

  it('from a ring whose current key is a secret: the others only', () => {
    const keys = byKid(publicJwks({ keys: { current: 's', keys: { s: SECRET, e: p256.publicKey } } }));
    expect(keys.map((jwk) => jwk.kid)).toEqual(['e']);
  });

  it.each<[string, PublicJwksOptions]>([
    ['an RSA key', { privateKey: rsa.privateKey }],
    ['an RSA key signing PS256', { privateKey: rsa.privateKey, algorithm: 'PS256' }],
    ['an RSA JWK signing PS512', { privateKey: privateJwk(rsa), algorithm: 'PS512' }],
    ['a P-256 PEM with keyid', { privateKey: sec1Pem(p256), keyid: 'ec-1' }],
    ['a P-384 key', { privateKey: p384.privateKey }],
    ['a P-521 key', { privateKey: p521.privateKey }],
    ['an Ed25519 key', { privateKey: ed25519.privateKey }],
    ['an Ed448 key', { privateKey: ed448.privateKey }],
    [
      'a ring whose current key is an EC private key',
      { keys: { current: 'k2', keys: { k1: SECRET, k2: p256.privateKey, k3: rsa.publicKey } } },
    ],
  ])('a token signToken signs with %s verifies against jwks: publicJwks(the same options)', async (_case, options) => {
    const token = signToken({ sub: '42' }, options);
    const jwks = publicJwks(options);
    await expect(verifyToken(token, { jwks })).resolves.toEqual(payloadOf(token));
    for (const [, express] of EXPRESS) {
      const { client, handled } = createApp(express, tokenRequired({ jwks }));
      await client.get('/protected').set('token', token).expect(200);
      expect(handled).toHaveLength(1);
    }
  });
});
