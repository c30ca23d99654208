import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenError } from './errors.js';
import { HookFailure, callHook } from './hook.js';
import { decodeJws, signatureMatches, type Jws } from './jws.js';
import type { VerifyConfig } from './options.js';
import { toKeyObject } from './secret.js';
import type { Algorithm, SecretKey, TokenHeader, TokenPayload } from './types.js';
import { Lru, TokenCache, type Verified } from './cache.js';

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
    const payload = checkClaims(jws, config);
    cache?.set(token, jws, key);
    return payload;
  }

  // Keys a resolver returned, checked and made key objects once (keyed by the returned value).
  const resolvedKeys = new Lru<SecretKey, KeyObject>(100);

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
    resolve: Extract<VerifyConfig['keys'], { kind: 'resolver' }>,
    cached: Verified | undefined,
  ): Promise<TokenPayload> {
    const read = cached ?? decode(token);
    const key = await callHook('the secret resolver', () => resolve.resolve(read.header as TokenHeader, read.payload), config.hookTimeout);
    if (key === undefined || key === null) throw new TokenError('token_invalid');
    const keyObject = resolvedKey(key, resolve.algorithm);
    if (cached && (cached.key === keyObject || cached.key.equals(keyObject))) return cached.payload;
    return verifyWith(token, cached ? decode(token) : (read as Jws<TokenHeader>), [keyObject]);
  }

  /**
   * Rotation by `kid`: the header names the key, and only that key is tried. A missing or
   * unknown `kid` is Invalid Token, never a fallback to the other keys.
   */
  function verifyByKid(token: string, ring: Extract<VerifyConfig['keys'], { kind: 'kid' }>): TokenPayload {
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

/**
 * The claims, in the order and with the rules of jsonwebtoken.verify (so that a token both
 * expired and otherwise wrong gets the same answer), then what jsonwebtoken leaves unchecked:
 * `crit`, `exp` presence, the types of `iat` and `aud`.
 */
function checkClaims({ header, payload }: Jws, config: VerifyConfig): TokenPayload {
  const now = Math.floor(Date.now() / 1000);
  const { clockTolerance } = config;
  const { nbf, exp, iat } = payload;
  // A NumericDate is a finite number (RFC 7519 §2): JSON's 1e400 parses to Infinity, which would
  // make a token that never expires (and so can never be revoked) or defeat maxAge.
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) throw invalid('invalid nbf value');
    if (nbf > now + clockTolerance) throw refusal('token_invalid', () => new jwt.NotBeforeError('jwt not active', new Date(nbf * 1000)));
  }
  if (exp !== undefined) {
    if (!isNumericDate(exp)) throw invalid('invalid exp value');
    if (now >= exp + clockTolerance) throw expired('jwt expired', exp);
  }
  const { audience, issuer, subject } = config;
  if (audience !== undefined && !acceptsAny(audience, payload.aud)) throw invalid(`jwt audience invalid. expected: ${audience.join(' or ')}`);
  if (issuer !== undefined && !issuer.includes(payload.iss as string)) throw invalid(`jwt issuer invalid. expected: ${issuer.join(',')}`);
  if (subject !== undefined && payload.sub !== subject) throw invalid(`jwt subject invalid. expected: ${subject}`);
  if (config.maxAge !== undefined) {
    if (typeof iat !== 'number') throw invalid('iat required when maxAge is specified');
    if (!Number.isFinite(iat)) throw invalid('invalid iat value');
    if (now >= iat + config.maxAge + clockTolerance) throw expired('maxAge exceeded', iat + config.maxAge);
  }
  // RFC 7515 §4.1.11: we understand no extension, so any `crit` makes the token invalid.
  if ('crit' in header) throw invalid('crit is not supported');
  if (config.requireExpiry && exp === undefined) throw invalid('exp required');
  if (iat !== undefined && !isNumericDate(iat)) throw invalid('invalid iat value');
  if (audience !== undefined && !isAudience(payload.aud)) throw invalid('invalid aud value');
  return payload;
}

// The cause of a refusal is the error jsonwebtoken.verify would have thrown (its class and
// message), for logs and for code that branches on it; built without a stack, as a refusal is routine.
function refusal(reason: 'token_invalid' | 'token_expired', cause: () => Error): TokenError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TokenError(reason, { cause: cause() });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function invalid(message: string): TokenError {
  return refusal('token_invalid', () => new jwt.JsonWebTokenError(message));
}

function expired(message: string, at: number): TokenError {
  return refusal('token_expired', () => new jwt.TokenExpiredError(message, new Date(at * 1000)));
}

/** The token's audience, one or an array (of anything: types are checked after), names one we accept. */
function acceptsAny(accepted: readonly string[], aud: unknown): boolean {
  return Array.isArray(aud) ? aud.some((item) => accepted.includes(item as string)) : accepted.includes(aud as string);
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isAudience(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string'));
}
