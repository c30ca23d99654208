// The public types of the core: payloads, headers and the claim options of verifyToken and
// signToken (key options: key-types.ts; both together: option-types.ts). No Express here.
import type { Algorithm } from './algorithms.js';

/**
 * A verified token's payload: the registered claims of RFC 7519 §4.1 and any others.
 * Augment it to type your own claims:
 * `declare module 'express-token-required' { interface TokenPayload { admin?: boolean } }`
 */
export interface TokenPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** A token's JOSE header, as a key resolver sees it (not yet verified). */
export interface TokenHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [parameter: string]: unknown;
}

export type { Algorithm };

/** A duration in seconds, or a string with a unit such as `'30m'`, `'1h'`, `'7d'`. */
export type Duration = number | string;

/** What `verifyToken` and `tokenRequired` check in a token, besides the key. */
export interface VerifyClaimOptions {
  /**
   * An allow-list on top of each key's own algorithms: a token verifies only when its `alg` is
   * listed **and** its key may verify it. Not given: each key verifies its own default (HS256 for
   * a secret, the JWK's `alg`, RS256 for RSA, PS256 for RSA-PSS, the curve's for EC, EdDSA).
   * An algorithm that none of the keys known at start-up may verify is a TypeError. `none` is
   * never accepted.
   */
  algorithms?: readonly Algorithm[] | undefined;
  /** Required `iss`: one value or any of several. Not checked by default. */
  issuer?: string | readonly string[] | undefined;
  /** Required `aud`: the token must name one of these. Not checked by default. */
  audience?: string | readonly string[] | undefined;
  /** Required `sub`. Not checked by default. */
  subject?: string | undefined;
  /**
   * Required `typ` header, e.g. `'at+jwt'` for OAuth access tokens (RFC 9068 §2.1, RFC 8725 §3.11).
   * Compared case-insensitively, with any `application/` prefix removed on both sides; a token
   * with another `typ`, or none, is Invalid Token. Not checked by default.
   */
  typ?: string | undefined;
  /** Refuse tokens whose `iat` is older than this (Token expired). Not checked by default. */
  maxAge?: Duration | undefined;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `maxAge`. Defaults to `0`. */
  clockTolerance?: number | undefined;
  /** Refuse tokens without `exp`. Defaults to `true`. */
  requireExpiry?: boolean | undefined;
  /** Longest token accepted, in characters, checked before any decoding. Defaults to `8192`. */
  maxTokenLength?: number | undefined;
  /**
   * Remember verified tokens (keyed by the full token string) until their `exp`, so a
   * repeated token skips the HMAC. `true` keeps up to 1000; `{ max }` sets the bound.
   * Failures are never cached; `isRevoked` and `loadUser` still run on every request.
   * A cached payload is frozen. Defaults to off.
   */
  cache?: boolean | { max?: number | undefined } | undefined;
  /**
   * Milliseconds that a hook (`getToken`, a secret resolver, `isRevoked`, `loadUser`, a guard's
   * predicate) may take to settle. One that has not settled by then sends the request to the
   * app's error handler (`next(err)`, 500 by default) with an `Error` naming the hook, so a
   * hung database never holds a request forever. `false` turns the limit off. Defaults to `10000`.
   */
  hookTimeout?: number | false | undefined;
}

/** A value or a promise of it: every hook may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** What `signToken` writes, besides the key. */
export interface SignClaimOptions {
  /** Defaults to the key's own: `'HS256'` for a secret, else as for `algorithms`. Must fit the key. */
  algorithm?: Algorithm | undefined;
  /** Lifetime, written as `exp`. Defaults to one hour, unless the payload has its own `exp`. */
  expiresIn?: Duration | undefined;
  /** Delay before the token is valid, written as `nbf`. Not set by default. */
  notBefore?: Duration | undefined;
  /** Written as `iss`. */
  issuer?: string | undefined;
  /** Written as `aud`. */
  audience?: string | readonly string[] | undefined;
  /** Written as `sub`. */
  subject?: string | undefined;
  /**
   * Written as `jti`, the id a revocation store keys on. Defaults to a random UUID
   * (`crypto.randomUUID()`) unless the payload has its own `jti`; `false` writes none.
   */
  jwtid?: string | false | undefined;
}
