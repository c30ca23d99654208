// Key pairs and tokens for the public-key benchmarks, signed by hand with node:crypto (never by
// our signToken), with the node:crypto parameters of each algorithm written out here.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { smallPayload } from './tokens.js';

/** The public-key algorithms the benchmark measures. */
export const PUBLIC_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type PublicAlgorithm = (typeof PUBLIC_ALGORITHMS)[number];

/** What node:crypto's sign and verify need for each algorithm: the hash, then the key's options. */
export interface CryptoParams {
  readonly hash: 'sha256' | null;
  readonly padding?: number;
  readonly saltLength?: number;
  readonly dsaEncoding?: 'ieee-p1363';
}

export const CRYPTO_PARAMS: Readonly<Record<PublicAlgorithm, CryptoParams>> = {
  RS256: { hash: 'sha256' },
  // RFC 7518 §3.5: MGF1 with SHA-256, a salt as long as the hash.
  PS256: { hash: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  // RFC 7518 §3.4: the signature is R || S (64 bytes), not DER.
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null },
};

/** The key node:crypto's sign or verify takes: the KeyObject itself, or with its options (built once). */
export function cryptoKey(key: KeyObject, { hash: _hash, ...options }: CryptoParams): KeyObject | ({ key: KeyObject } & object) {
  return Object.keys(options).length === 0 ? key : { key, ...options };
}

export interface PublicKeyCase {
  readonly algorithm: PublicAlgorithm;
  /** The public key as a KeyObject, built once. */
  readonly key: KeyObject;
  /** The same key as an SPKI PEM string. */
  readonly pem: string;
  /** A valid token with the small payload of the HS rows. */
  readonly token: string;
}

export function keyPair(algorithm: PublicAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  switch (algorithm) {
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** A JWS over `payload` with `{ alg, typ: 'JWT' }` and any other `header` parameters (a `kid`), signed with node:crypto alone. */
export function signPublic(algorithm: PublicAlgorithm, privateKey: KeyObject, payload: object, header: object = {}): string {
  const params = CRYPTO_PARAMS[algorithm];
  const signingInput = `${b64url(JSON.stringify({ alg: algorithm, typ: 'JWT', ...header }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign(params.hash, Buffer.from(signingInput), cryptoKey(privateKey, params));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** A fresh key pair (RSA 2048, P-256, Ed25519) and a valid small token per algorithm. */
export function makePublicKeyCases(): PublicKeyCase[] {
  const payload = smallPayload();
  return PUBLIC_ALGORITHMS.map((algorithm) => {
    const { publicKey, privateKey } = keyPair(algorithm);
    return {
      algorithm,
      key: publicKey,
      pem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      token: signPublic(algorithm, privateKey, payload),
    };
  });
}
