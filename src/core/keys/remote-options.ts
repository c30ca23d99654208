// `jwksOptions` and `jwksUri`, checked once at start-up: the limits of a remote key set, and
// where it may be fetched from.
import { parseDuration, parsePositiveDuration } from '../options/duration.js';
import { checkNames, configError, describeValue, isRecord, optionalFunction, optionalNumber } from '../options/validate.js';
import type { FetchFunction, JwksOptions } from '../remote-key-types.js';

/** The resolved limits of a remote key set; durations in milliseconds. Frozen. */
export interface JwksConfig {
  /** How long a fetched set is used before the next request refreshes it. Default 10 minutes. */
  readonly cacheMaxAge: number;
  /** The least time between two fetches for unknown `kid`s or after a failure. Default 30 s. */
  readonly cooldown: number;
  /** How long one fetch may take, body included. Default 5 s. */
  readonly timeout: number;
  /** How long past `cacheMaxAge` a set is still used while refreshes fail. Default 1 hour. */
  readonly staleIfError: number;
  /** The most keys a set may have; a set with more is a failure. Default 100. */
  readonly maxKeys: number;
  /** The largest body read; a larger one is a failure. Default 512 KiB. */
  readonly maxBytes: number;
  readonly fetch: FetchFunction;
  /** Extra request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Equal for equal options (defaults and durations resolved, the same `fetch`): the registry's key. */
  readonly id: string;
}

// An object, not an array, so that `satisfies` finds a name missing here or left over.
const NAMES = {
  cacheMaxAge: 1,
  cooldown: 1,
  timeout: 1,
  staleIfError: 1,
  maxKeys: 1,
  maxBytes: 1,
  fetch: 1,
  headers: 1,
} as const satisfies Record<keyof JwksOptions, 1>;

export const JWKS_OPTION_NAMES = Object.keys(NAMES);

// The same function is the same fetch; ids tell functions apart in `id` (a string).
const fetchIds = new WeakMap<FetchFunction, number>();
let lastFetchId = 0;

/** `jwksOptions` resolved: defaults applied, durations in milliseconds, every value checked. */
export function resolveJwksOptions(value: unknown): JwksConfig {
  if (value !== undefined && !isRecord(value)) throw configError(`option 'jwksOptions' must be an object (got ${describeValue(value)})`);
  const record = value ?? {};
  checkNames(record, `option 'jwksOptions'`, JWKS_OPTION_NAMES);
  const named = Object.fromEntries(Object.entries(record).map(([name, v]) => [`jwksOptions.${name}`, v]));
  const ms = (name: string, fallback: string, positive = true): number => {
    const given = named[`jwksOptions.${name}`] ?? fallback;
    return (positive ? parsePositiveDuration : parseDuration)(given, `jwksOptions.${name}`) * 1000;
  };
  const fetch = optionalFunction<FetchFunction>(named, 'jwksOptions.fetch') ?? globalThis.fetch;
  const fetchId = fetchIds.get(fetch) ?? fetchIds.set(fetch, ++lastFetchId).get(fetch)!;
  const options = {
    cacheMaxAge: ms('cacheMaxAge', '10m'),
    cooldown: ms('cooldown', '30s'),
    timeout: ms('timeout', '5s'),
    staleIfError: ms('staleIfError', '1h', false),
    maxKeys: optionalNumber(named, 'jwksOptions.maxKeys', 100, { min: 1, integer: true }),
    maxBytes: optionalNumber(named, 'jwksOptions.maxBytes', 524_288, { min: 1, integer: true }),
    fetch,
    headers: resolveHeaders(record.headers),
  };
  const { fetch: _fetch, ...rest } = options;
  return Object.freeze({ ...options, id: JSON.stringify([rest, fetchId]) });
}

function resolveHeaders(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  const wrong = `option 'jwksOptions.headers' must be an object of header names to string values`;
  if (!isRecord(value)) throw configError(`${wrong} (got ${describeValue(value)})`);
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    if (header === undefined) continue;
    if (typeof header !== 'string') throw configError(`${wrong} (header '${name}' is ${describeValue(header)})`);
    try {
      new Headers([[name, header]]);
    } catch {
      throw configError(`option 'jwksOptions.headers' has a header that is not valid in HTTP: '${name}'`);
    }
    headers[name.toLowerCase()] = header;
  }
  // Sorted, so that the same headers in another order are equal options.
  return Object.freeze(Object.fromEntries(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/**
 * A key set's URL: `https:`, or `http:` to a loopback host only (`localhost`, `127.0.0.0/8`,
 * `[::1]`, as `new URL()` parses the host, so `http://2130706433/` is 127.0.0.1 and `0.0.0.0`
 * is not loopback). Keys fetched in the clear from elsewhere could be anyone's keys.
 */
export function checkKeySetUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw configError(`option '${name}' must be a URL string or a URL (got ${describeValue(value)})`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`option '${name}' is not a valid URL (got ${describeValue(String(value))})`);
  }
  if (url.username !== '' || url.password !== '')
    throw configError(`option '${name}' must not hold a user name or password; use jwksOptions.headers`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw configError(
    `option '${name}' must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got ${url.protocol}//${url.host}`,
  );
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * An issuer to discover: a URL by the `jwksUri` rules, without a query or a fragment (RFC 8414
 * §2), compared with the metadata's `issuer` and the tokens' `iss` as the very string given.
 */
export function checkIssuerUrl(issuer: string, name: string): string {
  checkKeySetUrl(issuer, name);
  // The text, not the parsed URL: `https://idp.example/?` parses to an empty query, yet names another issuer.
  if (issuer.includes('?') || issuer.includes('#')) {
    throw configError(`option '${name}' must be an issuer URL without a query or a fragment (got ${describeValue(issuer)})`);
  }
  return issuer;
}
