// The compact JWS with HMAC (RFC 7515 §7.1, RFC 7518 §3.2), with node:crypto alone: what
// signToken writes and the verifier reads, in one place.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { isRecord } from './check.js';
import type { Algorithm, TokenPayload } from './types.js';

const HASH: Readonly<Record<Algorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** The base64url HMAC of a signing input (`header.payload`). */
export function hmac(algorithm: Algorithm, key: KeyObject, input: string): string {
  return createHmac(HASH[algorithm], key).update(input).digest('base64url');
}

/** A token read but not yet verified. */
export interface Jws<Header = Readonly<Record<string, unknown>>> {
  readonly header: Header;
  readonly payload: TokenPayload;
  /** The index of the dot before the signature: the signing input ends there. */
  readonly signatureDot: number;
}

// Three dot-separated base64url segments (the signature may be empty: it then never matches).
// Checked first, so nothing below sees a stray character that Node's lenient decoder would skip.
const COMPACT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Splits and decodes a token without verifying it: `undefined` unless it is a compact JWS
 * whose header and payload are JSON objects.
 */
export function decodeJws(token: string): Jws | undefined {
  if (!COMPACT.test(token)) return undefined;
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = decodeSegment(token.slice(0, first));
  const payload = header && decodeSegment(token.slice(first + 1, second));
  return payload && { header, payload, signatureDot: second };
}

/** A base64url segment holding a JSON object (UTF-8, RFC 7515 §5.2), or `undefined`. */
export function decodeSegment(segment: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
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
