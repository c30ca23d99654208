// The HMAC family (RFC 7518 §3.2): how HS256/384/512 sign and verify, with node:crypto alone.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type AlgorithmOf } from './algorithms.js';

/** The base64url HMAC of a signing input (`header.payload`). */
export function hmac(algorithm: AlgorithmOf<'HMAC'>, key: KeyObject, signingInput: string): string {
  return createHmac(ALGORITHMS[algorithm].hash, key).update(signingInput).digest('base64url');
}

/**
 * Whether the signature is the HMAC of the signing input under `key`. The base64url text is
 * compared, not the bytes it decodes to: otherwise a signature with a changed last character
 * (its unused low bits) would still verify. Constant time, so no timing tells how much matched.
 */
export function hmacMatches(algorithm: AlgorithmOf<'HMAC'>, key: KeyObject, signingInput: string, signature: string): boolean {
  const expected = hmac(algorithm, key, signingInput);
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
