// The public types of the Express adapter: tokenRequired's own options.
import type { NextFunction, Request, Response } from 'express';
import type { TokenError } from '../core/errors.js';
import type { VerifyOptions } from '../core/option-types.js';
import type { MaybePromise, TokenPayload } from '../core/types.js';

/** Options of `tokenRequired`: a key option, the claim options, `dpop`, and these. */
export type TokenRequiredOptions = VerifyOptions & MiddlewareOptions;

/** The options only `tokenRequired` takes. */
export interface MiddlewareOptions {
  /** Header that carries the token (case-insensitive). Defaults to `'token'`. */
  header?: string | undefined;
  /** Also accept `Authorization: Bearer <token>` (RFC 6750). Defaults to `false`. */
  bearer?: boolean | undefined;
  /** Find the token yourself; replaces `header` and `bearer`. Not used by default. */
  getToken?: ((req: Request) => MaybePromise<string | null | undefined>) | undefined;
  /** Let requests without a token through, without `req.auth`. A bad token still fails. Defaults to `false`. */
  optional?: boolean | undefined;
  /** Guard only these methods (case-insensitive); others pass untouched. Defaults to all methods. */
  methods?: readonly string[] | undefined;
  /** A truthy result refuses the token with 401 `Token revoked`. Not used by default. */
  isRevoked?: ((payload: TokenPayload, req: Request) => MaybePromise<unknown>) | undefined;
  /** Look up the token's user; the result goes on `req.user`, `null`/`undefined` is 401 `User not found`. */
  loadUser?: ((payload: TokenPayload, req: Request) => MaybePromise<Express.User | null | undefined>) | undefined;
  /** Answer refusals yourself (e.g. `next(err)`). Defaults to the JSON envelope. Hook failures never come here. */
  onError?: ((err: TokenError, req: Request, res: Response, next: NextFunction) => unknown) | undefined;
}
