// The one verification path, shared by the middleware, verifyToken and the command: decode,
// pick the key, check the signature and the claims, and remember what passed.
import type { Algorithm } from './algorithms.js';
import { invalid, verifyClaims } from './claims.js';
import { TokenError } from './errors.js';
import { HookFailure, callHook } from './hooks.js';
import { decodeJws, type Jws } from './jws.js';
import type { BoundKey } from './keys/bind.js';
import type { KeySetKeys, LocalKeys, RemoteKeySource, RemoteKeys, ResolverKeys } from './keys/keys.js';
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
  function candidatesFor(jws: Jws<TokenHeader>, known: LocalKeys): readonly BoundKey[] {
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
      case 'set':
        return inSet(jws, known) ?? refuseUnknown(jws);
    }
  }

  /**
   * A key set's key for the token: the one its `kid` names or, without a `kid`, the only one
   * that may verify its `alg`; `undefined` when the set has none (a remote set then refetches).
   */
  function inSet(jws: Jws<TokenHeader>, set: KeySetKeys): readonly BoundKey[] | undefined {
    const { kid } = jws.header;
    if (kid !== undefined) {
      const key = typeof kid === 'string' ? set.byKid.get(kid) : undefined;
      return key && [key];
    }
    const fitting = set.keys.filter((key) => key.algorithms.includes(jws.header.alg as Algorithm));
    if (fitting.length > 1) throw invalid('no kid, and several keys may verify its alg');
    return fitting.length === 1 ? fitting : undefined;
  }

  function refuseUnknown(jws: Jws<TokenHeader>): never {
    throw invalid(jws.header.kid === undefined ? 'invalid algorithm' : 'no key with this kid');
  }

  /**
   * A remote set, by the token's unverified `iss` (an issuer not configured is refused before
   * any fetch). Synchronous while the set is fresh. A token whose key is not in the set asks for
   * one refetch (at most one per cooldown for the whole set): the provider may have rotated.
   */
  function verifyRemote(token: string, remote: RemoteKeys): TokenPayload | Promise<TokenPayload> {
    const jws = decode(token);
    const set = issuerSet(remote, jws.payload.iss);
    const keys = set.fresh();
    if (keys === undefined) return set.current().then((current) => verifyInRemote(token, jws, set, current));
    return verifyInRemote(token, jws, set, keys);
  }

  function verifyInRemote(
    token: string,
    jws: Jws<TokenHeader>,
    set: RemoteKeySource,
    keys: KeySetKeys,
  ): TokenPayload | Promise<TokenPayload> {
    const candidates = inSet(jws, keys);
    if (candidates !== undefined) return verifyWith(token, jws, candidates);
    return set.refreshForUnknownKid().then((refreshed) => verifyWith(token, jws, inSet(jws, refreshed) ?? refuseUnknown(jws)));
  }

  function issuerSet(remote: RemoteKeys, iss: unknown): RemoteKeySource {
    const set = remote.setFor(iss);
    if (set === undefined) throw invalid(`jwt issuer invalid. expected: ${config.issuer?.join(',') ?? ''}`);
    return set;
  }

  /**
   * A cached token of a remote set counts only while the key that verified it is in its
   * issuer's current set, refreshed first when past `cacheMaxAge`; else it is verified again.
   */
  function cachedRemote(token: string, remote: RemoteKeys, cached: Verified): TokenPayload | Promise<TokenPayload> {
    const set = issuerSet(remote, cached.payload.iss);
    const held = set.holdsNow(cached.key);
    if (held === true) return cached.payload;
    if (held === false) return verifyRemote(token, remote);
    return set.holds(cached.key).then((holds) => (holds ? cached.payload : verifyRemote(token, remote)));
  }

  return (token) => {
    // Before any decoding, so an oversized token costs nothing.
    if (token.length > config.maxTokenLength) throw new TokenError('token_invalid');
    const cached = cache?.get(token);
    if (keys.kind === 'resolver') return verifyWithResolver(token, keys, cached);
    if (keys.kind === 'remote') return cached ? cachedRemote(token, keys, cached) : verifyRemote(token, keys);
    // Keys known at start-up are trusted for as long as the verifier lives.
    if (cached) return cached.payload;
    const jws = decode(token);
    return verifyWith(token, jws, candidatesFor(jws, keys));
  };
}
