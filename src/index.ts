export { tokenRequired } from './middleware.js';
export { requireClaims, requireScopes } from './guards.js';
export type { ClaimsCheck, ClaimsPredicate, ClaimValue } from './guards.js';
export { signToken } from './sign.js';
export { verifyToken } from './verify-token.js';
export { TokenError } from './errors.js';
export type { ErrorEnvelope, TokenErrorOptions, TokenErrorReason, TokenErrorStatus } from './errors.js';
export type { RevocationStore, RevokeOptions } from './revocation.js';
export type {
  Algorithm,
  Duration,
  KeyRing,
  KeyRingEntry,
  KeyRingMap,
  MaybePromise,
  MiddlewareOptions,
  Secret,
  SecretKey,
  SecretResolver,
  SignClaimOptions,
  SignKeyOptions,
  SignOptions,
  TokenHeader,
  TokenPayload,
  TokenRequiredOptions,
  VerifyClaimOptions,
  VerifyKeyOptions,
  VerifyOptions,
} from './types.js';
