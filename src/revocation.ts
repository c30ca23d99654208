// Revocation by `jti`: the interface every shared store implements, and the rules they share.
import { configError, describe, isRecord } from './check.js';
import type { TokenPayload } from './types.js';

/**
 * Where revoked token ids are kept, shared by every instance of the app. It plugs into the
 * `isRevoked` option: `tokenRequired({ secret, isRevoked: (payload) => store.isRevoked(payload) })`.
 *
 * Tokens are revoked by their `jti` (which `signToken` writes by default). A token without
 * a `jti` cannot be revoked by id: `revoke` rejects with a `TypeError` and `isRevoked`
 * answers `false` (refuse such tokens in your own `isRevoked` if every token must be revocable).
 */
export interface RevocationStore {
  /**
   * Remembers the token's `jti` as revoked until the token's own `exp`, and no longer (a
   * token without `exp` stays revoked for good). A token already expired needs no entry.
   */
  revoke(payload: TokenPayload): Promise<void>;
  /** Whether the token's `jti` has been revoked (and the token has not yet expired). */
  isRevoked(payload: TokenPayload): Promise<boolean>;
}

/** The `jti` to revoke, or a TypeError when the token has none. */
export function revocableId(payload: TokenPayload): string {
  const { jti } = checkPayload(payload, 'revoke');
  if (typeof jti !== 'string' || jti === '') {
    throw configError(
      `cannot revoke a token without a 'jti' (got ${describe(jti)}); signToken writes a random one unless 'jwtid: false' is set`,
    );
  }
  return jti;
}

/** The `jti` to look up, or `undefined` when there is none: such a token cannot have been revoked by id. */
export function lookupId(payload: TokenPayload): string | undefined {
  const { jti } = checkPayload(payload, 'isRevoked');
  return typeof jti === 'string' && jti !== '' ? jti : undefined;
}

/**
 * When the revocation entry may go, in milliseconds since the epoch: the token's `exp`.
 * `undefined` for a token without `exp` (kept for good); a TypeError for an `exp` that is not a number.
 */
export function revocationExpiry(payload: TokenPayload): number | undefined {
  const { exp } = payload;
  if (exp === undefined) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw configError(`cannot revoke a token whose 'exp' is not a number of seconds (got ${describe(exp)})`);
  }
  return Math.ceil(exp * 1000);
}

function checkPayload(payload: unknown, method: string): TokenPayload {
  if (!isRecord(payload)) throw configError(`${method}() needs the verified payload, e.g. req.auth (got ${describe(payload)})`);
  return payload;
}
