// What tokenRequired found out about a request it let through, handed to the guards after it.
import type { Request } from 'express';
import type { HookTimeout } from '../core/hooks.js';
import type { TokenSource } from '../core/token-from-headers.js';
import type { TokenPayload } from '../core/types.js';
import type { OnError } from './respond.js';

/** What a guard placed after `tokenRequired` may rely on. */
export interface GuardContext {
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
const contexts = new WeakMap<Request, GuardContext>();

export function rememberGuardContext(req: Request, context: GuardContext): void {
  contexts.set(req, context);
}

export function guardContextOf(req: Request): GuardContext | undefined {
  return contexts.get(req);
}
