// The verification keys of one configuration, as the verifier uses them: each form of the key
// options resolves into one of these, with every key already bound to its algorithms.
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

export type Keys = StaticKeys | KeyRingKeys | KeySetKeys | ResolverKeys;
