// tokenRequired: the Express adapter around the core's verifier. It finds the token in the
// request, verifies it, asks the app's hooks, and answers or calls next() exactly once.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DpopCheck, type DpopOutcome } from '../core/dpop/dpop-check.js';
import { TokenError } from '../core/errors.js';
import { HookFailure, callHook } from '../core/hooks.js';
import { configError } from '../core/options/validate.js';
import {
  BEARER_CHALLENGE,
  authorizationToken,
  cleanToken,
  extractToken,
  headerLines,
  type FoundToken,
  type TokenSource,
} from '../core/token-from-headers.js';
import type { MaybePromise, TokenPayload } from '../core/types.js';
import { createVerifier } from '../core/verifier.js';
import { guardContextOf, rememberGuardContext } from './guard-context.js';
import { resolveMiddlewareOptions } from './middleware-config.js';
import { refuse } from './respond.js';
import type { TokenRequiredOptions } from './types.js';

interface Authenticated {
  readonly auth: TokenPayload;
  readonly user?: Express.User;
  readonly source: TokenSource;
  /** The verified DPoP proof, and the headers it asks to send (`DPoP-Nonce`). */
  readonly dpop?: DpopOutcome | undefined;
}

/**
 * Guards routes with a JWT: the route runs only when the request carries a valid token
 * in the `token` header; otherwise the client gets a JSON envelope such as
 * `{"code":"401","status":"Unauthorized","message":"Token expired"}`.
 *
 * @example
 * app.delete('/items/:id', tokenRequired({ secret: process.env.SECRET_KEY }), deleteItem);
 */
export function tokenRequired(options: TokenRequiredOptions): RequestHandler {
  // `app.use(tokenRequired)` would call this with (req, res, next).
  if (arguments.length > 1) {
    throw configError('tokenRequired is a factory: write app.use(tokenRequired({ secret })), not app.use(tokenRequired)');
  }
  const config = resolveMiddlewareOptions(options);
  const verify = createVerifier(config.verify);
  const { getToken, isRevoked, loadUser, onError, methods } = config;
  const { hookTimeout } = config.verify;
  const dpop = config.verify.dpop && new DpopCheck(config.verify.dpop, hookTimeout);

  /**
   * A 401 for a token sent as `Authorization: Bearer` carries the RFC 6750 challenge; one sent
   * as `Authorization: DPoP`, the DPoP one (RFC 9449 §7.1), unless it is about the proof and has its own.
   */
  function challenged(error: unknown, source: TokenSource | undefined): unknown {
    if (!(error instanceof TokenError) || error.status !== 401 || error.reason.startsWith('dpop_')) return error;
    if (source === 'bearer') return new TokenError(error.reason, { cause: error.cause, headers: BEARER_CHALLENGE });
    if (source === 'dpop' && dpop) return new TokenError(error.reason, { cause: error.cause, headers: dpop.tokenChallenge });
    return error;
  }

  /**
   * The token and where it came from: synchronous unless the app's `getToken` is asked. With
   * `dpop`, `Authorization: DPoP` is read whatever `bearer` says, and before `getToken`.
   */
  function findToken(req: Request): MaybePromise<FoundToken | undefined> {
    if (!getToken) return extractToken(req.headers, config.header, config.bearer, req.rawHeaders, dpop !== undefined);
    return (dpop && authorizationToken(req.headers, req.rawHeaders, false, true)) ?? customToken(req, getToken);
  }

  async function customToken(req: Request, hook: NonNullable<typeof getToken>): Promise<FoundToken | undefined> {
    const value = await callHook('getToken', () => hook(req), hookTimeout);
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new HookFailure(configError(`getToken must return a string, undefined or null (got ${typeof value})`));
    }
    const token = cleanToken(value);
    return token === undefined ? undefined : { token, source: 'custom' };
  }

  /**
   * Verifies (with `dpop`, the proof and the token's binding to it too), then asks the app's
   * hooks. Synchronous when there is no hook, the key is known at start-up (or cached) and the
   * replay store answers at once, so that a request needing no I/O waits for no promise.
   */
  function verifyThenAsk(req: Request, found: FoundToken | undefined): MaybePromise<Authenticated | undefined> {
    if (dpop) {
      const view = { method: req.method, url: req.originalUrl, proofs: headerLines(req.rawHeaders, 'dpop') };
      const outcome = dpop.run(found, view, verify);
      if (outcome === undefined) return missing();
      if (outcome instanceof Promise) return outcome.then((verified) => askHooks(req, verified!.payload, found!.source, verified));
      const { payload } = outcome;
      return isRevoked || loadUser
        ? askHooks(req, payload, found!.source, outcome)
        : { auth: payload, source: found!.source, dpop: outcome };
    }
    if (found === undefined) return missing();
    const auth = verify(found.token);
    return isRevoked || loadUser || auth instanceof Promise ? askHooks(req, auth, found.source) : { auth, source: found.source };
  }

  /** No token: passes on with `optional`, else 400 Token header is required. */
  function missing(): Authenticated | undefined {
    if (config.optional) return undefined;
    throw new TokenError('token_missing');
  }

  async function askHooks(
    req: Request,
    verified: MaybePromise<TokenPayload>,
    source: TokenSource,
    dpopOutcome?: DpopOutcome,
  ): Promise<Authenticated> {
    const auth = await verified;
    if (isRevoked && (await callHook('isRevoked', () => isRevoked(auth, req), hookTimeout))) throw new TokenError('token_revoked');
    if (!loadUser) return { auth, source, dpop: dpopOutcome };
    const user = await callHook('loadUser', () => loadUser(auth, req), hookTimeout);
    if (user === undefined || user === null) throw new TokenError('user_not_found');
    return { auth, user, source, dpop: dpopOutcome };
  }

  function authenticate(req: Request): MaybePromise<Authenticated | undefined> {
    const found = findToken(req);
    return found instanceof Promise ? found.then((value) => authenticateFound(req, value)) : authenticateFound(req, found);
  }

  function authenticateFound(req: Request, found: FoundToken | undefined): MaybePromise<Authenticated | undefined> {
    let checked: MaybePromise<Authenticated | undefined>;
    try {
      checked = verifyThenAsk(req, found);
    } catch (error) {
      throw challenged(error, found?.source);
    }
    return checked instanceof Promise
      ? checked.catch((error: unknown) => {
          throw challenged(error, found?.source);
        })
      : checked;
  }

  function pass(result: Authenticated | undefined, req: Request, res: Response, next: NextFunction): void {
    if (result) {
      req.auth = result.auth;
      if (result.user !== undefined) req.user = result.user;
      if (result.dpop?.proof !== undefined) req.dpop = result.dpop.proof;
      if (result.dpop?.headers !== undefined) res.set(result.dpop.headers);
      rememberGuardContext(req, { payload: result.auth, source: result.source, onError, hookTimeout });
    } else if (guardContextOf(req) === undefined) {
      // `optional` with no token verified nothing, and must not undo what an earlier guard verified.
      rememberGuardContext(req, { payload: undefined, source: undefined, onError, hookTimeout });
    }
    next();
  }

  function fail(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (error instanceof TokenError) refuse(error, req, res, next, onError);
    else next(error instanceof HookFailure ? error.error : error);
  }

  return function tokenRequiredMiddleware(req: Request, res: Response, next: NextFunction): void {
    // CORS preflights carry no credentials (Fetch standard), and unguarded methods pass untouched.
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (preflight || (methods !== undefined && !methods.has(req.method))) {
      next();
      return;
    }
    let result: MaybePromise<Authenticated | undefined>;
    try {
      result = authenticate(req);
    } catch (error) {
      fail(error, req, res, next);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => {
          pass(value, req, res, next);
        },
        (error: unknown) => {
          fail(error, req, res, next);
        },
      );
    } else {
      pass(result, req, res, next);
    }
  };
}
