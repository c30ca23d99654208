// A remote key set (`jwksUri`, or an issuer's by `discover`) as a small state machine over timestamps, with no timer at all:
// fetched on first need, one fetch in flight shared by all, kept for `cacheMaxAge`, refetched for
// an unknown `kid` at most once per `cooldown`, stale keys served for `staleIfError` while
// refreshes fail. It holds the raw JWKs; each consumer binds them (remote-keys.ts).
import { discoverJwksUri } from './discovery.js';
import { failureOf, fetchKeySet } from './fetch-key-set.js';
import { KeySetError, keySetError } from './key-set-error.js';
import type { JwksConfig } from './remote-options.js';

/** Where a set's keys come from: a configured `jwksUri`, or the `jwks_uri` an issuer's metadata names. */
export type KeySetSource =
  { readonly jwksUri: URL; readonly issuer?: undefined } | { readonly issuer: string; readonly jwksUri?: undefined };

/** One good fetch: the raw keys, when they arrived (`Date.now()`), and a number for each fetch. */
export interface FetchedKeySet {
  readonly keys: readonly unknown[];
  readonly fetchedAt: number;
  /** 1 for the first good fetch, then one more for each: consumers bind once per version. */
  readonly version: number;
}

/**
 * The key set at one URL. Time is `Date.now()`, read when asked: a set that is never asked for
 * is never fetched, and nothing keeps the process alive.
 */
export class RemoteKeySet {
  readonly source: KeySetSource;
  readonly options: JwksConfig;
  /** How messages name it: `the key set at <url>`, `the key set of issuer <iss>`. */
  readonly #what: string;
  /** The discovered `jwks_uri`; forgotten when a fetch fails, so the next attempt discovers again. */
  #discovered: URL | undefined;
  #good: FetchedKeySet | undefined;
  /** When the last fetch started: every fetch, the first included, starts a cooldown. */
  #attemptedAt = -Infinity;
  /** Why the last fetch failed; cleared by a good one. */
  #failure: KeySetError | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(source: KeySetSource, options: JwksConfig) {
    this.source = source;
    this.options = options;
    this.#what = source.jwksUri ? `the key set at ${source.jwksUri.href}` : `the key set of issuer ${source.issuer}`;
  }

  /**
   * The set to verify with. Fresh (younger than `cacheMaxAge`): at once. Older: the first
   * request refreshes it and waits (others share that fetch), however recent the last fetch;
   * once a refresh has failed, it is retried only after the cooldown, and the old set is served
   * meanwhile for up to `staleIfError` past its `cacheMaxAge`. No set to serve: a KeySetError,
   * the last failure's message again (without a fetch) until the cooldown has passed.
   */
  async current(): Promise<FetchedKeySet> {
    const good = this.fresh();
    if (good !== undefined) return good;
    if (this.#inFlight !== undefined) await this.#inFlight;
    // An age-based refresh (or the first fetch) waits for no cooldown; a retry after a failure does.
    else if (this.#failure === undefined || this.#cooledDown()) await this.#fetch();
    return this.#servable();
  }

  /**
   * For a token whose `kid` is not in the set: a refetch, at most once per cooldown (a miss
   * during a fetch shares it). In the cooldown, the current set without a fetch: that `kid` is
   * unknown, and may be forged. A failed refetch keeps the set it had, as `current()` does.
   */
  async refreshForUnknownKid(): Promise<FetchedKeySet> {
    if (this.#inFlight !== undefined) await this.#inFlight;
    else if (this.#cooledDown()) await this.#fetch();
    else return this.current();
    return this.#servable();
  }

  /** The set when it is younger than `cacheMaxAge`, with no promise: the verifier's synchronous path. */
  fresh(): FetchedKeySet | undefined {
    const good = this.#good;
    return good !== undefined && elapsedSince(good.fetchedAt) < this.options.cacheMaxAge ? good : undefined;
  }

  #cooledDown(): boolean {
    return elapsedSince(this.#attemptedAt) >= this.options.cooldown;
  }

  #servable(): FetchedKeySet {
    const good = this.#good;
    const { cacheMaxAge, staleIfError } = this.options;
    if (good !== undefined && Date.now() - good.fetchedAt < cacheMaxAge + staleIfError) return good;
    const failure = this.#failure ?? keySetError(this.#what, 'no good set within jwksOptions.staleIfError');
    // A new error each time, with the same message and cause: callers may annotate theirs.
    throw new KeySetError(failure.message, { cause: failure.cause });
  }

  #fetch(): Promise<void> {
    this.#attemptedAt = Date.now();
    const fetching = this.#load().then(
      (keys) => {
        this.#good = { keys, fetchedAt: Date.now(), version: (this.#good?.version ?? 0) + 1 };
        this.#failure = undefined;
      },
      (error: unknown) => {
        this.#discovered = undefined;
        this.#failure = error instanceof KeySetError ? error : keySetError(this.#what, 'the request failed', error);
      },
    );
    this.#inFlight = fetching.finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #load(): Promise<readonly unknown[]> {
    const { jwksUri, issuer } = this.source;
    if (jwksUri !== undefined) return fetchKeySet(jwksUri, this.options, failureOf(this.#what));
    const url = (this.#discovered ??= await discoverJwksUri(issuer, this.options));
    return fetchKeySet(url, this.options, failureOf(`the key set of issuer ${issuer} at ${url.href}`));
  }
}

/** Milliseconds since `time`; a clock set back counts as long ago, so it cannot pin an old set or a cooldown. */
function elapsedSince(time: number): number {
  const elapsed = Date.now() - time;
  return elapsed < 0 ? Infinity : elapsed;
}

// One key set per URL and equal options in the process: every middleware and verifyToken
// call that names it shares its fetches, its cooldown and its cache.
const registry = new Map<string, RemoteKeySet>();

/** The process's one RemoteKeySet for `source` with `options` (equal options: equal `id`). */
export function sharedKeySet(source: KeySetSource, options: JwksConfig): RemoteKeySet {
  const id = `${source.jwksUri ? `jwksUri ${source.jwksUri.href}` : `issuer ${source.issuer}`} ${options.id}`;
  let set = registry.get(id);
  if (set === undefined) registry.set(id, (set = new RemoteKeySet(source, options)));
  return set;
}
