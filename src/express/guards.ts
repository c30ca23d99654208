// Permission guards: placed after tokenRequired, they answer 403 when the verified token
// lacks what a route needs. They decide from the payload that tokenRequired verified for this
// very request (never from req.auth, which anything may set); they verify nothing themselves.
// What they decide is core/permissions.ts; this is how it meets a request.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TokenError } from '../core/errors.js';
import { callHook, type HookFailure } from '../core/hooks.js';
import { configError } from '../core/options/validate.js';
import { claimsRule, scopesRule, type ClaimsCheck } from '../core/permissions.js';
import type { TokenPayload } from '../core/types.js';
import { guardContextOf } from './guard-context.js';
import { refuse } from './respond.js';

/**
 * Decides from the verified payload (typed as your augmented `TokenPayload`) and the request.
 * Only `true` (or a promise of `true`) lets the request through.
 */
export type ClaimsPredicate = (payload: TokenPayload, req: Request) => boolean | Promise<boolean>;

type Decide = (payload: TokenPayload, req: Request) => unknown;

/**
 * Lets the request through when `check` holds for the payload that the `tokenRequired` before
 * it verified for this request; otherwise 403 `Insufficient permissions` (reason
 * `insufficient_permissions`). Without such a payload (no `tokenRequired` before it, or an
 * `optional` one that found no token) the answer is 401 `Invalid Token`, whatever `req.auth`
 * holds. A predicate that throws, rejects or has not settled within the `hookTimeout` of that
 * `tokenRequired` goes to `next(err)`. Refusals are answered as the `tokenRequired` before it
 * answers (its `onError`, else the JSON envelope).
 *
 * @example
 * app.delete('/users/:id', tokenRequired({ secret }), requireClaims({ admin: true }), deleteUser);
 * app.put('/posts/:id', tokenRequired({ secret }), requireClaims({ role: ['editor', 'admin'] }), editPost);
 * app.get('/orgs/:org', tokenRequired({ secret }), requireClaims((auth, req) => auth.org === req.params.org), showOrg);
 */
export function requireClaims(check: ClaimsCheck | ClaimsPredicate): RequestHandler {
  // `app.use(requireClaims)` would call this with (req, res, next).
  if (arguments.length > 1) {
    throw configError('requireClaims is a factory: write requireClaims({ admin: true }), not requireClaims');
  }
  // Fail closed: a JavaScript predicate returning a truthy non-boolean (`'false'`, a user object) denies.
  return typeof check === 'function' ? guard('the requireClaims predicate', check) : guard('requireClaims', claimsRule(check));
}

/**
 * The OAuth form: lets the request through when the token grants every listed scope, read
 * from a space-separated `scope` claim and from `scope`, `scopes` and `permissions` arrays
 * (together: a scope granted by any of them counts). Scopes compare exactly (case-sensitive).
 * Otherwise 403 `Insufficient permissions`; when the token came as `Authorization: Bearer`,
 * with `WWW-Authenticate: Bearer error="insufficient_scope", scope="<the listed scopes>"` (RFC 6750 §3.1).
 *
 * @example
 * app.post('/invoices', tokenRequired({ secret, bearer: true }), requireScopes('invoices:write'), createInvoice);
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  const rule = scopesRule(scopes);
  return guard('requireScopes', rule.allows, { 'WWW-Authenticate': rule.challenge });
}

/** The middleware shared by both guards: a verified payload, then `decide`, then next or a refusal. */
function guard(name: string, decide: Decide, bearerHeaders?: Readonly<Record<string, string>>): RequestHandler {
  return function permissionGuard(req: Request, res: Response, next: NextFunction): void {
    const context = guardContextOf(req);
    if (context?.payload === undefined) {
      // Never let a request through unauthenticated: a guard without tokenRequired is a mistake.
      refuse(new TokenError('token_invalid'), req, res, next, context?.onError);
      return;
    }
    const { payload, source, onError, hookTimeout } = context;
    callHook(name, () => decide(payload, req), hookTimeout).then(
      (allowed) => {
        if (allowed === true) {
          next();
          return;
        }
        const headers = bearerHeaders && source === 'bearer' ? { headers: bearerHeaders } : {};
        refuse(new TokenError('insufficient_permissions', headers), req, res, next, onError);
      },
      (failure: unknown) => {
        next((failure as HookFailure).error);
      },
    );
  };
}
