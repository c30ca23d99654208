import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { configError } from './check.js';
import { TokenError } from './errors.js';
import { cleanToken, extractToken, type FoundToken, type TokenSource } from './extract.js';
import { HookFailure, callHook } from './hook.js';
import { resolveMiddlewareOptions } from './options.js';
import { refuse, rememberAuthentication } from './respond.js';
import type { TokenPayload, TokenRequiredOptions } from './types.js';
import { createVerifier } from './verify.js';

// RFC 6750 §3: a refused Bearer token is answered with a challenge.
const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer error="invalid_token"' } as const;

interface Checked {
  readonly auth: TokenPayload;
  readonly user?: Express.User;
}

interface Authenticated extends Checked {
  readonly source: TokenSource;
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

  async function findToken(req: Request): Promise<FoundToken | undefined> {
    if (!getToken) return extractToken(req.headers, config.header, config.bearer);
    const value = await callHook(() => getToken(req));
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new HookFailure(configError(`getToken must return a string, undefined or null (got ${typeof value})`));
    }
    const token = cleanToken(value);
    return token === undefined ? undefined : { token, source: 'custom' };
  }

  async function check(req: Request, token: string): Promise<Checked> {
    const auth = await verify(token);
    if (isRevoked && (await callHook(() => isRevoked(auth, req)))) throw new TokenError('token_revoked');
    if (!loadUser) return { auth };
    const user = await callHook(() => loadUser(auth, req));
    if (user === undefined || user === null) throw new TokenError('user_not_found');
    return { auth, user };
  }

  async function authenticate(req: Request): Promise<Authenticated | undefined> {
    const found = await findToken(req);
    if (found === undefined) {
      if (config.optional) return undefined;
      throw new TokenError('token_missing');
    }
    try {
      return { ...(await check(req, found.token)), source: found.source };
    } catch (error) {
      if (found.source === 'bearer' && error instanceof TokenError && error.status === 401) {
        throw new TokenError(error.reason, { cause: error.cause, headers: BEARER_CHALLENGE });
      }
      throw error;
    }
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
    authenticate(req).then(
      (result) => {
        if (result) {
          req.auth = result.auth;
          if (result.user !== undefined) req.user = result.user;
        }
        rememberAuthentication(req, { source: result?.source, onError });
        next();
      },
      (error: unknown) => {
        fail(error, req, res, next);
      },
    );
  };
}
