// Every key is bound to the algorithms it may verify when it is loaded, never by the token
// (RFC 8725 §3.1): which keys verify what, what is refused at start-up, and the key options
// publicKey (one key, an array, a resolver), jwks and a mixed keys ring.
import { createSecretKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  signToken,
  tokenRequired,
  TokenError,
  verifyToken,
  type Algorithm,
  type KeyRing,
  type PublicKeyInput,
  type PublicKeyResolver,
  type VerifyOptions,
} from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import {
  CERT_EC,
  CERT_EC_PAIR,
  KEYS,
  pkcs1PrivatePem,
  pkcs1PublicPem,
  pkcs8Pem,
  pkToken,
  privateJwk,
  publicJwk,
  sec1Pem,
  signByHand,
  spkiPem,
  validClaims,
  type Pair,
  type PublicKeyAlgorithm,
} from '../helpers/keys.js';
import { makeToken, SECRET, validToken } from '../helpers/tokens.js';

const { rsa, rsaPss, rsaPss384, p256, p256Other, p384, p521, ed25519, ed448, rsa1024, secp256k1 } = KEYS;
const RSA_ALGS: readonly Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PREFIX = /^express-token-required: /;

/** A token of `alg` signed with `pair` (for `ES*` with any curve: the hash follows `alg`). */
const t = (alg: PublicKeyAlgorithm, pair: Pair, header: Record<string, unknown> = {}): string => pkToken(alg, pair.privateKey, {}, header);

async function accepts(options: VerifyOptions, token: string): Promise<void> {
  await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
}

async function refuses(options: VerifyOptions, token: string): Promise<void> {
  const error = await verifyToken(token, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  expect((error as TokenError).reason).toBe('token_invalid');
}

/** `tokenRequired` throws a TypeError at start-up, and `verifyToken` rejects with one; the message matches every pattern. */
async function misconfigured(options: unknown, ...patterns: RegExp[]): Promise<void> {
  let thrown: unknown;
  try {
    tokenRequired(options as VerifyOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  const message = (thrown as Error).message;
  expect(message).toMatch(PREFIX);
  for (const pattern of patterns) expect(message).toMatch(pattern);
  await expect(verifyToken(t('ES256', p256), options as VerifyOptions)).rejects.toThrow(TypeError);
}

describe('what each key verifies', () => {
  it.each<[string, VerifyOptions, string[], string[]]>([
    [
      'a secret: HS256 only by default',
      { secret: SECRET },
      [validToken()],
      [validToken({}, { header: { alg: 'HS384' } }), t('RS256', rsa)],
    ],
    [
      'an RSA key: RS256 by default (PS* needs algorithms or a JWK alg)',
      { publicKey: rsa.publicKey },
      [t('RS256', rsa)],
      [t('RS384', rsa), t('RS512', rsa), t('PS256', rsa), t('PS384', rsa), t('PS512', rsa)],
    ],
    [
      'an RSA key with algorithms RS* and PS*',
      { publicKey: rsa.publicKey, algorithms: RSA_ALGS },
      RSA_ALGS.map((alg) => t(alg as PublicKeyAlgorithm, rsa)),
      [],
    ],
    [
      'an RSA key with algorithms [PS256]',
      { publicKey: rsa.publicKey, algorithms: ['PS256'] },
      [t('PS256', rsa)],
      [t('RS256', rsa), t('PS384', rsa)],
    ],
    [
      'an RSA key with algorithms [RS384]: an allow-list on top',
      { publicKey: rsa.publicKey, algorithms: ['RS384'] },
      [t('RS384', rsa)],
      [t('RS256', rsa)],
    ],
    // rsaPss has rsa's modulus: the RS256 token carries a valid PKCS#1 v1.5 signature by the same key.
    [
      'an rsa-pss key: PS256 by default, never RS*',
      { publicKey: rsaPss.publicKey },
      [t('PS256', rsaPss), t('PS256', rsa)],
      [t('RS256', rsa), t('PS384', rsa)],
    ],
    [
      'an rsa-pss key with algorithms PS*',
      { publicKey: rsaPss.publicKey, algorithms: ['PS256', 'PS384', 'PS512'] },
      [t('PS256', rsa), t('PS384', rsa), t('PS512', rsa)],
      [t('RS256', rsa)],
    ],
    ['an rsa-pss key whose parameters fix SHA-384: PS384', { publicKey: rsaPss384.publicKey }, [t('PS384', rsaPss384)], []],
    ['a P-256 key: ES256 only', { publicKey: p256.publicKey }, [t('ES256', p256)], [t('ES384', p256), t('ES512', p256)]],
    ['a P-384 key: ES384 only', { publicKey: p384.publicKey }, [t('ES384', p384)], [t('ES256', p384), t('ES512', p384)]],
    ['a P-521 key: ES512 only', { publicKey: p521.publicKey }, [t('ES512', p521)], [t('ES256', p521), t('ES384', p521)]],
    ['an Ed25519 key: EdDSA', { publicKey: ed25519.publicKey }, [t('EdDSA', ed25519)], [validToken()]],
    ['an Ed448 key: EdDSA', { publicKey: ed448.publicKey }, [t('EdDSA', ed448)], [validToken()]],
    [
      'a JWK with alg PS384: PS384 only',
      { publicKey: publicJwk(rsa, { alg: 'PS384' }) },
      [t('PS384', rsa)],
      [t('RS256', rsa), t('PS256', rsa)],
    ],
    ['a JWK with alg RS512: RS512 only', { publicKey: publicJwk(rsa, { alg: 'RS512' }) }, [t('RS512', rsa)], [t('RS256', rsa)]],
    [
      'a JWK with alg ES256, use sig and key_ops [verify]',
      { publicKey: publicJwk(p256, { alg: 'ES256', use: 'sig', key_ops: ['verify'] }) },
      [t('ES256', p256)],
      [],
    ],
    ['an OKP JWK with alg EdDSA', { publicKey: publicJwk(ed25519, { alg: 'EdDSA' }) }, [t('EdDSA', ed25519)], []],
  ])('%s', async (_case, options, accepted, refused) => {
    for (const token of accepted) await accepts(options, token);
    for (const token of refused) await refuses(options, token);
  });
});

describe('a token never chooses its key type', () => {
  it.each<[string, VerifyOptions, string]>([
    ['HS256 with only an RSA public key configured', { publicKey: rsa.publicKey }, validToken()],
    ['HS256 signed with the PEM of the configured RSA key', { publicKey: spkiPem(rsa) }, validToken({}, { secret: spkiPem(rsa) })],
    ['HS256 signed with the PEM of the configured P-256 key', { publicKey: spkiPem(p256) }, validToken({}, { secret: spkiPem(p256) })],
    ['HS256 with only an Ed25519 key', { publicKey: ed25519.publicKey }, validToken()],
    ['RS256 with only a secret configured', { secret: SECRET }, t('RS256', rsa)],
    ['ES256 with only a secret configured', { secret: SECRET }, t('ES256', p256)],
    ['EdDSA with only a secret configured', { secret: SECRET }, t('EdDSA', ed25519)],
    ['an ES384 token for a P-256 key, signed by that key', { publicKey: p256.publicKey }, t('ES384', p256)],
    ['an ES384 token for a P-256 key, algorithms [ES256]', { publicKey: p256.publicKey, algorithms: ['ES256'] }, t('ES384', p256)],
    ['an EdDSA token for an RSA key', { publicKey: rsa.publicKey }, t('EdDSA', ed25519)],
    ['an ES256 token for an RSA key', { publicKey: rsa.publicKey, algorithms: RSA_ALGS }, t('ES256', p256)],
  ])('%s: Invalid Token', async (_case, options, token) => {
    await refuses(options, token);
  });
});

describe('refused at start-up', () => {
  it.each<[string, unknown, RegExp[]]>([
    ['a 1024-bit RSA KeyObject', { publicKey: rsa1024.publicKey }, [/1024/, /2048/]],
    ['a 1024-bit RSA PEM', { publicKey: spkiPem(rsa1024) }, [/1024/, /2048/]],
    ['a 1024-bit RSA JWK', { publicKey: publicJwk(rsa1024) }, [/1024/, /2048/]],
    ['a 1024-bit RSA key in an array', { publicKey: [rsa.publicKey, rsa1024.publicKey] }, [/1024/, /2048/]],
    ['a 1024-bit RSA key in a ring', { keys: { current: 'a', keys: { a: rsa1024.publicKey } } }, [/1024/, /2048/]],
    ['a secp256k1 KeyObject', { publicKey: secp256k1.publicKey }, []],
    ['a secp256k1 PEM', { publicKey: spkiPem(secp256k1) }, []],
    ['a secp256k1 JWK', { publicKey: publicJwk(secp256k1) }, []],
    [
      'a P-256 JWK with alg ES384',
      { publicKey: { kty: 'EC', crv: 'P-256', x: publicJwk(p256).x, y: publicJwk(p256).y, alg: 'ES384' } },
      [],
    ],
    ['a P-384 JWK with alg ES256', { publicKey: publicJwk(p384, { alg: 'ES256' }) }, []],
    ['an RSA JWK with alg ES256', { publicKey: publicJwk(rsa, { alg: 'ES256' }) }, []],
    ['an RSA JWK with alg HS256', { publicKey: publicJwk(rsa, { alg: 'HS256' }) }, []],
    ['an RSA JWK with alg none', { publicKey: publicJwk(rsa, { alg: 'none' }) }, []],
    ['an OKP JWK with alg ES256', { publicKey: publicJwk(ed25519, { alg: 'ES256' }) }, []],
    ['a JWK with use enc', { publicKey: publicJwk(p256, { use: 'enc' }) }, []],
    ['a JWK whose key_ops lack verify', { publicKey: publicJwk(p256, { key_ops: ['encrypt'] }) }, []],
    ['a JWK with empty key_ops', { publicKey: publicJwk(p256, { key_ops: [] }) }, []],
    ['algorithms an RSA key may not verify', { publicKey: rsa.publicKey, algorithms: ['RS256', 'ES256'] }, []],
    ['algorithms a P-256 key may not verify', { publicKey: p256.publicKey, algorithms: ['ES256', 'ES384'] }, []],
    ['RS256 for an rsa-pss key', { publicKey: rsaPss.publicKey, algorithms: ['RS256'] }, []],
    ['HS256 for an Ed25519 key', { publicKey: ed25519.publicKey, algorithms: ['HS256'] }, []],
    ['RS256 for a secret', { secret: SECRET, algorithms: ['RS256'] }, []],
    ['RS256 for a JWK narrowed to PS256', { publicKey: publicJwk(rsa, { alg: 'PS256' }), algorithms: ['PS256', 'RS256'] }, []],
    [
      'ES512 for an array of P-256 and P-384 keys',
      { publicKey: [p256.publicKey, p384.publicKey], algorithms: ['ES256', 'ES384', 'ES512'] },
      [],
    ],
    ['RS256 for a JWKS of EC keys', { jwks: { keys: [publicJwk(p256, { kid: 'a' })] }, algorithms: ['RS256'] }, []],
    [
      'RS256 for a ring of a secret and an EC key',
      { keys: { current: 'h', keys: { h: SECRET, e: p256.publicKey } }, algorithms: ['HS256', 'RS256'] },
      [],
    ],
    ['a PEM as secret', { secret: spkiPem(rsa) }, []],
    ['a JWK as secret', { secret: JSON.stringify(publicJwk(rsa)) }, []],
  ])('%s', async (_case, options, patterns) => {
    await misconfigured(options, ...patterns);
  });

  it('accepts the algorithms that some key may verify', async () => {
    await accepts({ publicKey: [p256.publicKey, p384.publicKey], algorithms: ['ES256', 'ES384'] }, t('ES384', p384));
    await accepts(
      { keys: { current: 'h', keys: { h: SECRET, e: p256.publicKey } }, algorithms: ['HS256', 'ES256'] },
      t('ES256', p256, { kid: 'e' }),
    );
  });
});

describe('publicKey forms', () => {
  it.each<[string, PublicKeyInput, string]>([
    ['an SPKI PEM string (RSA)', spkiPem(rsa), t('RS256', rsa)],
    ['an SPKI PEM Buffer (P-256)', Buffer.from(spkiPem(p256)), t('ES256', p256)],
    ['an SPKI PEM string (P-384)', spkiPem(p384), t('ES384', p384)],
    ['an SPKI PEM string (P-521)', spkiPem(p521), t('ES512', p521)],
    ['an SPKI PEM string (Ed25519)', spkiPem(ed25519), t('EdDSA', ed25519)],
    ['an SPKI PEM string (Ed448)', spkiPem(ed448), t('EdDSA', ed448)],
    ['an SPKI PEM string (rsa-pss)', spkiPem(rsaPss), t('PS256', rsaPss)],
    ['a BEGIN RSA PUBLIC KEY string', pkcs1PublicPem(rsa), t('RS256', rsa)],
    ['a BEGIN RSA PUBLIC KEY Buffer', Buffer.from(pkcs1PublicPem(rsa)), t('RS256', rsa)],
    ['an X.509 BEGIN CERTIFICATE string (its public key is used)', CERT_EC, t('ES256', CERT_EC_PAIR)],
    ['an X.509 BEGIN CERTIFICATE Buffer', Buffer.from(CERT_EC), t('ES256', CERT_EC_PAIR)],
    ['a public RSA JWK', publicJwk(rsa), t('RS256', rsa)],
    ['a public EC JWK', publicJwk(p521), t('ES512', p521)],
    ['a public OKP JWK (Ed448)', publicJwk(ed448), t('EdDSA', ed448)],
    ['a public KeyObject (RSA)', rsa.publicKey, t('RS256', rsa)],
    ['a public KeyObject (P-256)', p256.publicKey, t('ES256', p256)],
    ['a public KeyObject (Ed25519)', ed25519.publicKey, t('EdDSA', ed25519)],
  ])('%s', async (_case, publicKey, token) => {
    await accepts({ publicKey }, token);
  });

  it('a certificate does not verify tokens of another key', async () => {
    await refuses({ publicKey: CERT_EC }, t('ES256', p256));
  });

  it.each<[string, unknown]>([
    ['a private KeyObject', p256.privateKey],
    ['a BEGIN PRIVATE KEY PEM', pkcs8Pem(ed25519)],
    ['a BEGIN PRIVATE KEY Buffer', Buffer.from(pkcs8Pem(p384))],
    ['a BEGIN RSA PRIVATE KEY PEM', pkcs1PrivatePem(rsa)],
    ['a BEGIN EC PRIVATE KEY PEM', sec1Pem(p256)],
    ['a private JWK', privateJwk(p256)],
    ['a private RSA JWK', privateJwk(rsa)],
    ['a private key in an array', [rsa.publicKey, p256.privateKey]],
  ])('%s as publicKey: a verifier needs only the public key', async (_case, publicKey) => {
    await misconfigured({ publicKey }, /a verifier needs only the public key/);
  });

  it.each<[string, unknown]>([
    ['a secret string', SECRET],
    ['a secret KeyObject', createSecretKey(Buffer.from(SECRET))],
  ])('%s as publicKey points to the secret option', async (_case, publicKey) => {
    await misconfigured({ publicKey }, /secret/);
  });

  it('an oct JWK as publicKey', async () => {
    await misconfigured({ publicKey: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } });
  });
});

describe('publicKey as an array (rotation)', () => {
  const a = publicJwk(p256, { kid: 'a' });
  const b = publicJwk(p256Other, { kid: 'b' });

  it('a kid naming one key: that key only', async () => {
    const options: VerifyOptions = { publicKey: [a, b] };
    await accepts(options, t('ES256', p256, { kid: 'a' }));
    await accepts(options, t('ES256', p256Other, { kid: 'b' }));
    await refuses(options, t('ES256', p256Other, { kid: 'a' }));
    await refuses(options, t('ES256', p256, { kid: 'b' }));
  });

  it('another kid, or none: each key that may verify the alg', async () => {
    const options: VerifyOptions = { publicKey: [a, b, rsa.publicKey] };
    for (const header of [{}, { kid: 'zzz' }]) {
      await accepts(options, t('ES256', p256, header));
      await accepts(options, t('ES256', p256Other, header));
      await accepts(options, t('RS256', rsa, header));
      // A P-256 key not in the array.
      await refuses(options, t('ES256', CERT_EC_PAIR, header));
    }
  });

  it('a key without a kid (PEM, KeyObject, JWK) is named by its RFC 7638 thumbprint', async () => {
    const thumbA = await calculateJwkThumbprint(publicJwk(p256));
    const thumbB = await calculateJwkThumbprint(publicJwk(p256Other));
    const thumbRsa = await calculateJwkThumbprint(publicJwk(rsa));
    const options: VerifyOptions = { publicKey: [spkiPem(p256), p256Other.publicKey, publicJwk(rsa)] };
    await accepts(options, t('ES256', p256, { kid: thumbA }));
    await accepts(options, t('ES256', p256Other, { kid: thumbB }));
    await accepts(options, t('RS256', rsa, { kid: thumbRsa }));
    await refuses(options, t('ES256', p256Other, { kid: thumbA }));
    await refuses(options, t('ES256', p256, { kid: thumbB }));
  });

  it('a single publicKey ignores the token kid', async () => {
    await accepts({ publicKey: a }, t('ES256', p256, { kid: 'b' }));
    await accepts({ publicKey: p256.publicKey }, t('ES256', p256, { kid: 'anything' }));
    await accepts({ publicKey: spkiPem(p256) }, t('ES256', p256, { kid: await calculateJwkThumbprint(publicJwk(p256Other)) }));
  });
});

describe('publicKey as a resolver', () => {
  it('is called with the header and payload, and its key is bound as any other', async () => {
    const seen: unknown[] = [];
    const options: VerifyOptions = {
      publicKey: (header, payload) => {
        seen.push([header.kid, payload.sub]);
        return header.kid === 'rsa' ? rsa.publicKey : p256.publicKey;
      },
    };
    await accepts(options, t('ES256', p256, { kid: 'ec' }));
    await accepts(options, t('RS256', rsa, { kid: 'rsa' }));
    // The key decides: the RSA key's default is RS256, the P-256 key's ES256 only.
    await refuses(options, t('PS256', rsa, { kid: 'rsa' }));
    await refuses(options, t('ES384', p256, { kid: 'ec' }));
    await refuses(options, validToken({}, { secret: spkiPem(rsa), header: { kid: 'rsa' } }));
    expect(seen.slice(0, 2)).toEqual([
      ['ec', '42'],
      ['rsa', '42'],
    ]);
  });

  it('may return a promise, a PEM or a JWK', async () => {
    await accepts({ publicKey: () => Promise.resolve(ed448.publicKey) }, t('EdDSA', ed448));
    await accepts({ publicKey: () => spkiPem(p384) }, t('ES384', p384));
    await accepts({ publicKey: () => Promise.resolve(publicJwk(rsa, { alg: 'PS512' })) }, t('PS512', rsa));
  });

  it('algorithms that no key known at start-up may verify are allowed with a resolver, still an allow-list', async () => {
    const options: VerifyOptions = { publicKey: () => p384.publicKey, algorithms: ['ES384', 'RS256'] };
    expect(() => tokenRequired(options)).not.toThrow();
    await accepts(options, t('ES384', p384));
    await refuses({ publicKey: () => p256.publicKey, algorithms: ['ES384'] }, t('ES256', p256));
  });

  it.each<[string, PublicKeyResolver]>([
    ['undefined', () => undefined],
    ['null', () => null],
    ['a promise of undefined', () => Promise.resolve(undefined)],
  ])('%s is Invalid Token', async (_case, resolve) => {
    await refuses({ publicKey: resolve }, t('ES256', p256));
  });

  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it('undefined → 401 Invalid Token; the key → 200', async () => {
      const { client, handled } = createApp(
        express,
        tokenRequired({ publicKey: (header) => (header.kid === 'k' ? p256.publicKey : undefined) }),
      );
      await client
        .get('/protected')
        .set('token', t('ES256', p256, { kid: 'k' }))
        .expect(200);
      const res = await client
        .get('/protected')
        .set('token', t('ES256', p256, { kid: 'x' }))
        .expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(handled).toHaveLength(1);
    });

    it.each<[string, PublicKeyResolver]>([
      ['a private key', () => p256.privateKey],
      ['a secret', () => SECRET],
      ['a 1024-bit RSA key', () => rsa1024.publicKey],
      ['a secp256k1 key', () => secp256k1.publicKey],
      ['a JWK with use enc', () => publicJwk(p256, { use: 'enc' })],
      ['a JWK whose alg does not fit', () => Promise.resolve(publicJwk(p256, { alg: 'ES384' }))],
    ])('a key that breaks the rules (%s) is next(err): 500 through the error handler', async (_case, resolve) => {
      const { client, handled, errors } = createApp(express, tokenRequired({ publicKey: resolve }));
      const res = await client.get('/protected').set('token', t('ES256', p256)).expect(500);
      expect(res.body).toEqual({ error: 'handler' });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect((errors[0] as Error).message).toMatch(PREFIX);
      expect(handled).toHaveLength(0);
    });
  });
});

describe('jwks', () => {
  const a = publicJwk(p256, { kid: 'a' });
  const b = publicJwk(p256Other, { kid: 'b' });
  const r = publicJwk(rsa, { kid: 'r' });

  it("the token's kid selects the key; an unknown kid is Invalid Token", async () => {
    const options: VerifyOptions = { jwks: { keys: [a, b, r] } };
    await accepts(options, t('ES256', p256, { kid: 'a' }));
    await accepts(options, t('ES256', p256Other, { kid: 'b' }));
    await accepts(options, t('RS256', rsa, { kid: 'r' }));
    await refuses(options, t('ES256', p256Other, { kid: 'a' }));
    await refuses(options, t('ES256', p256, { kid: 'c' }));
    await refuses(options, t('ES256', p256, { kid: 'r' }));
  });

  it('a token without kid verifies only when exactly one key may verify its alg', async () => {
    const options: VerifyOptions = { jwks: { keys: [a, b, r] } };
    await accepts(options, t('RS256', rsa));
    await refuses(options, t('ES256', p256));
    await refuses(options, t('ES256', p256Other));
    await accepts({ jwks: { keys: [a, r] } }, t('ES256', p256));
  });

  it('each key is bound to its JWK alg or its default; algorithms is an allow-list on top', async () => {
    const options: VerifyOptions = { jwks: { keys: [publicJwk(rsa, { kid: 'ps', alg: 'PS256' }), r] } };
    await accepts(options, t('PS256', rsa, { kid: 'ps' }));
    await refuses(options, t('RS256', rsa, { kid: 'ps' }));
    await refuses(options, t('PS256', rsa, { kid: 'r' }));
    await refuses({ jwks: { keys: [a, r] }, algorithms: ['ES256'] }, t('RS256', rsa, { kid: 'r' }));
  });

  it.each<[string, unknown[], RegExp]>([
    ['an oct key, by its kid', [a, { kty: 'oct', kid: 'hmac-1', k: Buffer.from(SECRET).toString('base64url') }], /hmac-1/],
    ['an oct key without kid, by its index', [a, b, { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') }], /keys\[2\]/],
    ['a private EC key (d)', [a, privateJwk(p384, { kid: 'leaked' })], /leaked/],
    ['a private RSA key without kid', [a, b, privateJwk(rsa)], /keys\[2\]/],
    ['an RSA key with a private member p only', [{ ...r, kid: 'only-p', p: 'AQAB' }], /only-p/],
    ['a 1024-bit RSA key', [a, publicJwk(rsa1024, { kid: 'small' })], /small/],
    ['a secp256k1 key without kid', [a, b, publicJwk(secp256k1)], /keys\[2\]/],
    ['a P-256 key with alg ES384', [publicJwk(p256, { kid: 'mismatch', alg: 'ES384' })], /mismatch/],
    ['a key with use enc', [a, publicJwk(p384, { kid: 'encryption', use: 'enc' })], /encryption/],
  ])('%s is a TypeError naming the key', async (_case, keys, name) => {
    await misconfigured({ jwks: { keys } }, name);
  });
});

describe('exactly one key option', () => {
  it.each<[string, Record<string, unknown>]>([
    ['secret and publicKey', { secret: SECRET, publicKey: rsa.publicKey }],
    ['publicKey and jwks', { publicKey: rsa.publicKey, jwks: { keys: [publicJwk(rsa, { kid: 'r' })] } }],
    ['jwks and keys', { jwks: { keys: [publicJwk(rsa, { kid: 'r' })] }, keys: { current: 'k', keys: { k: SECRET } } }],
    ['publicKey and keys', { publicKey: p256.publicKey, keys: [{ kid: 'k', secret: SECRET }] }],
    [
      'all four',
      {
        secret: SECRET,
        publicKey: p256.publicKey,
        jwks: { keys: [publicJwk(p256, { kid: 'a' })] },
        keys: { current: 'k', keys: { k: SECRET } },
      },
    ],
  ])('%s: a TypeError naming each one given', async (_case, options) => {
    await misconfigured(options, ...Object.keys(options).map((name) => new RegExp(`\\b${name}\\b`)));
  });

  it.each<[string, Record<string, unknown>]>([
    ['secret and privateKey', { secret: SECRET, privateKey: p256.privateKey }],
    ['privateKey and keys', { privateKey: p256.privateKey, keys: { current: 'k', keys: { k: SECRET } } }],
    ['all three', { secret: SECRET, privateKey: rsa.privateKey, keys: [{ kid: 'k', secret: SECRET }] }],
  ])('signToken with %s: a TypeError naming each one given', (_case, options) => {
    let thrown: unknown;
    try {
      signToken({ sub: '42' }, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(PREFIX);
    for (const name of Object.keys(options)) expect((thrown as Error).message).toMatch(new RegExp(`\\b${name}\\b`));
  });
});

describe('a keys ring mixing an HS256 secret and an ES256 key', () => {
  const forms: [string, KeyRing][] = [
    ['the map form', { current: 'k2', keys: { k1: SECRET, k2: p256.privateKey } }],
    [
      'the array form',
      [
        { kid: 'k2', key: p256.privateKey },
        { kid: 'k1', secret: SECRET },
      ],
    ],
  ];

  it.each(forms)('%s: the kid picks the key, and the key decides the algorithm', async (_form, keys) => {
    const options: VerifyOptions = { keys };
    await accepts(options, validToken({}, { header: { kid: 'k1' } }));
    // A private key in the ring verifies with its public half.
    await accepts(options, t('ES256', p256, { kid: 'k2' }));
    await refuses(options, validToken({}, { header: { kid: 'k2' } }));
    await refuses(options, t('ES256', p256, { kid: 'k1' }));
    await refuses(options, validToken({}, { header: { kid: 'k2' }, secret: spkiPem(p256) }));
    await refuses(options, t('ES256', p256));
  });

  it.each(forms)('%s: signToken signs with the current key (ES256, kid k2)', async (_form, keys) => {
    const token = signToken({ sub: '42' }, { keys });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256', kid: 'k2' });
    await accepts({ publicKey: p256.publicKey }, token);
    await accepts({ keys }, token);
  });

  it('signToken with a secret as current signs HS256 with its kid', async () => {
    const keys = { current: 'k1', keys: { k1: SECRET, k2: p256.privateKey } };
    const token = signToken({ sub: '42' }, { keys });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256', kid: 'k1' });
    await accepts({ secret: SECRET }, token);
  });

  it('a public key in the ring verifies; signToken needs the current key to be a secret or a private key', async () => {
    const keys = { current: 'k2', keys: { k1: SECRET, k2: p256.publicKey } };
    await accepts({ keys }, t('ES256', p256, { kid: 'k2' }));
    expect(() => signToken({ sub: '42' }, { keys })).toThrow(TypeError);
    expect(() => signToken({ sub: '42' }, { keys: [{ kid: 'k2', key: rsa.publicKey }] })).toThrow(TypeError);
  });

  it.each<[string, unknown]>([
    ['a PEM given as { kid, secret }', [{ kid: 'k', secret: pkcs8Pem(p256) }]],
    ['a 1024-bit RSA key given as { kid, key }', [{ kid: 'k', key: rsa1024.privateKey }]],
    ['a secp256k1 key in the map form', { current: 'k', keys: { k: secp256k1.publicKey } }],
  ])('refuses %s', async (_case, keys) => {
    await misconfigured({ keys });
  });

  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it('HS256 with kid k1 and ES256 with kid k2 → 200; crossed → 401', async () => {
      const { client, handled } = createApp(express, tokenRequired({ keys: { current: 'k2', keys: { k1: SECRET, k2: p256.privateKey } } }));
      await client
        .get('/protected')
        .set('token', validToken({}, { header: { kid: 'k1' } }))
        .expect(200);
      await client
        .get('/protected')
        .set('token', t('ES256', p256, { kid: 'k2' }))
        .expect(200);
      for (const token of [
        makeToken(validClaims(), { header: { kid: 'k2' } }),
        signByHand('ES256', p256.privateKey, validClaims(), { kid: 'k1' }),
      ]) {
        const res = await client.get('/protected').set('token', token).expect(401);
        expect(res.body).toEqual(ENVELOPE.invalid);
      }
      expect(handled).toHaveLength(2);
    });
  });
});
