// express-token-required: the public surface. The core (src/core/) never imports Express;
// the adapter (src/express/) is the only part that does.
import './express/request.js';

export { TokenError } from './core/errors.js';
export type { ErrorEnvelope, TokenErrorOptions, TokenErrorReason, TokenErrorStatus } from './core/errors.js';
export { KeySetError } from './core/keys/key-set-error.js';
export type {
  JsonWebKey,
  JsonWebKeySet,
  KeyRing,
  KeyRingEntry,
  KeyRingMap,
  PrivateKeyInput,
  PublicJwksOptions,
  PublicKeyInput,
  PublicKeyResolver,
  Secret,
  SecretKey,
  SecretResolver,
  SignKeyOptions,
  VerifyKeyOptions,
} from './core/key-types.js';
export type {
  DpopAlgorithm,
  DpopNonceOptions,
  DpopOptions,
  DpopProof,
  DpopProofClaims,
  DpopRequest,
  ReplayStore,
} from './core/dpop-types.js';
export type { DpopOption, SignOptions, VerifyOptions } from './core/option-types.js';
export type { FetchFunction, JwksOptions } from './core/remote-key-types.js';
export type { ClaimsCheck, ClaimValue } from './core/permissions.js';
export { publicJwks } from './core/publish.js';
export type { RevocationStore, RevokeOptions } from './core/revocation.js';
export { signToken } from './core/sign.js';
export type { Algorithm, Duration, MaybePromise, SignClaimOptions, TokenHeader, TokenPayload, VerifyClaimOptions } from './core/types.js';
export { verifyToken } from './core/verify-token.js';
export { requireClaims, requireScopes, type ClaimsPredicate } from './express/guards.js';
export { tokenRequired } from './express/token-required.js';
export type { MiddlewareOptions, TokenRequiredOptions } from './express/types.js';
