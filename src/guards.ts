// Permission guards: placed after tokenRequired, they answer 403 when the verified token
// lacks what a route needs. They decide from the payload that tokenRequired verified for this
// very request (never from req.auth, which anything may set); they verify nothing themselves.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { configError, describe, isRecord } from './check.js';
import { TokenError } from './errors.js';
import { HookFailure, callHook } from './hook.js';
import { authenticationOf, refuse } from './respond.js';
import type { TokenPayload } from './types.js';

/** A claim value that `requireClaims` can compare: JSON's primitives. */
export type ClaimValue = string | number | boolean | null;

/**
 * Decides from the verified payload (typed as your augmented `TokenPayload`) and the request.
 * Only `true` (or a promise of `true`) lets the request through.
 */
export type ClaimsPredicate = (payload: TokenPayload, req: Request) => boolean | Promise<boolean>;

/**
 * Expected claim values, all required: a value (`{ admin: true }`) or an array meaning any
 * of them (`{ role: ['editor', 'admin'] }`). A token claim that is an array matches when
 * one of its elements does (`roles: ['a', 'b']` matches `{ roles: 'a' }`).
 */
export type ClaimsCheck = Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>;

type Decide = (payload: TokenPayload, req: Request) => Promise<boolean>;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); no space, `"` or `\`, so it
// also fits inside the quoted `scope` of the WWW-Authenticate challenge unescaped.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Lets the request through when `check` holds for the payload that the `tokenRequired` before
 * it verified for this request; otherwise 403 `Insufficient permissions` (reason
 * `insufficient_permissions`). Without such a payload (no `tokenRequired` before it, or an
 * `optional` one that found no token) the answer is 401 `Invalid Token`, whatever `req.auth`
 * holds. A predicate that throws, rejects or has not settled within the `hookTimeout` of that
 * `tokenRequired` goes to `next(err)`. Refusals are answered as the `tokenRequired` before it answers
 * (its `onError`, else the JSON envelope).
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
  if (typeof check === 'function') {
    return guard('the requireClaims predicate', async (payload, req) => {
      // Fail closed: a JavaScript predicate returning a truthy non-boolean (`'false'`, a user object) denies.
      const allowed: unknown = await check(payload, req);
      return allowed === true;
    });
  }
  const expected = resolveClaims(check);
  return guard('requireClaims', (payload) => Promise.resolve(expected.every(([claim, values]) => claimMatches(payload, claim, values))));
}

/**
 * The OAuth form: lets the request through when the token grants every listed scope, read
 * from a space-separated `scope` claim and from `scope`, `scopes` and `permissions` arrays
 * (together: a scope granted by any of them counts). Scopes compare exactly (case-sensitive). Otherwise 403 `Insufficient permissions`;
 * when the token came as `Authorization: Bearer`, with
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="<the listed scopes>"` (RFC 6750 §3.1).
 *
 * @example
 * app.post('/invoices', tokenRequired({ secret, bearer: true }), requireScopes('invoices:write'), createInvoice);
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  if (scopes.length === 0) {
    throw configError(`requireScopes() needs at least one scope, e.g. requireScopes('items:write')`);
  }
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      const hint = Array.isArray(scope) ? `; pass scopes as separate arguments: requireScopes(...list)` : '';
      throw configError(
        `requireScopes() takes scopes as non-empty strings without spaces, quotes or backslashes (got ${describe(scope)})${hint}`,
      );
    }
  }
  const required = Object.freeze([...new Set(scopes)]);
  const challenge = { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${required.join(' ')}"` };
  return guard('requireScopes', (payload) => {
    const granted = grantedScopes(payload);
    return Promise.resolve(required.every((scope) => granted.has(scope)));
  }, challenge);
}

/** The middleware shared by both guards: a verified payload, then `decide`, then next or a refusal. */
function guard(name: string, decide: Decide, bearerHeaders?: Readonly<Record<string, string>>): RequestHandler {
  return function permissionGuard(req: Request, res: Response, next: NextFunction): void {
    const authentication = authenticationOf(req);
    if (authentication?.payload === undefined) {
      // Never let a request through unauthenticated: a guard without tokenRequired is a mistake.
      refuse(new TokenError('token_invalid'), req, res, next, authentication?.onError);
      return;
    }
    const { payload, source, onError, hookTimeout } = authentication;
    callHook(name, () => decide(payload, req), hookTimeout).then(
      (allowed) => {
        if (allowed) {
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

/** The object form checked once: at least one claim, each a primitive or a non-empty array of them. */
function resolveClaims(check: unknown): readonly (readonly [string, readonly ClaimValue[]])[] {
  if (!isRecord(check)) {
    throw configError(
      `requireClaims() needs an object of expected claims such as { admin: true } or a predicate (payload, req) => boolean (got ${describe(check)})`,
    );
  }
  const entries = Object.entries(check);
  if (entries.length === 0) throw configError(`requireClaims() got an empty object: name at least one claim, e.g. { admin: true }`);
  return Object.freeze(
    entries.map(([claim, value]) => {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (values.length === 0 || !values.every(isClaimValue)) {
        throw configError(
          `requireClaims() claim '${claim}' must be a string, number, boolean or null, or a non-empty array of them (got ${describe(value)}); use a predicate for anything else`,
        );
      }
      return [claim, Object.freeze(values)] as const;
    }),
  );
}

function isClaimValue(value: unknown): value is ClaimValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

/** Strict equality with any expected value; an array claim matches when any element does. Own claims only. */
function claimMatches(payload: TokenPayload, claim: string, expected: readonly ClaimValue[]): boolean {
  if (!Object.hasOwn(payload, claim)) return false;
  const actual = payload[claim];
  const candidates: readonly unknown[] = Array.isArray(actual) ? actual : [actual];
  return candidates.some((value) => expected.includes(value as ClaimValue));
}

/** Every scope the token grants: `scope` (a space-separated string, or an array), `scopes` and `permissions` (arrays). */
function grantedScopes(payload: TokenPayload): ReadonlySet<string> {
  const granted = new Set<string>();
  for (const claim of ['scope', 'scopes', 'permissions']) {
    const value = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
    // RFC 8693 §4.2 / RFC 9068 §2.2.3: `scope` is a space-separated string; the arrays are common practice.
    const items: readonly unknown[] = claim === 'scope' && typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string' && item !== '') granted.add(item);
  }
  return granted;
}
