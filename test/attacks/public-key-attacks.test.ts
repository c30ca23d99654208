// One row per known attack on public-key verification, each naming the CVE or RFC section it
// comes from. Every row runs against a real app on Express 5 and Express 4.
import { constants, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenRequired, verifyToken, type TokenRequiredOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import {
  CERT_EC,
  CERT_EC_PAIR,
  KEYS,
  nonCanonical,
  pkcs1PublicPem,
  pkToken,
  privateJwk,
  publicJwk,
  signatureOf,
  signingInput,
  spkiDer,
  spkiPem,
  validClaims,
  withSignature,
  type Pair,
  type PublicKeyAlgorithm,
} from '../helpers/keys.js';
import { b64url, makeToken, SECRET, validToken } from '../helpers/tokens.js';

const { rsa, rsaOther, rsaPss, p256, p256Other, p384, p521, ed25519, ed448, rsa1024 } = KEYS;
const attacker = { ec: p256Other, rsa: rsaOther };
const rsaJwk = publicJwk(rsa);

const t = (alg: PublicKeyAlgorithm, pair: Pair, header: Record<string, unknown> = {}): string => pkToken(alg, pair.privateKey, {}, header);
/** HS256 (or HS384/HS512) with any HMAC key, e.g. the server's public key in some encoding. */
const hmacWith = (key: string | Buffer, header: Record<string, unknown> = {}): string => makeToken(validClaims(), { secret: key, header });
/** A token whose signature segment is `bytes`, under `alg`. */
const signedAs = (alg: string, bytes: Buffer): string => `${signingInput(alg, validClaims())}.${bytes.toString('base64url')}`;
/** An ECDSA token of `alg` with its signature DER-encoded instead of R || S. */
const derSigned = (alg: 'ES256' | 'ES384' | 'ES512', pair: Pair): string => {
  const input = signingInput(alg, validClaims());
  return `${input}.${signatureOf(alg, pair.privateKey, input, 'der').toString('base64url')}`;
};
/** A valid ECDSA token whose raw signature bytes are changed by `edit`. */
const reshaped = (alg: PublicKeyAlgorithm, pair: Pair, edit: (signature: Buffer) => Buffer): string => {
  const token = t(alg, pair);
  return withSignature(token, edit(Buffer.from(token.split('.')[2]!, 'base64url')));
};
/** An unsigned token: alg none, with no signature or the original one. */
const unsigned = (alg: string, from: string, keepSignature: boolean): string => {
  const [, payload, signature] = from.split('.') as [string, string, string];
  return `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.${keepSignature ? signature : ''}`;
};
/** A valid token whose signature uses the standard base64 alphabet (+ and /) instead of - and _. */
const standardAlphabet = (alg: PublicKeyAlgorithm, pair: Pair): string => {
  for (let i = 0; ; i++) {
    const token = pkToken(alg, pair.privateKey, { n: i });
    const signature = token.split('.')[2]!;
    if (/[-_]/.test(signature)) return withSignature(token, signature.replace(/-/g, '+').replace(/_/g, '/'));
  }
};
/** A PS256 token whose PSS salt is `saltLength` bytes instead of the hash length (32). */
const pssSalt = (saltLength: number): string => {
  const input = signingInput('PS256', validClaims());
  const signature = cryptoSign('sha256', Buffer.from(input), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  return `${input}.${signature.toString('base64url')}`;
};
/** The P-256 group order n: r = s = n is ≡ 0 mod n, another zero signature. */
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

// URLs a token points at; nothing may ever fetch them. The trap serves the attacker's keys.
let fetched = 0;
let trap: Server;
let trapUrl = '';
beforeAll(async () => {
  trap = createServer((req, res) => {
    fetched++;
    res.setHeader('content-type', 'application/json');
    res.end(
      req.url?.includes('x5u')
        ? CERT_EC
        : JSON.stringify({ keys: [publicJwk(attacker.ec, { kid: 'attacker', alg: 'ES256', use: 'sig' })] }),
    );
  });
  await new Promise<void>((done) => trap.listen(0, '127.0.0.1', done));
  trapUrl = `http://127.0.0.1:${String((trap.address() as AddressInfo).port)}`;
});
afterAll(() => {
  trap.close();
  expect(fetched).toBe(0);
});

type Outcome = 'invalid' | 'accepted' | 'server error';

interface Attack {
  readonly attack: string;
  readonly source: string;
  readonly options: TokenRequiredOptions;
  /** Built lazily: some need the trap URL. */
  readonly token: () => string;
  readonly outcome: Outcome;
}

const CONFUSION = 'CVE-2015-9235, CVE-2016-10555, CVE-2022-23541 (HMAC with the public key)';
const SWAP = 'RFC 8725 §3.1, RFC 7518 §3.3 and §3.5 (one RSA key, two schemes)';
const PSYCHIC = 'CVE-2022-21449 (psychic signatures)';
const ENCODING = 'RFC 7518 §3.4 (ECDSA signature is R || S, fixed length)';
const CANONICAL = 'RFC 7515 §2 and §7.1 (base64url); one signature, one spelling';
const HEADERS = 'RFC 8725 §3.10, CVE-2018-0114 (keys named by the token are never used)';

// One row per line, as a table.
// prettier-ignore
const ATTACKS: Attack[] = [
  // Key confusion: an HS256 token whose HMAC key is the configured public key in some encoding.
  { attack: 'HS256 signed with the configured SPKI PEM', source: CONFUSION, options: { publicKey: spkiPem(rsa) }, token: () => hmacWith(spkiPem(rsa)), outcome: 'invalid' },
  { attack: 'HS256 signed with the PEM, the key given as a KeyObject', source: CONFUSION, options: { publicKey: rsa.publicKey }, token: () => hmacWith(spkiPem(rsa)), outcome: 'invalid' },
  { attack: 'HS256 signed with the PEM without its final newline', source: CONFUSION, options: { publicKey: spkiPem(rsa) }, token: () => hmacWith(spkiPem(rsa).trimEnd()), outcome: 'invalid' },
  { attack: 'HS256 signed with the configured BEGIN RSA PUBLIC KEY PEM', source: CONFUSION, options: { publicKey: pkcs1PublicPem(rsa) }, token: () => hmacWith(pkcs1PublicPem(rsa)), outcome: 'invalid' },
  { attack: 'HS256 signed with the SPKI DER bytes', source: CONFUSION, options: { publicKey: rsa.publicKey }, token: () => hmacWith(spkiDer(rsa)), outcome: 'invalid' },
  { attack: 'HS256 signed with the JWK JSON', source: CONFUSION, options: { publicKey: rsaJwk }, token: () => hmacWith(JSON.stringify(rsaJwk)), outcome: 'invalid' },
  { attack: 'HS256 signed with the modulus bytes', source: CONFUSION, options: { publicKey: rsaJwk }, token: () => hmacWith(Buffer.from(rsaJwk.n!, 'base64url')), outcome: 'invalid' },
  { attack: 'HS256 signed with the modulus as base64url text', source: CONFUSION, options: { publicKey: rsaJwk }, token: () => hmacWith(rsaJwk.n!), outcome: 'invalid' },
  { attack: 'HS512 signed with the configured SPKI PEM', source: CONFUSION, options: { publicKey: spkiPem(rsa) }, token: () => makeToken(validClaims(), { secret: spkiPem(rsa), header: { alg: 'HS512' } }), outcome: 'invalid' },
  { attack: 'HS256 signed with the configured P-256 PEM', source: CONFUSION, options: { publicKey: spkiPem(p256) }, token: () => hmacWith(spkiPem(p256)), outcome: 'invalid' },
  { attack: 'HS256 signed with the configured certificate PEM', source: CONFUSION, options: { publicKey: CERT_EC }, token: () => hmacWith(CERT_EC), outcome: 'invalid' },
  { attack: 'HS256 signed with the raw Ed25519 public key', source: CONFUSION, options: { publicKey: publicJwk(ed25519) }, token: () => hmacWith(Buffer.from(publicJwk(ed25519).x!, 'base64url')), outcome: 'invalid' },
  { attack: 'HS256 with a kid from the JWKS, signed with that JWK JSON', source: CONFUSION, options: { jwks: { keys: [publicJwk(rsa, { kid: 'r' })] } }, token: () => hmacWith(JSON.stringify(publicJwk(rsa, { kid: 'r' })), { kid: 'r' }), outcome: 'invalid' },
  { attack: 'HS256 signed with the PEM of a key in a publicKey array', source: CONFUSION, options: { publicKey: [spkiPem(p256), spkiPem(rsa)] }, token: () => hmacWith(spkiPem(rsa)), outcome: 'invalid' },
  { attack: 'HS256 signed with the PEM a resolver returns', source: CONFUSION, options: { publicKey: () => spkiPem(rsa) }, token: () => hmacWith(spkiPem(rsa)), outcome: 'invalid' },

  // RS256 ↔ PS256 and hash swaps against keys bound to one of them.
  { attack: 'PS256 token for an RSA key (RS256 by default)', source: SWAP, options: { publicKey: rsa.publicKey }, token: () => t('PS256', rsa), outcome: 'invalid' },
  { attack: 'PS256 token for an RSA key with algorithms [RS256]', source: SWAP, options: { publicKey: rsa.publicKey, algorithms: ['RS256'] }, token: () => t('PS256', rsa), outcome: 'invalid' },
  { attack: 'RS256 token for a JWK with alg PS256', source: SWAP, options: { publicKey: publicJwk(rsa, { alg: 'PS256' }) }, token: () => t('RS256', rsa), outcome: 'invalid' },
  { attack: 'PS384 token for a JWK with alg PS256', source: SWAP, options: { publicKey: publicJwk(rsa, { alg: 'PS256' }) }, token: () => t('PS384', rsa), outcome: 'invalid' },
  { attack: 'RS256 token by the same modulus for an rsa-pss key', source: SWAP, options: { publicKey: rsaPss.publicKey }, token: () => t('RS256', rsa), outcome: 'invalid' },
  { attack: 'a PS256 signature with an empty salt', source: 'RFC 7518 §3.5 (salt length = hash length)', options: { publicKey: rsa.publicKey, algorithms: ['PS256'] }, token: () => pssSalt(0), outcome: 'invalid' },
  { attack: 'a PS256 signature with a 64-byte salt', source: 'RFC 7518 §3.5 (salt length = hash length)', options: { publicKey: rsa.publicKey, algorithms: ['PS256'] }, token: () => pssSalt(64), outcome: 'invalid' },
  { attack: 'RS512 token for an RSA key with algorithms [RS256]', source: SWAP, options: { publicKey: rsa.publicKey, algorithms: ['RS256'] }, token: () => t('RS512', rsa), outcome: 'invalid' },

  // A token of another curve's algorithm, or another family.
  { attack: 'ES256 token for a P-384 key, signed by that key', source: 'RFC 7518 §3.4, RFC 8725 §3.1', options: { publicKey: p384.publicKey }, token: () => t('ES256', p384), outcome: 'invalid' },
  { attack: 'ES256 token signed by a P-256 key, for a P-384 key', source: 'RFC 7518 §3.4, RFC 8725 §3.1', options: { publicKey: p384.publicKey }, token: () => t('ES256', p256), outcome: 'invalid' },
  { attack: 'ES512 token for a P-256 key, signed by that key', source: 'RFC 7518 §3.4, RFC 8725 §3.1', options: { publicKey: p256.publicKey }, token: () => t('ES512', p256), outcome: 'invalid' },
  { attack: 'an EdDSA token against an RSA key', source: 'RFC 8725 §3.1', options: { publicKey: rsa.publicKey }, token: () => t('EdDSA', ed25519), outcome: 'invalid' },
  { attack: 'an Ed448 token against an Ed25519 key', source: 'RFC 8037 §3.1', options: { publicKey: ed25519.publicKey }, token: () => t('EdDSA', ed448), outcome: 'invalid' },
  { attack: 'an RS256 token against an Ed25519 key', source: 'RFC 8725 §3.1', options: { publicKey: ed25519.publicKey }, token: () => t('RS256', rsa), outcome: 'invalid' },

  // alg none with public keys.
  ...(['none', 'None', 'NONE'] as const).flatMap((alg): Attack[] => [
    { attack: `alg "${alg}" without a signature, RSA key`, source: 'CVE-2015-9235, RFC 8725 §3.1', options: { publicKey: rsa.publicKey }, token: () => unsigned(alg, t('RS256', rsa), false), outcome: 'invalid' },
    { attack: `alg "${alg}" with the original signature, P-256 key`, source: 'CVE-2015-9235, RFC 8725 §3.1', options: { publicKey: p256.publicKey }, token: () => unsigned(alg, t('ES256', p256), true), outcome: 'invalid' },
  ]),
  { attack: 'alg none with a JWKS', source: 'CVE-2015-9235', options: { jwks: { keys: [publicJwk(p256, { kid: 'a' })] } }, token: () => unsigned('none', t('ES256', p256, { kid: 'a' }), false), outcome: 'invalid' },
  { attack: 'alg none with a resolver', source: 'CVE-2015-9235', options: { publicKey: () => p256.publicKey }, token: () => unsigned('none', t('ES256', p256), false), outcome: 'invalid' },

  // ECDSA signatures that are not a valid R || S of the right length.
  { attack: 'an all-zero ES256 signature', source: PSYCHIC, options: { publicKey: p256.publicKey }, token: () => signedAs('ES256', Buffer.alloc(64)), outcome: 'invalid' },
  { attack: 'an all-zero ES384 signature', source: PSYCHIC, options: { publicKey: p384.publicKey }, token: () => signedAs('ES384', Buffer.alloc(96)), outcome: 'invalid' },
  { attack: 'an all-zero ES512 signature', source: PSYCHIC, options: { publicKey: p521.publicKey }, token: () => signedAs('ES512', Buffer.alloc(132)), outcome: 'invalid' },
  { attack: 'an ES256 signature with r = s = the group order', source: PSYCHIC, options: { publicKey: p256.publicKey }, token: () => signedAs('ES256', Buffer.concat([P256_ORDER, P256_ORDER])), outcome: 'invalid' },
  { attack: 'an empty ES256 signature', source: PSYCHIC, options: { publicKey: p256.publicKey }, token: () => signedAs('ES256', Buffer.alloc(0)), outcome: 'invalid' },
  { attack: 'a DER-encoded ES256 signature by the right key', source: ENCODING, options: { publicKey: p256.publicKey }, token: () => derSigned('ES256', p256), outcome: 'invalid' },
  { attack: 'a DER-encoded ES384 signature by the right key', source: ENCODING, options: { publicKey: p384.publicKey }, token: () => derSigned('ES384', p384), outcome: 'invalid' },
  { attack: 'a DER-encoded ES512 signature by the right key', source: ENCODING, options: { publicKey: p521.publicKey }, token: () => derSigned('ES512', p521), outcome: 'invalid' },
  { attack: 'a valid ES256 signature with a zero byte appended (65 bytes)', source: ENCODING, options: { publicKey: p256.publicKey }, token: () => reshaped('ES256', p256, (s) => Buffer.concat([s, Buffer.alloc(1)])), outcome: 'invalid' },
  { attack: 'a valid ES256 signature with a zero byte prepended (65 bytes)', source: ENCODING, options: { publicKey: p256.publicKey }, token: () => reshaped('ES256', p256, (s) => Buffer.concat([Buffer.alloc(1), s])), outcome: 'invalid' },
  { attack: 'a valid ES256 signature cut by one byte (63 bytes)', source: ENCODING, options: { publicKey: p256.publicKey }, token: () => reshaped('ES256', p256, (s) => s.subarray(0, 63)), outcome: 'invalid' },
  { attack: 'a valid ES512 signature cut by one byte (131 bytes)', source: ENCODING, options: { publicKey: p521.publicKey }, token: () => reshaped('ES512', p521, (s) => s.subarray(0, 131)), outcome: 'invalid' },
  { attack: 'a valid RS256 signature with a zero byte prepended', source: 'RFC 8017 §8.2.2 (signature length = modulus length)', options: { publicKey: rsa.publicKey }, token: () => reshaped('RS256', rsa, (s) => Buffer.concat([Buffer.alloc(1), s])), outcome: 'invalid' },

  // The same signature bytes spelt another way.
  { attack: 'RS256: the last signature character changed in its unused bits', source: CANONICAL, options: { publicKey: rsa.publicKey }, token: () => nonCanonical(t('RS256', rsa))!, outcome: 'invalid' },
  { attack: 'PS256: the last signature character changed in its unused bits', source: CANONICAL, options: { publicKey: rsa.publicKey, algorithms: ['PS256'] }, token: () => nonCanonical(t('PS256', rsa))!, outcome: 'invalid' },
  { attack: 'ES256: the last signature character changed in its unused bits', source: CANONICAL, options: { publicKey: p256.publicKey }, token: () => nonCanonical(t('ES256', p256))!, outcome: 'invalid' },
  { attack: 'EdDSA: the last signature character changed in its unused bits', source: CANONICAL, options: { publicKey: ed25519.publicKey }, token: () => nonCanonical(t('EdDSA', ed25519))!, outcome: 'invalid' },
  { attack: 'HS256: the last signature character changed in its unused bits', source: CANONICAL, options: { secret: SECRET }, token: () => nonCanonical(validToken())!, outcome: 'invalid' },
  { attack: 'HS512: the last signature character changed in its unused bits', source: CANONICAL, options: { secret: SECRET, algorithms: ['HS512'] }, token: () => nonCanonical(validToken({}, { header: { alg: 'HS512' } }))!, outcome: 'invalid' },
  { attack: 'RS256: the signature in the standard base64 alphabet', source: CANONICAL, options: { publicKey: rsa.publicKey }, token: () => standardAlphabet('RS256', rsa), outcome: 'invalid' },
  { attack: 'ES256: the signature with = padding', source: CANONICAL, options: { publicKey: p256.publicKey }, token: () => `${t('ES256', p256)}==`, outcome: 'invalid' },

  // A mixed ring: the kid picks the key, and the key decides the algorithm.
  { attack: 'an RS256 token whose kid names the HMAC secret of a mixed ring', source: 'RFC 8725 §3.1, §3.10', options: { keys: { current: 'hs', keys: { hs: SECRET, rs: rsa.publicKey } } }, token: () => t('RS256', rsa, { kid: 'hs' }), outcome: 'invalid' },
  { attack: "an HS256 token whose kid names the ring's RSA key, signed with its PEM", source: CONFUSION, options: { keys: { current: 'hs', keys: { hs: SECRET, rs: rsa.publicKey } } }, token: () => hmacWith(spkiPem(rsa), { kid: 'rs' }), outcome: 'invalid' },
  { attack: "an HS256 token with the ring's secret but the RSA key's kid", source: 'RFC 8725 §3.1', options: { keys: { current: 'hs', keys: { hs: SECRET, rs: rsa.publicKey } } }, token: () => validToken({}, { header: { kid: 'rs' } }), outcome: 'invalid' },
  { attack: 'an ES256 token whose kid names the HMAC secret', source: 'RFC 8725 §3.1', options: { keys: [{ kid: 'hs', secret: SECRET }, { kid: 'ec', key: p256.publicKey }] }, token: () => t('ES256', p256, { kid: 'hs' }), outcome: 'invalid' },

  // Keys the token names or carries are never used, and never fetched.
  { attack: "an embedded jwk with the attacker's EC key, signed by it", source: HEADERS, options: { publicKey: p256.publicKey }, token: () => t('ES256', attacker.ec, { jwk: publicJwk(attacker.ec) }), outcome: 'invalid' },
  { attack: "an embedded jwk with the attacker's RSA key, signed by it", source: HEADERS, options: { publicKey: rsa.publicKey }, token: () => t('RS256', attacker.rsa, { jwk: publicJwk(attacker.rsa) }), outcome: 'invalid' },
  { attack: 'an embedded jwk against a JWKS, without kid', source: HEADERS, options: { jwks: { keys: [publicJwk(p256, { kid: 'a' })] } }, token: () => t('ES256', attacker.ec, { jwk: publicJwk(attacker.ec) }), outcome: 'invalid' },
  { attack: 'an embedded jwk with the kid of a JWKS key', source: HEADERS, options: { jwks: { keys: [publicJwk(p256, { kid: 'a' })] } }, token: () => t('ES256', attacker.ec, { kid: 'a', jwk: publicJwk(attacker.ec, { kid: 'a' }) }), outcome: 'invalid' },
  { attack: "an x5c header with the attacker's certificate, signed by its key", source: HEADERS, options: { publicKey: p256.publicKey }, token: () => t('ES256', CERT_EC_PAIR, { x5c: [CERT_EC.replace(/-----[A-Z ]+-----|\s/g, '')] }), outcome: 'invalid' },
  { attack: "a jku header pointing at the attacker's JWKS", source: HEADERS, options: { publicKey: p256.publicKey }, token: () => t('ES256', attacker.ec, { kid: 'attacker', jku: `${trapUrl}/jwks.json` }), outcome: 'invalid' },
  { attack: 'a jku header with a JWKS verifier', source: HEADERS, options: { jwks: { keys: [publicJwk(p256, { kid: 'a' })] } }, token: () => t('ES256', attacker.ec, { kid: 'attacker', jku: `${trapUrl}/jwks.json` }), outcome: 'invalid' },
  { attack: "an x5u header pointing at the attacker's certificate", source: HEADERS, options: { publicKey: p256.publicKey }, token: () => t('ES256', CERT_EC_PAIR, { x5u: `${trapUrl}/x5u.pem` }), outcome: 'invalid' },
  { attack: 'a valid token that also carries jwk, jku, x5u and x5c', source: HEADERS + ' (ignored)', options: { publicKey: p256.publicKey }, token: () => t('ES256', p256, { jwk: publicJwk(attacker.ec), jku: `${trapUrl}/jwks.json`, x5u: `${trapUrl}/x5u.pem`, x5c: ['AAAA'] }), outcome: 'accepted' },

  // A resolver's key is checked when it is returned: the app's configuration error, not the client's.
  { attack: 'a resolver that returns a 1024-bit RSA key', source: 'RFC 7518 §3.3 (2048 bits or larger)', options: { publicKey: () => rsa1024.publicKey }, token: () => pkToken('RS256', rsa1024.privateKey), outcome: 'server error' },
  { attack: 'a resolver that returns a private key', source: 'a verifier needs only the public key', options: { publicKey: () => p256.privateKey }, token: () => t('ES256', p256), outcome: 'server error' },
];

describe.each(EXPRESS)('%s: public-key attacks', (_name, express) => {
  it.each(ATTACKS.map((row) => [`${row.attack} [${row.source}]`, row] as const))('%s', async (_title, row) => {
    const { client, handled, errors } = createApp(express, tokenRequired(row.options));
    const res = await client.post('/protected').set('token', row.token());
    expect(fetched).toBe(0);
    if (row.outcome === 'accepted') {
      expect(res.status).toBe(200);
      expect(handled).toHaveLength(1);
      return;
    }
    expect(handled).toHaveLength(0);
    if (row.outcome === 'server error') {
      expect([res.status, res.body]).toEqual([500, { error: 'handler' }]);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect((errors[0] as Error).message).not.toContain('BEGIN');
      return;
    }
    expect([res.status, res.body]).toEqual([401, ENVELOPE.invalid]);
  });
});

describe('public-key attacks on the configuration', () => {
  // prettier-ignore
  it.each<[string, string, unknown, RegExp[]]>([
    ['a 1024-bit RSA KeyObject', 'RFC 7518 §3.3 (2048 bits or larger)', { publicKey: rsa1024.publicKey }, [/1024/, /2048/]],
    ['a 1024-bit RSA PEM', 'RFC 7518 §3.3', { publicKey: spkiPem(rsa1024) }, [/1024/, /2048/]],
    ['a 1024-bit RSA key in a JWKS', 'RFC 7518 §3.3', { jwks: { keys: [publicJwk(rsa1024, { kid: 'weak' })] } }, [/1024/, /2048/, /weak/]],
    ['a JWKS with an oct key', 'RFC 8725 §3.1 (a shared secret published as a key)', { jwks: { keys: [publicJwk(p256, { kid: 'a' }), { kty: 'oct', kid: 'shared', k: b64url(SECRET) }] } }, [/shared/]],
    ['a JWKS with an oct key without kid', 'RFC 8725 §3.1', { jwks: { keys: [publicJwk(p256, { kid: 'a' }), publicJwk(rsa, { kid: 'r' }), { kty: 'oct', k: b64url(SECRET) }] } }, [/keys\[2\]/]],
    ['a JWKS with a private EC key', 'RFC 7517 §4 (a published set holds public keys)', { jwks: { keys: [privateJwk(p256, { kid: 'leaked-1' })] } }, [/leaked-1/]],
    ['a JWKS with a private RSA key', 'RFC 7517 §4', { jwks: { keys: [publicJwk(p256, { kid: 'a' }), privateJwk(rsa, { kid: 'rsa-private' })] } }, [/rsa-private/]],
    ['HS256 allowed beside only public keys', 'RFC 8725 §3.1 (a typo or a mismatch)', { publicKey: rsa.publicKey, algorithms: ['RS256', 'HS256'] }, []],
    ['a private key as publicKey', 'a verifier needs only the public key', { publicKey: privateJwk(ed25519) }, [/a verifier needs only the public key/]],
  ])('refuses %s at start-up [%s]', async (_case, _source, options, patterns) => {
    let thrown: unknown;
    try {
      tokenRequired(options as TokenRequiredOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    for (const pattern of [/^express-token-required: /, ...patterns]) expect((thrown as Error).message).toMatch(pattern);
    await expect(verifyToken(t('ES256', p256), options as TokenRequiredOptions)).rejects.toThrow(TypeError);
  });
});
