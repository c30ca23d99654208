// The public types of the key options: secrets, public and private keys, JWKs, key sets,
// key rings and resolvers, for verifyToken, tokenRequired, signToken and publicJwks.
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import type { JwksOptions } from './remote-key-types.js';
import type { TokenHeader, TokenPayload } from './types.js';

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

/** A JSON Web Key (RFC 7517 §4), public or private, as JSON gives it. */
export interface JsonWebKey {
  kty: string;
  kid?: string | undefined;
  alg?: string | undefined;
  use?: string | undefined;
  key_ops?: readonly string[] | undefined;
  crv?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
  n?: string | undefined;
  e?: string | undefined;
  d?: string | undefined;
  [member: string]: unknown;
}

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

/**
 * A public key: a PEM (`BEGIN PUBLIC KEY`, `BEGIN RSA PUBLIC KEY`, or an X.509
 * `BEGIN CERTIFICATE`, whose public key is used) as a string or bytes, a public JWK, or a
 * public `KeyObject`.
 */
export type PublicKeyInput = string | Uint8Array | JsonWebKey | KeyObject;

/** A private key: a PEM (`BEGIN PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`), a private JWK, or a private `KeyObject`. */
export type PrivateKeyInput = string | Uint8Array | JsonWebKey | KeyObject;

/**
 * Picks the public key for one token, as a `SecretResolver` does for secrets. What it returns
 * is checked and bound as `publicKey` is; `undefined` or `null` means Invalid Token.
 */
export type PublicKeyResolver = (
  header: TokenHeader,
  payload: TokenPayload,
) => PublicKeyInput | null | undefined | Promise<PublicKeyInput | null | undefined>;

/** One key of a key ring, named by the `kid` that tokens signed with it carry in their header. */
export type KeyRingEntry =
  | {
      /** The key id written as the header's `kid`. */
      readonly kid: string;
      /** An HMAC key, checked as the `secret` option is. */
      readonly secret: SecretKey;
      readonly key?: undefined;
    }
  | {
      readonly kid: string;
      readonly secret?: undefined;
      /** A public key (verifies) or a private key (signs, and verifies with its public half). */
      readonly key: PublicKeyInput | PrivateKeyInput;
    };

/** Keys by `kid`, and which of them signs. */
export interface KeyRingMap {
  /** The `kid` that `signToken` signs with. Must be one of `keys`. */
  readonly current: string;
  /** Secrets, public keys and private keys by `kid` (a PEM, a JWK object or a non-secret KeyObject is a public or private key). */
  readonly keys: Readonly<Record<string, SecretKey | PublicKeyInput | PrivateKeyInput>>;
}

/**
 * Keys picked by the token's `kid`, for rotation without downtime and migrations:
 * `{ current: 'k2', keys: { k1: oldSecret, k2: ecPrivateKey } }`, or `[{ kid, secret }, { kid, key }, …]`
 * whose first entry is the current one. A token is verified with the key its `kid` names
 * and no other, with an algorithm that key may verify; a token without a `kid`, or with an
 * unknown one, is Invalid Token.
 */
export type KeyRing = KeyRingMap | readonly KeyRingEntry[];

type Without<K extends string> = { [Name in K]?: undefined };

type KeyOptionName = 'secret' | 'publicKey' | 'jwks' | 'keys' | 'jwksUri' | 'discover';

/** Exactly one key option, `K`; a remote one takes `jwksOptions` too. */
type Only<K extends KeyOptionName, T> = T &
  Without<Exclude<KeyOptionName, K>> &
  (K extends 'jwksUri' | 'discover' ? unknown : Without<'jwksOptions'>);

/** The key options of verification: exactly one of `secret`, `publicKey`, `jwks`, `keys`, `jwksUri` and `discover`. */
export type VerifyKeyOptions =
  | Only<
      'secret',
      {
        /** The HMAC secret (at least as many bytes as the strongest allowed algorithm's hash: 32 for HS256). */
        secret: Secret;
      }
    >
  | Only<
      'publicKey',
      {
        /** A public key, several (rotation: each known by its JWK `kid` or its RFC 7638 thumbprint), or a resolver. */
        publicKey: PublicKeyInput | readonly PublicKeyInput[] | PublicKeyResolver;
      }
    >
  | Only<
      'jwks',
      {
        /** A JSON Web Key Set known at start-up: the token's `kid` selects the key. */
        jwks: JsonWebKeySet;
      }
    >
  | Only<
      'keys',
      {
        /** Keys by `kid`: the token's `kid` picks its key, and no other is tried. */
        keys: KeyRing;
      }
    >
  | Only<
      'jwksUri',
      {
        /** A remote JSON Web Key Set, fetched when first needed: `https:`, or `http:` to a loopback host. */
        jwksUri: string | URL;
        jwksOptions?: JwksOptions | undefined;
      }
    >
  | Only<
      'discover',
      {
        /** The keys of each `issuer`, from its OpenID Connect (or RFC 8414) metadata's `jwks_uri`. */
        discover: true;
        /** The issuer, or several: each has its own key set, and a token is verified with its `iss`'s only. */
        issuer: string | readonly string[];
        jwksOptions?: JwksOptions | undefined;
      }
    >;

/** The key options of `signToken`: exactly one of `secret`, `privateKey` and `keys`. */
export type SignKeyOptions =
  | ({
      /** The HMAC secret; with several, the first signs. A resolver cannot sign. */
      secret: SecretKey | readonly SecretKey[];
      /** Written as the header's `kid`. */
      keyid?: string | undefined;
    } & Without<'privateKey' | 'keys'>)
  | ({
      /** The private key that signs. */
      privateKey: PrivateKeyInput;
      /** Written as the header's `kid`; defaults to the private JWK's `kid`, else the key's RFC 7638 thumbprint. */
      keyid?: string | undefined;
    } & Without<'secret' | 'keys'>)
  | ({
      /** Keys by `kid`: the current one (a secret or a private key) signs, and its `kid` goes in the header. */
      keys: KeyRing;
      /** With `keys`, the current key's `kid` is written; `keyid` is refused. */
      keyid?: undefined;
    } & Without<'secret' | 'privateKey'>);

/** Options of `publicJwks`: the signing key options of `signToken`, without a secret. */
export type PublicJwksOptions =
  | { privateKey: PrivateKeyInput; keyid?: string | undefined; algorithm?: Algorithm | undefined; keys?: undefined }
  | { keys: KeyRing; algorithm?: Algorithm | undefined; privateKey?: undefined; keyid?: undefined };
