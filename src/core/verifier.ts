// The one verification path, shared by the middleware, verifyToken and the command: decode,
// pick the key, check the signature and the claims, and remember what passed.
import type { Algorithm } from './algorithms.js';
import { invalid, verifyClaims } from './claims.js';
import { TokenError } from './errors.js';
import { HookFailure, callHook } from './hooks.js';
import { decodeJws, type Jws } from './jws.js';
import type { BoundKey } from './keys/bind.js';
import type { Keys, ResolverKeys } from './keys/keys.js';
import type { VerifyConfig } from './options/verify-options.js';
import { verifySignature } from './signatures.js';
import { TokenCache, type Verified } from './token-cache.js';
import { TwoGenerationMap } from './two-generation-map.js';
import type { TokenHeader, TokenPayload } from './types.js';

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

  /**
   * Rotation: a token signed by any of the candidates verifies, each only with an algorithm it
   * is bound to; a verified token is cached with its key.
   */
  function verifyWith(token: string, jws: Jws<TokenHeader>, candidates: readonly BoundKey[]): TokenPayload {
    const algorithm = jws.header.alg as Algorithm;
    const input = token.slice(0, jws.signatureDot);
    const signature = token.slice(jws.signatureDot + 1);
    let fits = false;
    let key: BoundKey | undefined;
    // A plain loop: this is the hot path, and it allocates nothing.
    for (const candidate of candidates) {
      if (!candidate.algorithms.includes(algorithm)) continue;
      fits = true;
      if (verifySignature(algorithm, candidate.key, input, signature)) {
        key = candidate;
        break;
      }
    }
    // A token never chooses its key's type: an HS256 token for a public key finds no key here.
    if (!fits) throw invalid('invalid algorithm');
    if (key === undefined) throw invalid('invalid signature');
    const payload = verifyClaims(jws, config);
    cache?.set(token, jws, key.key);
    return payload;
  }

  // Keys a resolver returned, checked and bound once (keyed by the returned value).
  const resolvedKeys = new TwoGenerationMap<unknown, BoundKey>(100);

  function bindResolved(resolver: ResolverKeys, key: unknown): BoundKey {
    let bound = resolvedKeys.get(key);
    if (bound) return bound;
    try {
      bound = resolver.bind(key);
    } catch (error) {
      // A weak or mistaken key is the app's configuration error (500), never a verify with it.
      throw new HookFailure(error as TypeError);
    }
    resolvedKeys.set(key, bound);
    return bound;
  }

  /**
   * The resolver is asked on every request, a cache hit included: a hit counts only when it
   * still returns the key that verified the token, so withdrawing a key from the resolver
   * stops its cached tokens at once. Another key means verifying again; none, Invalid Token.
   */
  async function verifyWithResolver(token: string, resolver: ResolverKeys, cached: Verified | undefined): Promise<TokenPayload> {
    const read = cached ?? decode(token);
    const key = await callHook(resolver.name, () => resolver.resolver(read.header as TokenHeader, read.payload), config.hookTimeout);
    if (key === undefined || key === null) throw invalid('no key: the resolver returned none');
    const bound = bindResolved(resolver, key);
    if (cached && (cached.key === bound.key || cached.key.equals(bound.key))) return cached.payload;
    return verifyWith(token, cached ? decode(token) : (read as Jws<TokenHeader>), [bound]);
  }

  /** The keys a token may be tried with, by its `kid` where the key option says so. */
  function candidatesFor(jws: Jws<TokenHeader>, known: Exclude<Keys, ResolverKeys>): readonly BoundKey[] {
    const { kid } = jws.header;
    switch (known.kind) {
      case 'static': {
        // A `publicKey` array: the key whose id the token names, alone; else each key in turn.
        const named = typeof kid === 'string' ? known.byId?.get(kid) : undefined;
        return named ? [named] : known.keys;
      }
      case 'kid': {
        // A missing or unknown `kid` is Invalid Token, never a fallback to the other keys.
        const key = typeof kid === 'string' ? known.byKid.get(kid) : undefined;
        if (key === undefined) throw invalid(kid === undefined ? 'no kid: a key ring needs one' : 'no key with this kid');
        return [key];
      }
      case 'set': {
        if (kid !== undefined) {
          const key = typeof kid === 'string' ? known.byKid.get(kid) : undefined;
          if (key === undefined) throw invalid('no key with this kid');
          return [key];
        }
        // Without a `kid`, only a set in which exactly one key may verify the token's `alg`.
        const fitting = known.keys.filter((key) => key.algorithms.includes(jws.header.alg as Algorithm));
        if (fitting.length !== 1) throw invalid(fitting.length === 0 ? 'invalid algorithm' : 'no kid, and several keys may verify its alg');
        return fitting;
      }
    }
  }

  return (token) => {
    // Before any decoding, so an oversized token costs nothing.
    if (token.length > config.maxTokenLength) throw new TokenError('token_invalid');
    const cached = cache?.get(token);
    if (keys.kind === 'resolver') return verifyWithResolver(token, keys, cached);
    // Keys known at start-up are trusted for as long as the verifier lives.
    if (cached) return cached.payload;
    const jws = decode(token);
    return verifyWith(token, jws, candidatesFor(jws, keys));
  };
}
