// The public types of sender-constrained tokens (DPoP, RFC 9449): the `dpop` option, the
// replay store it claims proofs in, and what a verified proof tells the route.
import type { Algorithm } from './algorithms.js';
import type { Duration } from './types.js';

/** The algorithms a DPoP proof may use: public-key ones only. */
export type DpopAlgorithm = Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>;

/**
 * Where DPoP proofs' `jti`s are claimed, so that a proof is used once. `claim` resolves to
 * `true` when this `jti` was not seen before, and records it until `expiresAt` (seconds since
 * the epoch, like `exp`), atomically. A store that throws or rejects refuses nothing and passes
 * nothing: the request goes to the app's error handler.
 */
export interface ReplayStore {
  claim(jti: string, expiresAt: number): boolean | Promise<boolean>;
}

/** Server nonces (RFC 9449 §8), computed from a shared secret: every instance agrees without shared state. */
export interface DpopNonceOptions {
  /** At least 32 bytes (a string counts its UTF-8 bytes). */
  secret: string | Uint8Array;
  /** How long one nonce is current; the previous one is still accepted. Default `'5m'`. */
  rotate?: Duration | undefined;
}

/** The `dpop` option: DPoP-bound access tokens and their proofs. */
export interface DpopOptions {
  /**
   * This API's public origin, `scheme://host[:port]` (or several): a proof's `htu` must be one
   * of them followed by the request's path. Never taken from `Host` or `X-Forwarded-*`.
   */
  origin: string | readonly string[];
  /** Refuse every request that is not `Authorization: DPoP` with a proof. Default `false`. */
  required?: boolean | undefined;
  /** The proof algorithms, in the order the challenge lists them. Default `['ES256', 'EdDSA', 'RS256', 'PS256']`. */
  algorithms?: readonly DpopAlgorithm[] | undefined;
  /** How old a proof's `iat` may be. Default `'60s'`. */
  proofMaxAge?: Duration | undefined;
  /** Seconds of clock skew allowed on a proof's `iat`. Default `5`. */
  clockTolerance?: number | undefined;
  /** Where proofs' `jti`s are claimed. Default: in this process only (up to 100,000 unexpired). */
  replay?: ReplayStore | undefined;
  /** Server nonces, off by default. */
  nonce?: DpopNonceOptions | undefined;
}

/** The verified claims of a DPoP proof. */
export interface DpopProofClaims {
  readonly jti: string;
  readonly htm: string;
  readonly htu: string;
  readonly iat: number;
  readonly ath: string;
  readonly nonce?: string;
  readonly [claim: string]: unknown;
}

/** What a verified DPoP proof tells the route (`req.dpop`). */
export interface DpopProof {
  /** The RFC 7638 thumbprint of the proof's key: the token's `cnf.jkt`. */
  readonly jkt: string;
  readonly claims: DpopProofClaims;
}

/** The request a DPoP proof must match, for `verifyToken`. */
export interface DpopRequest {
  /** The `DPoP` header's value (an array: each line, of which there must be one). */
  proof: string | readonly string[] | undefined;
  /** The request method, e.g. `'GET'`. */
  method: string;
  /** The request target, path and query, e.g. `'/items?page=2'` (Express's `req.originalUrl`). */
  url: string;
}
