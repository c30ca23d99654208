// The one verification path, shared by the middleware, verifyToken and the command: decode,
// pick the key, check the signature and the claims, and remember what passed.
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms.js';
import { invalid, verifyClaims } from './claims.js';
import { TokenError } from './errors.js';
import { signatureMatches } from './hmac.js';
import { HookFailure, callHook } from './hooks.js';
import { decodeJws, type Jws } from './jws.js';
import type { KeyRingKeys } from './keys/key-ring.js';
import { toKeyObject, type ResolverKeys } from './keys/secret.js';
import type { VerifyConfig } from './options/verify-options.js';
import { TokenCache, type Verified } from './token-cache.js';
import { TwoGenerationMap } from './two-generation-map.js';
import type { SecretKey, TokenHeader, TokenPayload } from './types.js';

/**
 * Verifies one token string: a bad token throws (or rejects with) a TokenError, a failing
 * resolver a HookFailure. Synchronous unless a resolver is asked, so a cache hit costs no promise.
 */
export type Verifier = (token: string) => TokenPayload | Promise<TokenPayload>;

/** The one verification path, shared by the middleware, `verifyToken` and the command. */
export function createVerifier(config: VerifyConfig): Verifier {
  const { keys, algorithms } = config;

  /** Garbage and foreign algorithms never reach a key, the app's resolver or the `kid` lookup. */
  function decode(token: string): Jws<TokenHeader> {
    const jws = decodeJws(token);
    if (jws === undefined) throw invalid('jwt malformed');
    if (!algorithms.includes(jws.header.alg as Algorithm)) throw invalid('invalid algorithm');
    return jws as Jws<TokenHeader>;
  }

  const cache = config.cache && new TokenCache(config.cache.max, config.clockTolerance, config.maxAge);

  /** Rotation: a token signed by any of the keys verifies; a verified one is cached with its key. */
  function verifyWith(token: string, jws: Jws<TokenHeader>, candidates: readonly KeyObject[]): TokenPayload {
    const algorithm = jws.header.alg as Algorithm;
    const key = candidates.find((candidate) => signatureMatches(token, jws, algorithm, candidate));
    if (key === undefined) throw invalid('invalid signature');
    const payload = verifyClaims(jws, config);
    cache?.set(token, jws, key);
    return payload;
  }

  // Keys a resolver returned, checked and made key objects once (keyed by the returned value).
  const resolvedKeys = new TwoGenerationMap<SecretKey, KeyObject>(100);

  function resolvedKey(key: SecretKey, algorithm: Algorithm): KeyObject {
    let keyObject = resolvedKeys.get(key);
    if (keyObject) return keyObject;
    try {
      keyObject = toKeyObject(key, algorithm, 'the key returned by the secret resolver');
    } catch (error) {
      // A weak or mistaken key is the app's configuration error (500), never a verify with it.
      throw new HookFailure(error as TypeError);
    }
    resolvedKeys.set(key, keyObject);
    return keyObject;
  }

  /**
   * The resolver is asked on every request, a cache hit included: a hit counts only when it
   * still returns the key that verified the token, so withdrawing a key from the resolver
   * stops its cached tokens at once. Another key means verifying again; none, Invalid Token.
   */
  async function verifyWithResolver(
    token: string,
    { resolver, algorithm }: ResolverKeys,
    cached: Verified | undefined,
  ): Promise<TokenPayload> {
    const read = cached ?? decode(token);
    const key = await callHook('the secret resolver', () => resolver(read.header as TokenHeader, read.payload), config.hookTimeout);
    if (key === undefined || key === null) throw new TokenError('token_invalid');
    const keyObject = resolvedKey(key, algorithm);
    if (cached && (cached.key === keyObject || cached.key.equals(keyObject))) return cached.payload;
    return verifyWith(token, cached ? decode(token) : (read as Jws<TokenHeader>), [keyObject]);
  }

  /**
   * Rotation by `kid`: the header names the key, and only that key is tried. A missing or
   * unknown `kid` is Invalid Token, never a fallback to the other keys.
   */
  function verifyByKid(token: string, ring: KeyRingKeys): TokenPayload {
    const jws = decode(token);
    // A `kid` that is not a string finds no key: the ring's names are strings.
    const key = ring.byKid.get(jws.header.kid as string);
    if (key === undefined) throw new TokenError('token_invalid');
    return verifyWith(token, jws, [key]);
  }

  return (token) => {
    // Before any decoding, so an oversized token costs nothing.
    if (token.length > config.maxTokenLength) throw new TokenError('token_invalid');
    const cached = cache?.get(token);
    if (keys.kind === 'resolver') return verifyWithResolver(token, keys, cached);
    // Keys known at start-up are trusted for as long as the verifier lives.
    if (cached) return cached.payload;
    return keys.kind === 'static' ? verifyWith(token, decode(token), keys.keys) : verifyByKid(token, keys);
  };
}
