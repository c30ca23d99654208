// How a refusal is answered, shared by tokenRequired and the permission guards after it.
import type { NextFunction, Request, Response } from 'express';
import type { TokenError } from './errors.js';
import { callHook, type HookFailure, type HookTimeout } from './hook.js';
import type { TokenSource } from './extract.js';
import type { TokenPayload } from './types.js';

/** The app's `onError` option. */
export type OnError = (err: TokenError, req: Request, res: Response, next: NextFunction) => unknown;

/**
 * Answers a refusal: through the app's `onError` when there is one (whatever it throws goes
 * to `next`), else the JSON envelope with `Cache-Control: no-store` and the error's headers.
 */
export function refuse(error: TokenError, req: Request, res: Response, next: NextFunction, onError: OnError | undefined): void {
  if (onError) {
    callHook('onError', () => onError(error, req, res, next)).catch((failure: unknown) => {
      next((failure as HookFailure).error);
    });
  } else if (res.headersSent) {
    next(error);
  } else {
    res.status(error.status).set({ 'Cache-Control': 'no-store', ...error.headers }).json(error.toJSON());
  }
}

/** What `tokenRequired` found out about a request it let through, for the guards placed after it. */
export interface Authentication {
  /**
   * The payload this `tokenRequired` verified for this very request; `undefined` when
   * `optional` let a request without a token through. Guards decide from it alone, never
   * from `req.auth`, which anything may have set.
   */
  readonly payload: TokenPayload | undefined;
  /** Where the token came from; `undefined` when `optional` let a request without one through. */
  readonly source: TokenSource | undefined;
  /** The `onError` of that `tokenRequired`, so a guard answers the way it does. */
  readonly onError: OnError | undefined;
  /** The `hookTimeout` of that `tokenRequired`, for a guard's predicate. */
  readonly hookTimeout: HookTimeout;
}

// Module-private, keyed by the request object: nothing is added to `req` that apps could read or forge.
const authentications = new WeakMap<Request, Authentication>();

export function rememberAuthentication(req: Request, authentication: Authentication): void {
  authentications.set(req, authentication);
}

export function authenticationOf(req: Request): Authentication | undefined {
  return authentications.get(req);
}
