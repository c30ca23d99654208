export { tokenRequired } from './middleware.js';
export { signToken } from './sign.js';
export { verifyToken } from './verify-token.js';
export { TokenError } from './errors.js';
export type { ErrorEnvelope, TokenErrorOptions, TokenErrorReason } from './errors.js';
export type {
  Algorithm,
  Duration,
  MaybePromise,
  Secret,
  SecretKey,
  SecretResolver,
  SignOptions,
  TokenHeader,
  TokenPayload,
  TokenRequiredOptions,
  VerifyOptions,
} from './types.js';
