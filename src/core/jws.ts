// The compact JWS serialisation (RFC 7515 §7.1): what signToken writes and the verifier reads,
// in one place. Signing and checking signatures is each algorithm family's (hmac.ts).
import { isRecord } from './options/validate.js';
import type { TokenPayload } from './types.js';

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
  const segments = splitJws(token);
  const header = segments && decodeSegment(segments.header);
  const payload = header && decodeSegment(segments.payload);
  return payload && { header, payload, signatureDot: segments.signatureDot };
}

/** The header and payload segments of a compact JWS, not decoded; `undefined` for anything else. */
export function splitJws(token: string): { readonly header: string; readonly payload: string; readonly signatureDot: number } | undefined {
  if (!COMPACT.test(token)) return undefined;
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  return { header: token.slice(0, first), payload: token.slice(first + 1, second), signatureDot: second };
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

/** JSON text as a base64url segment (UTF-8). */
export function encodeSegment(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}
