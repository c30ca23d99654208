// The whole options of verifyToken and signToken: a key option and the claim options.
import type { DpopOptions } from './dpop-types.js';
import type { SignKeyOptions, VerifyKeyOptions } from './key-types.js';
import type { SignClaimOptions, VerifyClaimOptions } from './types.js';

/** What `verifyToken` and `tokenRequired` check in a token: a key option and the claim options. */
export type VerifyOptions = VerifyClaimOptions & VerifyKeyOptions & DpopOption;

/** The `dpop` option of `verifyToken` and `tokenRequired`. */
export interface DpopOption {
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): `Authorization: DPoP <token>` with a proof in
   * the `DPoP` header, signed by the key the token's `cnf.jkt` names. A token bound that way is
   * refused when sent any other way. `origin` is required. Off by default.
   */
  dpop?: DpopOptions | undefined;
}

/** Options of `signToken`: a key (`secret`, `privateKey` or `keys`) and the claim options. */
export type SignOptions = SignClaimOptions & SignKeyOptions;
