// The public types of a remote key set's limits (`jwksOptions`), beside `jwksUri` and `discover`.
import type { Duration } from './types.js';

/** Called as the global `fetch(url, init)` is. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** The limits of a remote key set (`jwksUri`, `discover`). Durations: seconds, or a string with a unit (`'10m'`). */
export interface JwksOptions {
  /** How long a fetched set is used before the next request refreshes it. Default `'10m'`. */
  cacheMaxAge?: Duration | undefined;
  /** The least time between two fetches for unknown `kid`s, or after a failure. Default `'30s'`. */
  cooldown?: Duration | undefined;
  /** How long one fetch may take, its body included. Default `'5s'`. */
  timeout?: Duration | undefined;
  /** How long past `cacheMaxAge` the last good set is still used while refreshes fail. Default `'1h'`. */
  staleIfError?: Duration | undefined;
  /** The most keys a set may have; a set with more is a failure. Default 100. */
  maxKeys?: number | undefined;
  /** The largest body read, in bytes; a larger one is a failure. Default 524288. */
  maxBytes?: number | undefined;
  /** Makes the requests (key sets and discovery). Default `globalThis.fetch`. */
  fetch?: FetchFunction | undefined;
  /** Extra request headers, e.g. an API key the provider wants. */
  headers?: Readonly<Record<string, string>> | undefined;
}
