// How a refusal is answered, shared by tokenRequired and the permission guards after it.
import type { NextFunction, Request, Response } from 'express';
import type { TokenError } from '../core/errors.js';
import { callHook, type HookFailure } from '../core/hooks.js';
import type { MiddlewareOptions } from './types.js';

/** The app's `onError` option. */
export type OnError = NonNullable<MiddlewareOptions['onError']>;

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
    res
      .status(error.status)
      .set({ 'Cache-Control': 'no-store', ...error.headers })
      .json(error.toJSON());
  }
}
