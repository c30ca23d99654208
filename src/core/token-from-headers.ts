// Finding the token in request headers. Framework-free: it takes Node's header record.
import { TokenError } from './errors.js';

/** Where a token was found: the named header, `Authorization: Bearer` or `DPoP`, or the app's `getToken`. */
export type TokenSource = 'header' | 'bearer' | 'dpop' | 'custom';

export interface FoundToken {
  readonly token: string;
  readonly source: TokenSource;
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

// RFC 6750 §3: a refused Bearer token is answered with a challenge.
export const BEARER_CHALLENGE: Readonly<Record<string, string>> = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };

// RFC 9110 §5.6.2: the characters of a token, such as an auth scheme.
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Trimmed of HTTP whitespace; empty or absent counts as missing (`undefined`). */
export function cleanToken(value: unknown): string | undefined {
  // Repeated headers arrive joined (`a, b`), which no JWT verifies; an array is treated the same way.
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
  const token = text === undefined ? undefined : trimHttpWhitespace(text);
  return token ? token : undefined;
}

/**
 * RFC 9110 §5.6.3: optional whitespace is spaces and horizontal tabs, nothing else. Trimming
 * other Unicode whitespace (U+00A0 …) would accept bytes no HTTP parser strips. A loop, not a
 * regular expression: a token already trimmed (the usual case) costs two comparisons, whatever its length.
 */
function trimHttpWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isHttpSpace(text.charCodeAt(start))) start++;
  while (end > start && isHttpSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isHttpSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The token from the `header` header (lower-case name) and, when allowed, `Authorization: Bearer`
 * or (with `dpop`) `Authorization: DPoP`. Two different tokens are refused: RFC 6750 §2 lets a
 * client use one method only, and picking one would let a proxy's header and the client's
 * disagree unnoticed. `rawHeaders` (Node's `req.rawHeaders`) shows repeated `Authorization`
 * lines, which Node's header record silently drops but the first of.
 */
export function extractToken(
  headers: Headers,
  header: string,
  bearer: boolean,
  rawHeaders: readonly string[] = [],
  dpop = false,
): FoundToken | undefined {
  const fromHeader = cleanToken(headers[header]);
  const fromAuthorization = authorizationToken(headers, rawHeaders, bearer, dpop);
  if (fromHeader !== undefined && fromAuthorization !== undefined && fromHeader !== fromAuthorization.token) {
    throw new TokenError('token_ambiguous');
  }
  // The same token in both places: a DPoP one is still a DPoP one, with its proof to check.
  if (fromHeader !== undefined && fromAuthorization?.source !== 'dpop') return { token: fromHeader, source: 'header' };
  return fromAuthorization;
}

/**
 * `Authorization: Bearer` (RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`) or, with
 * `dpop`, `Authorization: DPoP` (RFC 9449 §7.1, the same form), the scheme in any case.
 * Another scheme (`Basic …`) is no token here; the scheme followed by a tab, a no-break space or
 * any other separator is an Invalid Token, and so is any request with several `Authorization`
 * lines: Node keeps the first, and answering from it would hide the others.
 */
export function authorizationToken(
  headers: Headers,
  rawHeaders: readonly string[],
  bearer: boolean,
  dpop: boolean,
): FoundToken | undefined {
  const { authorization } = headers;
  if (authorization === undefined || (!bearer && !dpop)) return undefined;
  if (headerLines(rawHeaders, 'authorization').length > 1) throw new TokenError('token_invalid', { headers: BEARER_CHALLENGE });
  const value = cleanToken(authorization);
  const start = value?.slice(0, 6).toLowerCase();
  const source = bearer && start === 'bearer' ? 'bearer' : dpop && start?.startsWith('dpop') ? 'dpop' : undefined;
  if (source === undefined) return undefined;
  const rest = value!.slice(source.length);
  if (rest === '') return undefined;
  if (TOKEN_CHAR.test(rest.charAt(0))) return undefined;
  // `1*SP`: anything else after the scheme (a tab, U+00A0, a comma) stays in the token, which is
  // then no JWS: Invalid Token, with the challenge.
  let spaces = 0;
  while (rest.charCodeAt(spaces) === 0x20) spaces++;
  return { token: rest.slice(spaces), source };
}

/** The values of every line of one header (lower-case `name`), in order, from Node's `rawHeaders`. */
export function headerLines(rawHeaders: readonly string[], name: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const line = rawHeaders[i]!;
    if (line.length === name.length && line.toLowerCase() === name) lines.push(rawHeaders[i + 1]!);
  }
  return lines;
}
