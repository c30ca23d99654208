// The verification keys of one configuration, as the verifier uses them: each form of the key
// options resolves into one of these, with every key already bound to its algorithms.
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../algorithms.js';
import type { TokenHeader, TokenPayload } from '../types.js';
import type { BoundKey } from './bind.js';

/** `secret` (one, or several tried in turn) or `publicKey` (one, or several with ids). */
export interface StaticKeys {
  readonly kind: 'static';
  readonly keys: readonly BoundKey[];
  /**
   * For a `publicKey` array: a token whose `kid` is one key's id is tried with that key only.
   * `undefined` for `secret` and a single `publicKey`, which ignore the token's `kid`.
   */
  readonly byId: ReadonlyMap<string, BoundKey> | undefined;
}

/** `keys`: the token's `kid` picks its key, and no other is tried. */
export interface KeyRingKeys {
  readonly kind: 'kid';
  readonly byKid: ReadonlyMap<string, BoundKey>;
}

/** `jwks`: the token's `kid` selects the key; without one, the only key that may verify its `alg`. */
export interface KeySetKeys {
  readonly kind: 'set';
  readonly keys: readonly BoundKey[];
  readonly byKid: ReadonlyMap<string, BoundKey>;
}

/** The app's function (`secret` or `publicKey`), asked for the key of each token. */
export interface ResolverKeys {
  readonly kind: 'resolver';
  /** How hook errors name it: `the secret resolver`, `the publicKey resolver`. */
  readonly name: string;
  readonly resolver: (header: TokenHeader, payload: TokenPayload) => unknown;
  /** Checks and binds what the resolver returned; a key that breaks the rules is a TypeError. */
  readonly bind: (key: unknown) => BoundKey;
  /** What a token may claim before the resolver is asked: `algorithms`, or the key kind's defaults. */
  readonly algorithms: readonly Algorithm[];
}

/** One issuer's remote key set, as the verifier asks it (remote-keys.ts); may reject with a KeySetError. */
export interface RemoteKeySource {
  /** The keys while the set is younger than `cacheMaxAge`, with no promise; else `undefined`. */
  fresh(): KeySetKeys | undefined;
  /** The keys, refreshed first when past `cacheMaxAge`. */
  current(): Promise<KeySetKeys>;
  /** For a token whose key is not in the set: one refetch per cooldown, else the same keys. */
  refreshForUnknownKid(): Promise<KeySetKeys>;
  /** Whether `key` is in the current set (refreshed first when past `cacheMaxAge`). */
  holds(key: KeyObject): Promise<boolean>;
  /** `holds` with no promise while the set is fresh; else `undefined`. */
  holdsNow(key: KeyObject): boolean | undefined;
}

/** `jwksUri` or `discover`: keys fetched when needed, from the key set of the token's issuer. */
export interface RemoteKeys {
  readonly kind: 'remote';
  /**
   * The key set for a token's unverified `iss`; `undefined` when `issuer` is configured and does
   * not name it, so such a token is refused before any fetch.
   */
  readonly setFor: (iss: unknown) => RemoteKeySource | undefined;
  /** What a token may claim before the set is fetched: `algorithms`, or every public-key algorithm. */
  readonly algorithms: readonly Algorithm[];
}

export type Keys = StaticKeys | KeyRingKeys | KeySetKeys | ResolverKeys | RemoteKeys;

/** Keys known at start-up, trusted for as long as the verifier lives. */
export type LocalKeys = Exclude<Keys, ResolverKeys | RemoteKeys>;
