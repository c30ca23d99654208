// Revocation by `jti`: the interface every shared store implements, and the rules they share.
import { checkNames, configError, describeValue, isRecord, optionalNumber } from './options/validate.js';
import type { TokenPayload } from './types.js';

/** How long a revocation must last: as long as verification would still accept the token. */
export interface RevokeOptions {
  /**
   * The `clockTolerance` (seconds) of the `tokenRequired`/`verifyToken` that checks these
   * tokens: verification accepts a token until `exp + clockTolerance`, so the entry is kept
   * until then. Defaults to the store's own (`0` unless the store was built with one).
   */
  readonly clockTolerance?: number | undefined;
}

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
   * Remembers the token's `jti` as revoked for as long as verification would accept the
   * token: until `exp + clockTolerance` (rounded up to the second), and no longer; a token
   * without `exp` stays revoked for good. A token past `exp` but still inside the tolerance
   * is revoked too; one past both needs no entry.
   */
  revoke(payload: TokenPayload, options?: RevokeOptions): Promise<void>;
  /** Whether the token's `jti` has been revoked (and the token has not yet expired). */
  isRevoked(payload: TokenPayload): Promise<boolean>;
}

/** The `jti` to revoke, or a TypeError when the token has none. */
export function revocableId(payload: TokenPayload): string {
  const { jti } = payloadRecord(payload, 'revoke');
  if (typeof jti !== 'string' || jti === '') {
    throw configError(
      `cannot revoke a token without a 'jti' (got ${describeValue(jti)}); signToken writes a random one unless 'jwtid: false' is set`,
    );
  }
  return jti;
}

/** The `jti` to look up, or `undefined` when there is none: such a token cannot have been revoked by id. */
export function lookupId(payload: TokenPayload): string | undefined {
  const { jti } = payloadRecord(payload, 'isRevoked');
  return typeof jti === 'string' && jti !== '' ? jti : undefined;
}

/**
 * When the revocation entry may go, in milliseconds since the epoch: the first whole second
 * at which verification refuses the token by itself. The verifier reads the clock in whole
 * seconds (`now = floor(Date.now() / 1000)`) and accepts while `now < exp + clockTolerance`,
 * so that second is `ceil(exp + clockTolerance)`: a fractional `exp` (Python's
 * `time.time() + 3600`) is rounded up, never down. `undefined` for a token without `exp`
 * (kept for good), as for one whose time is past what a store can hold; a TypeError for an
 * `exp` that is not a finite number.
 */
export function revocationExpiry(payload: TokenPayload, clockTolerance = 0): number | undefined {
  const { exp } = payload;
  if (exp === undefined) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw configError(`cannot revoke a token whose 'exp' is not a number of seconds (got ${describeValue(exp)})`);
  }
  const at = Math.ceil(exp + clockTolerance) * 1000;
  // Past 2^53 ms (year 287,396) no store can hold the time (Redis's PXAT refuses it): kept for good.
  return Number.isSafeInteger(at) ? at : undefined;
}

/** The tolerance of one `revoke` call: its own option, else the store's default. */
export function revokeTolerance(options: unknown, fallback: number): number {
  if (options === undefined) return fallback;
  if (!isRecord(options))
    throw configError(`revoke() options must be an object such as { clockTolerance: 30 } (got ${describeValue(options)})`);
  checkNames(options, 'revoke()', ['clockTolerance']);
  return toleranceOption(options, fallback);
}

/** A `clockTolerance` option as the verifier reads it: a finite number of seconds, 0 or more. */
export function toleranceOption(record: Readonly<Record<string, unknown>>, fallback = 0): number {
  return optionalNumber(record, 'clockTolerance', fallback, { min: 0, integer: false });
}

function payloadRecord(payload: unknown, method: string): TokenPayload {
  if (!isRecord(payload)) throw configError(`${method}() needs the verified payload, e.g. req.auth (got ${describeValue(payload)})`);
  return payload;
}
