// Finding the token in request headers. Framework-free: it takes Node's header record.

/** Where a token was found: the named header, `Authorization: Bearer`, or the app's `getToken`. */
export type TokenSource = 'header' | 'bearer' | 'custom';

export interface FoundToken {
  readonly token: string;
  readonly source: TokenSource;
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

// RFC 6750 §2.1: `Bearer` (any case), then whitespace, then the token.
const BEARER = /^\s*bearer(?:\s+|$)/i;

/** Trimmed; empty or absent counts as missing (`undefined`). */
export function cleanToken(value: unknown): string | undefined {
  // Repeated headers arrive joined (`a, b`), which no JWT verifies; an array is treated the same way.
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
  const token = text?.trim();
  return token ? token : undefined;
}

/** The token from the `header` header (lower-case name), or else from `Authorization: Bearer` when allowed. */
export function extractToken(headers: Headers, header: string, bearer: boolean): FoundToken | undefined {
  const fromHeader = cleanToken(headers[header]);
  if (fromHeader !== undefined) return { token: fromHeader, source: 'header' };
  if (!bearer) return undefined;
  const authorization = cleanToken(headers.authorization);
  const scheme = authorization === undefined ? null : BEARER.exec(authorization);
  const fromBearer = scheme ? cleanToken(authorization?.slice(scheme[0].length)) : undefined;
  return fromBearer === undefined ? undefined : { token: fromBearer, source: 'bearer' };
}
