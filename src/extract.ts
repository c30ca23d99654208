// Finding the token in request headers. Framework-free: it takes Node's header record.
import { TokenError } from './errors.js';

/** Where a token was found: the named header, `Authorization: Bearer`, or the app's `getToken`. */
export type TokenSource = 'header' | 'bearer' | 'custom';

export interface FoundToken {
  readonly token: string;
  readonly source: TokenSource;
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

// RFC 6750 §2.1: `Bearer` (any case), then whitespace, then the token.
const BEARER = /^\s*bearer\s+/i;

/** Trimmed; empty or absent counts as missing (`undefined`). */
export function cleanToken(value: unknown): string | undefined {
  // Repeated headers arrive joined (`a, b`), which no JWT verifies; an array is treated the same way.
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
  const token = text?.trim();
  return token ? token : undefined;
}

/**
 * The token from the `header` header (lower-case name) and, when allowed, `Authorization: Bearer`.
 * Two different tokens are refused: RFC 6750 §2 lets a client use one method only, and
 * picking one would let a proxy's header and the client's disagree unnoticed.
 */
export function extractToken(headers: Headers, header: string, bearer: boolean): FoundToken | undefined {
  const fromHeader = cleanToken(headers[header]);
  const fromBearer = bearer ? bearerToken(headers.authorization) : undefined;
  if (fromHeader !== undefined && fromBearer !== undefined && fromHeader !== fromBearer) throw new TokenError('token_ambiguous');
  if (fromHeader !== undefined) return { token: fromHeader, source: 'header' };
  return fromBearer === undefined ? undefined : { token: fromBearer, source: 'bearer' };
}

function bearerToken(authorization: unknown): string | undefined {
  const value = cleanToken(authorization);
  const scheme = value === undefined ? null : BEARER.exec(value);
  return scheme ? cleanToken(value?.slice(scheme[0].length)) : undefined;
}
