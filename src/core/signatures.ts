// Signing and checking signatures, one implementation per family of the table of algorithms,
// with node:crypto alone. The key is already bound to the algorithm (keys/bind.ts): nothing
// here decides which key may do what.
import { constants, sign as signWith, verify as verifyWith, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type Algorithm, type AlgorithmOf } from './algorithms.js';
import { hmac, hmacMatches } from './hmac.js';

/** The crypto options of a public-key algorithm: its hash, and the padding or encoding of its family. */
function options(algorithm: Algorithm, key: KeyObject) {
  const spec = ALGORITHMS[algorithm];
  switch (spec.family) {
    case 'RSASSA-PSS':
      return { hash: spec.hash, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.saltLength } };
    case 'ECDSA':
      // RFC 7518 §3.4: JOSE's `R || S`, not DER.
      return { hash: spec.hash, key: { key, dsaEncoding: 'ieee-p1363' as const } };
    case 'EdDSA':
      return { hash: null, key };
    default:
      return { hash: spec.hash, key };
  }
}

const MODULUS_BYTES = new WeakMap<KeyObject, number>();

/** The RSA modulus of a key, in bytes (read once per key: `asymmetricKeyDetails` builds an object). */
function modulusBytes(key: KeyObject): number {
  let bytes = MODULUS_BYTES.get(key);
  if (bytes === undefined) {
    bytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    MODULUS_BYTES.set(key, bytes);
  }
  return bytes;
}

/** The base64url signature of a signing input (`header.payload`). */
export function sign(algorithm: Algorithm, key: KeyObject, signingInput: string): string {
  if (ALGORITHMS[algorithm].family === 'HMAC') return hmac(algorithm as AlgorithmOf<'HMAC'>, key, signingInput);
  const { hash, key: signingKey } = options(algorithm, key);
  return signWith(hash, Buffer.from(signingInput), signingKey).toString('base64url');
}

/**
 * Whether `signature` (base64url text) is a valid signature of `signingInput` under `key`.
 * The text must be canonical base64url (re-encoding its bytes gives the same text), so that
 * no two spellings of one signature verify; an ECDSA signature must have its fixed length
 * (a DER-encoded one never does), and an RSA one the length of the modulus.
 */
export function verifySignature(algorithm: Algorithm, key: KeyObject, signingInput: string, signature: string): boolean {
  const spec = ALGORITHMS[algorithm];
  if (spec.family === 'HMAC') return hmacMatches(algorithm as AlgorithmOf<'HMAC'>, key, signingInput, signature);
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.toString('base64url') !== signature) return false;
  if (spec.family === 'ECDSA' && bytes.length !== spec.signatureBytes) return false;
  // RFC 8017 §8.1.2, §8.2.2: an RSA signature is exactly as long as the modulus. OpenSSL's PSS
  // check also takes one without its leading zero bytes: a second spelling of one signature.
  if ((spec.family === 'RSASSA-PSS' || spec.family === 'RSASSA-PKCS1-v1_5') && bytes.length !== modulusBytes(key)) return false;
  const { hash, key: verifyingKey } = options(algorithm, key);
  try {
    return verifyWith(hash, Buffer.from(signingInput), verifyingKey, bytes);
  } catch {
    // OpenSSL refuses some malformed signatures by throwing rather than answering false.
    return false;
  }
}
