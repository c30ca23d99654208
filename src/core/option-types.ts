// The whole options of verifyToken and signToken: a key option and the claim options.
import type { SignKeyOptions, VerifyKeyOptions } from './key-types.js';
import type { SignClaimOptions, VerifyClaimOptions } from './types.js';

/** What `verifyToken` and `tokenRequired` check in a token: a key option and the claim options. */
export type VerifyOptions = VerifyClaimOptions & VerifyKeyOptions;

/** Options of `signToken`: a key (`secret`, `privateKey` or `keys`) and the claim options. */
export type SignOptions = SignClaimOptions & SignKeyOptions;
