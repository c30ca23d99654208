// Key pairs for every public-key algorithm, in every form the options take, and tokens made
// without the code under test: by hand with node:crypto, and by jose.
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type JsonWebKey as NodeJwk,
  type KeyObject,
} from 'node:crypto';
import { SignJWT } from 'jose';
import { b64url, now } from './tokens.js';

/** The public-key algorithms of RFC 7518 §3.3–3.5 and RFC 8037. */
export type PublicKeyAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export interface Pair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const rsa = (modulusLength: number): Pair => generateKeyPairSync('rsa', { modulusLength });
const ec = (namedCurve: string): Pair => generateKeyPairSync('ec', { namedCurve });

/** A minimal DER encoder: one tag, its length, its body. */
function der(tag: number, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** The same RSA key as an `rsa-pss` key (PKCS#8 with the id-RSASSA-PSS OID, no parameters). */
function asRsaPss(plain: Pair): Pair {
  const pkcs1 = plain.privateKey.export({ type: 'pkcs1', format: 'der' });
  const oid = der(0x06, Buffer.from('2a864886f70d01010a', 'hex'));
  const pkcs8 = der(0x30, der(0x02, Buffer.from([0])), der(0x30, oid), der(0x04, pkcs1));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const RSA = rsa(2048);

/** Generated once per test file. */
export const KEYS = {
  rsa: RSA,
  /** A second RSA key, for "signed by another key" cases. */
  rsaOther: rsa(2048),
  /** Below the 2048-bit minimum. */
  rsa1024: rsa(1024),
  /** `rsa-pss` with no parameters: the same modulus as `rsa`. */
  rsaPss: asRsaPss(RSA),
  /** `rsa-pss` whose parameters fix SHA-384 (salt 48): PS384 only. */
  rsaPss384: generateKeyPairSync('rsa-pss', {
    modulusLength: 2048,
    hashAlgorithm: 'sha384',
    mgf1HashAlgorithm: 'sha384',
    // @types/node 20 types saltLength as a string; node:crypto takes the number of bytes.
    saltLength: 48 as unknown as string,
  }),
  p256: ec('P-256'),
  p256Other: ec('P-256'),
  p384: ec('P-384'),
  p521: ec('P-521'),
  /** Refused: no JOSE algorithm of this library uses it. */
  secp256k1: ec('secp256k1'),
  ed25519: generateKeyPairSync('ed25519'),
  ed448: generateKeyPairSync('ed448'),
} as const;

export type KeyName = keyof typeof KEYS;

// --- Forms -------------------------------------------------------------------------------------

/** `-----BEGIN PUBLIC KEY-----` (SPKI). */
export const spkiPem = (pair: Pair): string => pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** SPKI DER bytes. */
export const spkiDer = (pair: Pair): Buffer => pair.publicKey.export({ type: 'spki', format: 'der' });
/** `-----BEGIN PRIVATE KEY-----` (PKCS#8). */
export const pkcs8Pem = (pair: Pair): string => pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1), RSA only. */
export const pkcs1PublicPem = (pair: Pair): string => pair.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
/** `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1), RSA only. */
export const pkcs1PrivatePem = (pair: Pair): string => pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
/** `-----BEGIN EC PRIVATE KEY-----` (SEC 1), EC only. */
export const sec1Pem = (pair: Pair): string => pair.privateKey.export({ type: 'sec1', format: 'pem' }).toString();

/** A JWK as plain data (node:crypto's own JWK type, so nothing here depends on the code under test). */
export type Jwk = NodeJwk & { kty: string } & Record<string, unknown>;

/** The public JWK (not for rsa-pss keys, which JWK cannot express), plus any members. */
export const publicJwk = (pair: Pair, extra: Record<string, unknown> = {}): Jwk => ({
  ...(pair.publicKey.export({ format: 'jwk' }) as Jwk),
  ...extra,
});
/** The private JWK (with `d`, and `p`, `q`, … for RSA), plus any members. */
export const privateJwk = (pair: Pair, extra: Record<string, unknown> = {}): Jwk => ({
  ...(pair.privateKey.export({ format: 'jwk' }) as Jwk),
  ...extra,
});

/** The JWK members that hold private key material (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

// A self-signed X.509 certificate for a P-256 key and for an RSA 2048 key, made once with
// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 36500`; with their keys.
export const CERT_EC = `-----BEGIN CERTIFICATE-----
MIIBozCCAUmgAwIBAgIUVRrtiaiIaDElCokLvH6xPbmk2TEwCgYIKoZIzj0EAwIw
JjEkMCIGA1UEAwwbZXhwcmVzcy10b2tlbi1yZXF1aXJlZCB0ZXN0MCAXDTI2MTIw
MTIzNTkyOVoYDzIxMjYxMTA3MjM1OTI5WjAmMSQwIgYDVQQDDBtleHByZXNzLXRv
a2VuLXJlcXVpcmVkIHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQtzE3/
xlLS9Svsgv3kubWa1P4jYKwD/zbrrOqexhnK1859XPb475RMOkJLbb9r84vhcoQU
DDjEf3nN0ia+Yz39o1MwUTAdBgNVHQ4EFgQUDILbNPb0yERwhB4FsjSSkyHrQJAw
HwYDVR0jBBgwFoAUDILbNPb0yERwhB4FsjSSkyHrQJAwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNIADBFAiBVaKJuY46LFviweriugF2g/1nKgolu9fN9MLlB
i/S6xAIhAMHA7IG0jpzAW1/BOkbWoF24YXUeERoJimsxz/BCrs4b
-----END CERTIFICATE-----
`;
const CERT_EC_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZxse+6OnGpyDJ3do
gg3lzCEtEG2qHSJsj5LHVhU3B1qhRANCAAQtzE3/xlLS9Svsgv3kubWa1P4jYKwD
/zbrrOqexhnK1859XPb475RMOkJLbb9r84vhcoQUDDjEf3nN0ia+Yz39
-----END PRIVATE KEY-----
`;
/** The certificate's key pair (ES256). */
export const CERT_EC_PAIR: Pair = (() => {
  const privateKey = createPrivateKey(CERT_EC_KEY);
  return { privateKey, publicKey: createPublicKey(privateKey) };
})();

// --- Tokens by hand ----------------------------------------------------------------------------

const HASH: Record<PublicKeyAlgorithm, 'sha256' | 'sha384' | 'sha512' | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};
const HASH_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const;

/** node:crypto's options for one algorithm's signature: PSS salt = hash length, ECDSA as R || S. */
function keyOptions(alg: PublicKeyAlgorithm, key: KeyObject, dsaEncoding: 'ieee-p1363' | 'der') {
  const hash = HASH[alg];
  if (alg.startsWith('PS') && hash) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[hash] };
  if (alg.startsWith('ES')) return { key, dsaEncoding };
  return { key };
}

/** The raw signature of `input` (JOSE encoding by default; `der` for the DER-ECDSA attack). */
export function signatureOf(
  alg: PublicKeyAlgorithm,
  key: KeyObject,
  input: string,
  dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): Buffer {
  return cryptoSign(HASH[alg], Buffer.from(input), keyOptions(alg, key, dsaEncoding));
}

/** Whether `token` carries a valid `alg` signature by `key`'s private half (an independent verifier). */
export function verifiesByHand(token: string, alg: PublicKeyAlgorithm, key: KeyObject): boolean {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return cryptoVerify(
    HASH[alg],
    Buffer.from(`${header}.${payload}`),
    keyOptions(alg, key, 'ieee-p1363'),
    Buffer.from(signature, 'base64url'),
  );
}

/** The signing input `header.payload` for any header (alg first, then typ JWT) and payload. */
export function signingInput(alg: string, payload: unknown, header: Record<string, unknown> = {}): string {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return `${b64url(JSON.stringify({ alg, typ: 'JWT', ...header }))}.${b64url(body)}`;
}

/** Signs any payload with any header by hand with node:crypto (`header.alg` may be overridden to lie). */
export function signByHand(alg: PublicKeyAlgorithm, key: KeyObject, payload: unknown, header: Record<string, unknown> = {}): string {
  const input = signingInput(alg, payload, header);
  return `${input}.${signatureOf(alg, key, input).toString('base64url')}`;
}

/** Claims of a valid token: `sub` '42', an hour left. */
export const validClaims = (claims: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: '42',
  iat: now(),
  exp: now() + 3600,
  ...claims,
});

/** A valid token by hand: `sub` '42', an hour left, plus any claims and header members. */
export function pkToken(
  alg: PublicKeyAlgorithm,
  key: KeyObject,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  return signByHand(alg, key, validClaims(claims), header);
}

/** A valid token made by jose (`SignJWT`), which cannot sign with Ed448 or an rsa-pss KeyObject. */
export function joseToken(
  alg: PublicKeyAlgorithm,
  key: KeyObject,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(validClaims(claims)).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

/** A token's decoded header. */
export const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

/** A token's decoded payload. */
export const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** Replaces a token's signature segment. */
export const withSignature = (token: string, signature: string | Buffer): string =>
  `${token.slice(0, token.lastIndexOf('.'))}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The token with its signature's last character changed in the bits base64url leaves unused,
 * so the text differs but decodes to the same bytes; `undefined` when no bit is unused
 * (a signature whose length is a multiple of 3 bytes).
 */
export function nonCanonical(token: string): string | undefined {
  const signature = token.slice(token.lastIndexOf('.') + 1);
  const unusedBits = (signature.length * 6) % 8;
  if (unusedBits === 0) return undefined;
  const last = ALPHABET.indexOf(signature.at(-1)!);
  return withSignature(token, signature.slice(0, -1) + ALPHABET[last ^ 1]!);
}

/** One signing case per algorithm and key: EdDSA twice, for Ed25519 and Ed448. */
export interface SignerCase {
  readonly name: string;
  readonly alg: PublicKeyAlgorithm;
  readonly pair: Pair;
  /** Whether jose 6 can sign with it (not Ed448). */
  readonly jose: boolean;
}

export const SIGNERS: readonly SignerCase[] = [
  { name: 'RS256', alg: 'RS256', pair: KEYS.rsa, jose: true },
  { name: 'RS384', alg: 'RS384', pair: KEYS.rsa, jose: true },
  { name: 'RS512', alg: 'RS512', pair: KEYS.rsa, jose: true },
  { name: 'PS256', alg: 'PS256', pair: KEYS.rsa, jose: true },
  { name: 'PS384', alg: 'PS384', pair: KEYS.rsa, jose: true },
  { name: 'PS512', alg: 'PS512', pair: KEYS.rsa, jose: true },
  { name: 'ES256 (P-256)', alg: 'ES256', pair: KEYS.p256, jose: true },
  { name: 'ES384 (P-384)', alg: 'ES384', pair: KEYS.p384, jose: true },
  { name: 'ES512 (P-521)', alg: 'ES512', pair: KEYS.p521, jose: true },
  { name: 'EdDSA (Ed25519)', alg: 'EdDSA', pair: KEYS.ed25519, jose: true },
  { name: 'EdDSA (Ed448)', alg: 'EdDSA', pair: KEYS.ed448, jose: false },
];

/** Signature lengths in bytes: RFC 7518 §3.4 (R || S), RFC 8032 (Ed25519 64, Ed448 114), RSA = modulus. */
export const SIGNATURE_BYTES: Record<string, number> = {
  RS256: 256,
  RS384: 256,
  RS512: 256,
  PS256: 256,
  PS384: 256,
  PS512: 256,
  'ES256 (P-256)': 64,
  'ES384 (P-384)': 96,
  'ES512 (P-521)': 132,
  'EdDSA (Ed25519)': 64,
  'EdDSA (Ed448)': 114,
};
