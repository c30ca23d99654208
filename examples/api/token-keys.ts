// What signs the API's tokens and what verifies them: the HMAC secret (HS256), or a private key
// whose public half verifies and is published with the issuer (ES256, RS256, PS256, EdDSA).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { publicJwks, type JsonWebKeySet, type SignOptions, type VerifyOptions } from '../../src/index.js';
import { wellKnownUrl, type PublicKeyAlgorithm } from './signing-config.js';

/** The public-key mode: the key that signs, its algorithm, and the issuer its tokens carry. */
export interface Signer {
  readonly privateKey: KeyObject;
  readonly algorithm: PublicKeyAlgorithm;
  /** The tokens' `iss`, checked on every token, and the discovery document's `issuer`. */
  readonly issuer: string;
}

/** The documents of `/.well-known/` in the public-key mode. */
export interface Published {
  readonly jwks: JsonWebKeySet;
  readonly discovery: { readonly issuer: string; readonly jwks_uri: string };
}

export interface TokenKeys {
  /** For signToken at login. */
  readonly sign: SignOptions;
  /** The key and claim options of both guards. */
  readonly verify: VerifyOptions;
  /** Only in the public-key mode: an HMAC secret is never published. */
  readonly published?: Published;
}

export function tokenKeys(key: { readonly secret: string } | { readonly signer: Signer }): TokenKeys {
  if ('secret' in key) return { sign: { secret: key.secret }, verify: { secret: key.secret } };
  const { privateKey, algorithm, issuer } = key.signer;
  return {
    sign: { privateKey, algorithm, issuer },
    // The algorithm is fixed here, not read from tokens: PS256 and RS256 share one RSA key type.
    verify: { publicKey: createPublicKey(privateKey), algorithms: [algorithm], issuer },
    published: {
      // The same kid as signToken writes: the key's RFC 7638 thumbprint.
      jwks: publicJwks({ privateKey, algorithm }),
      discovery: { issuer, jwks_uri: wellKnownUrl(issuer, 'jwks.json') },
    },
  };
}
