import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isRecord } from './check.js';
import { TokenError } from './errors.js';
import { HookFailure, callHook } from './hook.js';
import type { VerifyConfig } from './options.js';
import { toKeyObject } from './secret.js';
import type { Algorithm, SecretKey, TokenHeader, TokenPayload } from './types.js';
import { Lru, TokenCache } from './cache.js';

/**
 * Verifies one token string: a bad token throws (or rejects with) a TokenError, a failing
 * resolver a HookFailure. Synchronous unless a resolver is asked, so a cache hit costs no promise.
 */
export type Verifier = (token: string) => TokenPayload | Promise<TokenPayload>;

type Decoded = { header: TokenHeader; payload: unknown };

/** The one verification path, shared by the middleware, `verifyToken` and the command. */
export function createVerifier(config: VerifyConfig): Verifier {
  // Built once: jsonwebtoken gets only what it needs, with `algorithms` always pinned.
  const jwtOptions: jwt.VerifyOptions & { complete: true } = {
    complete: true,
    algorithms: [...config.algorithms],
    clockTolerance: config.clockTolerance,
    ...(config.issuer !== undefined && { issuer: config.issuer as string | [string, ...string[]] }),
    ...(config.audience !== undefined && { audience: config.audience as string | [string, ...string[]] }),
    ...(config.subject !== undefined && { subject: config.subject }),
    ...(config.maxAge !== undefined && { maxAge: config.maxAge }),
  };

  function verifyWith(token: string, keys: readonly KeyObject[]): TokenPayload {
    for (let i = 0; ; i++) {
      let decoded: Decoded;
      // jsonwebtoken throws an Error for every bad token; skipping its stack capture
      // makes a refusal as cheap as a success. Synchronous, so nothing else sees the limit.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        decoded = jwt.verify(token, keys[i]!, jwtOptions) as unknown as Decoded;
      } catch (error) {
        // Rotation: only a signature mismatch means "try the next key"; any other
        // failure was found after the signature held, so it is final.
        if (i + 1 < keys.length && error instanceof jwt.JsonWebTokenError && error.message === 'invalid signature') continue;
        throw new TokenError(error instanceof jwt.TokenExpiredError ? 'token_expired' : 'token_invalid', { cause: error });
      } finally {
        Error.stackTraceLimit = limit;
      }
      return checkClaims(decoded, config);
    }
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

  async function verifyWithResolver(token: string, resolve: Extract<VerifyConfig['keys'], { kind: 'resolver' }>): Promise<TokenPayload> {
    const { header, payload } = decodeUnverified(token);
    const key = await callHook(() => resolve.resolve(header, payload));
    if (key === undefined || key === null) throw new TokenError('token_invalid');
    return verifyWith(token, [resolvedKey(key, resolve.algorithm)]);
  }

  /**
   * Rotation by `kid`: the header names the key, and only that key is tried. A missing or
   * unknown `kid` is Invalid Token, never a fallback to the other keys.
   */
  function verifyByKid(token: string, ring: Extract<VerifyConfig['keys'], { kind: 'kid' }>): TokenPayload {
    const { kid } = decodeUnverified(token).header;
    const key = typeof kid === 'string' ? ring.byKid.get(kid) : undefined;
    if (key === undefined) throw new TokenError('token_invalid');
    return verifyWith(token, [key]);
  }

  /** Garbage and foreign algorithms never reach the app's resolver or the `kid` lookup. */
  function decodeUnverified(token: string): { header: TokenHeader; payload: TokenPayload } {
    let decoded: Decoded | null;
    try {
      decoded = jwt.decode(token, { complete: true }) as unknown as Decoded | null;
    } catch (error) {
      throw new TokenError('token_invalid', { cause: error });
    }
    if (!decoded || !isRecord(decoded.payload) || !config.algorithms.includes(decoded.header.alg as never)) {
      throw new TokenError('token_invalid');
    }
    return { header: decoded.header, payload: decoded.payload };
  }

  const cache = config.cache && new TokenCache(config.cache.max, config.clockTolerance, config.maxAge);

  const remember = (token: string, payload: TokenPayload): TokenPayload => {
    cache?.set(token, payload);
    return payload;
  };
  const { keys } = config;

  return (token) => {
    // Before any decoding, so an oversized token costs nothing.
    if (token.length > config.maxTokenLength) throw new TokenError('token_invalid');
    const cached = cache?.get(token);
    if (cached) return cached;
    if (keys.kind === 'static') return remember(token, verifyWith(token, keys.keys));
    if (keys.kind === 'kid') return remember(token, verifyByKid(token, keys));
    return verifyWithResolver(token, keys).then((payload) => remember(token, payload));
  };
}

/** What jsonwebtoken leaves unchecked: payload shape, `crit`, `exp` presence, claim types. */
function checkClaims({ header, payload }: Decoded, config: VerifyConfig): TokenPayload {
  const invalid =
    !isRecord(payload) ||
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` makes the token invalid.
    'crit' in header ||
    (config.requireExpiry && payload.exp === undefined) ||
    (payload.iat !== undefined && typeof payload.iat !== 'number') ||
    (config.audience !== undefined && !isAudience(payload.aud));
  if (invalid) throw new TokenError('token_invalid');
  return payload;
}

function isAudience(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string'));
}
