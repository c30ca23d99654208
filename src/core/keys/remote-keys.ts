// One consumer's view of a shared remote key set: its raw JWKs bound with the consumer's own
// `algorithms`, once per fetched version. A key that breaks the binding rules is skipped, never
// used, and never fails the whole set: a provider may publish keys for others (`use: 'enc'`).
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../algorithms.js';
import type { BoundKey } from './bind.js';
import { isJwk } from './key-input.js';
import type { KeySetKeys, RemoteKeySource } from './keys.js';
import { verifyingKey } from './public-key.js';
import type { FetchedKeySet, RemoteKeySet } from './remote-key-set.js';

/** What a remote set's keys are, bound for one consumer. */
export interface RemoteSetKeys extends KeySetKeys {
  /** The fetched version these keys come from. */
  readonly version: number;
  /** How many of the fetched keys were skipped (they break the binding rules, or repeat a `kid`). */
  readonly skipped: number;
}

/** A remote key set bound with one configuration's `algorithms`. */
export class RemoteKeySetConsumer implements RemoteKeySource {
  readonly set: RemoteKeySet;
  readonly #configured: readonly Algorithm[] | undefined;
  #bound: RemoteSetKeys | undefined;
  /** Keys by their JWK text, from the last binding: an unchanged key keeps its KeyObject. */
  #byJwk = new Map<string, BoundKey | undefined>();
  #keyObjects = new Set<KeyObject>();

  constructor(set: RemoteKeySet, configured: readonly Algorithm[] | undefined) {
    this.set = set;
    this.#configured = configured;
  }

  /** The keys to verify with, refreshed first when the set is past `cacheMaxAge`; may throw a KeySetError. */
  async current(): Promise<RemoteSetKeys> {
    return this.#bind(await this.set.current());
  }

  /** The keys when the set is younger than `cacheMaxAge`, with no promise: the verifier's synchronous path. */
  fresh(): RemoteSetKeys | undefined {
    const fetched = this.set.fresh();
    return fetched && this.#bind(fetched);
  }

  /** For a token whose `kid` is not among the keys: one refetch per cooldown, else the same keys. */
  async refreshForUnknownKid(): Promise<RemoteSetKeys> {
    return this.#bind(await this.set.refreshForUnknownKid());
  }

  /**
   * Whether `key` (one this consumer handed out) is in the current set, refreshed first when
   * past `cacheMaxAge`: a cached token counts only while the key that verified it is published.
   */
  async holds(key: KeyObject): Promise<boolean> {
    await this.current();
    return this.#keyObjects.has(key);
  }

  /** `holds` with no promise, when the set is fresh; `undefined` when it must be refreshed first. */
  holdsNow(key: KeyObject): boolean | undefined {
    return this.fresh() && this.#keyObjects.has(key);
  }

  #bind(fetched: FetchedKeySet): RemoteSetKeys {
    if (this.#bound?.version === fetched.version) return this.#bound;
    const byJwk = new Map<string, BoundKey | undefined>();
    const keys: BoundKey[] = [];
    const byKid = new Map<string, BoundKey>();
    for (const [i, jwk] of fetched.keys.entries()) {
      const text = JSON.stringify(jwk);
      if (!byJwk.has(text)) byJwk.set(text, this.#byJwk.has(text) ? this.#byJwk.get(text) : this.#bindOne(jwk, i));
      const key = byJwk.get(text);
      // The first key of a `kid` wins; a repeated key or `kid` is skipped.
      if (key === undefined || keys.includes(key) || (key.id !== undefined && byKid.has(key.id))) continue;
      keys.push(key);
      if (key.id !== undefined) byKid.set(key.id, key);
    }
    this.#byJwk = byJwk;
    this.#keyObjects = new Set(keys.map(({ key }) => key));
    const bound = {
      kind: 'set' as const,
      keys: Object.freeze(keys),
      byKid,
      version: fetched.version,
      skipped: fetched.keys.length - keys.length,
    };
    this.#bound = bound;
    return bound;
  }

  #bindOne(jwk: unknown, index: number): BoundKey | undefined {
    // A JSON set holds JWK objects only: no PEM strings, which verifyingKey would also read.
    if (!isJwk(jwk)) return undefined;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    try {
      // verifyingKey refuses secrets (`oct`), private keys, RSA under 2048 bits, `use` other
      // than `sig`, an `alg` that does not fit the key.
      const key = verifyingKey(jwk, this.#configured, `jwksUri keys[${String(index)}]`);
      if (key.algorithms.length === 0) return undefined;
      return kid === undefined ? { ...key, id: undefined } : key;
    } catch {
      return undefined;
    }
  }
}
