// The HMAC family (RFC 7518 §3.2): how HS256/384/512 sign and verify, with node:crypto alone.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type Algorithm } from './algorithms.js';
import type { Jws } from './jws.js';

/** The base64url HMAC of a signing input (`header.payload`). */
export function hmac(algorithm: Algorithm, key: KeyObject, input: string): string {
  return createHmac(ALGORITHMS[algorithm].hash, key).update(input).digest('base64url');
}

/**
 * Whether the signature is the HMAC of the signing input under `key`. The base64url text is
 * compared, not the bytes it decodes to: otherwise a signature with a changed last character
 * (its unused low bits) would still verify. Constant time, so no timing tells how much matched.
 */
export function signatureMatches(token: string, jws: Jws, algorithm: Algorithm, key: KeyObject): boolean {
  const expected = hmac(algorithm, key, token.slice(0, jws.signatureDot));
  const given = token.slice(jws.signatureDot + 1);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
