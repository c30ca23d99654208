// The `htu` check of a DPoP proof (RFC 9449 §4.3, check 9): the proof's URI, without its query
// and fragment, must be the URI the request was sent to, compared after RFC 3986 §6.2.2 and
// §6.2.3 normalisation. The request's URI is built from the configured origin and the request
// target, never from the Host or X-Forwarded-* headers, which the client chooses.
import { configError, describeValue } from '../options/validate.js';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2.2: a percent-encoded unreserved character is that character; other
 * percent-encodings have upper-case hex digits. Done before parsing, so that `%2E%2E` is a dot
 * segment as `..` is (§6.2.2.3 comes after).
 */
function normalisePercentEncoding(uri: string): string {
  if (!uri.includes('%')) return uri;
  return uri.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * A URI normalised for comparison, without query and fragment, or `undefined` when it is no
 * absolute http(s) URI. WHATWG URL parsing does the rest of RFC 3986 §6.2.2–6.2.3: scheme and
 * host in lower case, dot segments removed, the default port dropped, an empty path as `/`.
 */
export function normaliseUri(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(normalisePercentEncoding(uri));
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  // The parser may have percent-encoded characters (a space, non-ASCII): normalise what it wrote too.
  return `${url.origin}${normalisePercentEncoding(url.pathname)}`;
}

/** The `htu` this request needs, from a configured origin and the request target (`req.originalUrl`). */
export function requestUri(origin: string, target: string): string | undefined {
  // An absolute-form target (`GET http://other/x`) or anything but a path names no resource here.
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  const end = target.search(/[?#]/);
  return normaliseUri(origin + (end === -1 ? target : target.slice(0, end)));
}

/**
 * The `origin` option: each `scheme://host[:port]`, `http:` or `https:`, one trailing `/`
 * dropped; a path, query, fragment or credentials are a TypeError. Kept as `URL.origin` writes it.
 */
export function resolveOrigins(value: unknown): readonly string[] {
  const given = Array.isArray(value) ? (value as unknown[]) : [value];
  if (value === undefined) throw configError(`option 'dpop.origin' is required: this API's public origin, e.g. 'https://api.example.com'`);
  if (given.length === 0) throw configError(`option 'dpop.origin' must be an origin or a non-empty array of them`);
  return Object.freeze(
    given.map((origin, i) => {
      const name = Array.isArray(value) ? `dpop.origin[${String(i)}]` : 'dpop.origin';
      const wrong = `option '${name}' must be an origin, scheme://host[:port] with http: or https: and no path, query or fragment (got ${describeValue(origin)})`;
      if (typeof origin !== 'string') throw configError(wrong);
      const text = origin.endsWith('/') ? origin.slice(0, -1) : origin;
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw configError(wrong);
      }
      const bare = url.pathname === '/' && !text.endsWith('/') && url.search === '' && url.hash === '' && !/[?#]/.test(text);
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare || url.username !== '' || url.password !== '') {
        throw configError(wrong);
      }
      return url.origin;
    }),
  );
}
