// The public types of the core: payloads, headers, keys and the options of verifyToken and
// signToken. Nothing here knows of Express (the middleware's types are in src/express/).
import type { KeyObject } from 'node:crypto';
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

/** A token's JOSE header, as a secret resolver sees it (not yet verified). */
export interface TokenHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [parameter: string]: unknown;
}

export type { Algorithm };

/** Key material for HMAC: a string (its UTF-8 bytes), bytes, or a secret `KeyObject`. */
export type SecretKey = string | Uint8Array | KeyObject;

/**
 * Picks the key for one token, e.g. by `header.kid`. It sees the header and payload
 * before verification, so it must only choose among keys you trust, never build one
 * from the token. `undefined` or `null` means no key: the token is Invalid Token.
 */
export type SecretResolver = (
  header: TokenHeader,
  payload: TokenPayload,
) => SecretKey | null | undefined | Promise<SecretKey | null | undefined>;

/** One key, several keys (rotation: a token signed by any of them verifies), or a resolver. */
export type Secret = SecretKey | readonly SecretKey[] | SecretResolver;

/** A duration in seconds, or a string with a unit such as `'30m'`, `'1h'`, `'7d'`. */
export type Duration = number | string;

/**
 * One key of a key ring, named by the `kid` that tokens signed with it carry in their header.
 */
export interface KeyRingEntry {
  /** The key id written as the header's `kid`. */
  readonly kid: string;
  /** The HMAC key, checked as the `secret` option is. */
  readonly secret: SecretKey;
}

/** Keys by `kid`, and which of them signs. */
export interface KeyRingMap {
  /** The `kid` that `signToken` signs with. Must be one of `keys`. */
  readonly current: string;
  /** The HMAC keys by `kid`, each checked as the `secret` option is. */
  readonly keys: Readonly<Record<string, SecretKey>>;
}

/**
 * Keys picked by the token's `kid`, for rotation without downtime:
 * `{ current: 'k2', keys: { k1: oldSecret, k2: newSecret } }`, or `[{ kid, secret }, …]`
 * whose first entry is the current one. A token is verified with the key its `kid` names
 * and no other; a token without a `kid`, or with an unknown one, is Invalid Token.
 */
export type KeyRing = KeyRingMap | readonly KeyRingEntry[];

/** The key options: exactly one of `secret` and `keys`. */
export type VerifyKeyOptions =
  | {
      /** The HMAC secret (at least as many bytes as the strongest allowed algorithm's hash: 32 for HS256). Required unless `keys` is given. */
      secret: Secret;
      /** Keys by `kid`; an alternative to `secret`, never with it. */
      keys?: undefined;
    }
  | {
      /** The HMAC secret; an alternative to `keys`, never with it. */
      secret?: undefined;
      /** Keys by `kid`, checked as `secret` is: the token's `kid` picks its key, and no other is tried. Required unless `secret` is given. */
      keys: KeyRing;
    };

/** What `verifyToken` and `tokenRequired` check in a token, besides the key. */
export interface VerifyClaimOptions {
  /** Accepted algorithms. Defaults to `['HS256']`; `'HS384'` and `'HS512'` may be added. `none` is never accepted. */
  algorithms?: readonly Algorithm[] | undefined;
  /** Required `iss`: one value or any of several. Not checked by default. */
  issuer?: string | readonly string[] | undefined;
  /** Required `aud`: the token must name one of these. Not checked by default. */
  audience?: string | readonly string[] | undefined;
  /** Required `sub`. Not checked by default. */
  subject?: string | undefined;
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

/** What `verifyToken` and `tokenRequired` check in a token: a key (`secret` or `keys`) and the claim options. */
export type VerifyOptions = VerifyClaimOptions & VerifyKeyOptions;

/** A value or a promise of it: every hook may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** The key options of `signToken`: exactly one of `secret` and `keys`. */
export type SignKeyOptions =
  | {
      /** The HMAC secret; with several, the first signs. A resolver cannot sign. Required unless `keys` is given. */
      secret: SecretKey | readonly SecretKey[];
      /** Written as the header's `kid`. */
      keyid?: string | undefined;
      /** Keys by `kid`; an alternative to `secret`, never with it. */
      keys?: undefined;
    }
  | {
      secret?: undefined;
      /** With `keys`, the current key's `kid` is written; `keyid` is refused. */
      keyid?: undefined;
      /** Keys by `kid`: the current one signs, and its `kid` goes in the header. Required unless `secret` is given. */
      keys: KeyRing;
    };

/** What `signToken` writes, besides the key. */
export interface SignClaimOptions {
  /** Defaults to `'HS256'`. */
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

/** Options of `signToken`: a key (`secret` or `keys`) and the claim options. */
export type SignOptions = SignClaimOptions & SignKeyOptions;
