// One app factory for every middleware test, on Express 5 and Express 4 alike.
import express5, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import express4 from 'express4';
import request from 'supertest';
import { expect } from 'vitest';
import { tokenRequired, type DpopOption, type MiddlewareOptions, type Secret, type VerifyClaimOptions } from '../../src/index.js';
import { SECRET } from './tokens.js';

// Under Stryker one version suffices: the mutated code is ours, not Express's.
export const EXPRESS = process.env.STRYKER_MUTATOR_WORKER
  ? ([['express 5', express5]] as const)
  : ([
      ['express 5', express5],
      ['express 4', express4],
    ] as const);

export type ExpressFactory = (typeof EXPRESS)[number][1];

export interface TestApp {
  /** supertest against the app; every route is `/protected`, any method. */
  readonly client: ReturnType<typeof request>;
  /** Requests that reached the route handler. */
  readonly handled: Request[];
  /** Errors that reached the app's error handler (which answers 500 `{"error":"handler"}`). */
  readonly errors: unknown[];
}

/** `tokenRequired`'s options with the test SECRET by default (a test of `keys` passes its own middleware). */
export type AppOptions = VerifyClaimOptions & MiddlewareOptions & DpopOption & { secret?: Secret | undefined };

/**
 * An app whose `/protected` route is guarded by `tokenRequired(options)` (or any `guard`, or
 * several handlers in a row, e.g. `[tokenRequired(…), requireScopes('a')]`).
 */
export function createApp(express: ExpressFactory, options: AppOptions | RequestHandler | readonly RequestHandler[] = {}): TestApp {
  const guards: readonly RequestHandler[] =
    typeof options === 'function'
      ? [options]
      : isHandlers(options)
        ? options
        : [tokenRequired({ ...options, secret: options.secret ?? SECRET })];
  const handled: Request[] = [];
  const errors: unknown[] = [];
  const app = express();
  app.all('/protected', ...guards, (req, res) => {
    handled.push(req);
    res.json({ ran: true, auth: req.auth ?? null, user: req.user ?? null });
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    errors.push(err);
    if (res.headersSent) res.end();
    else res.status(500).json({ error: 'handler' });
  };
  app.use(onError);
  return { client: request(app), handled, errors };
}

function isHandlers(value: AppOptions | readonly RequestHandler[]): value is readonly RequestHandler[] {
  return Array.isArray(value);
}

/** The JSON body of every refusal the library answers, written out (not derived from src). */
export const ENVELOPE = {
  missing: { code: '400', status: 'Bad Request', message: 'Token header is required' },
  ambiguous: { code: '400', status: 'Bad Request', message: 'Token must be sent in one place' },
  invalid: { code: '401', status: 'Unauthorized', message: 'Invalid Token' },
  expired: { code: '401', status: 'Unauthorized', message: 'Token expired' },
  revoked: { code: '401', status: 'Unauthorized', message: 'Token revoked' },
  noUser: { code: '401', status: 'Unauthorized', message: 'User not found' },
  forbidden: { code: '403', status: 'Forbidden', message: 'Insufficient permissions' },
  dpopInvalid: { code: '401', status: 'Unauthorized', message: 'Invalid DPoP proof' },
  dpopNonce: { code: '401', status: 'Unauthorized', message: 'DPoP nonce required' },
} as const;

/**
 * The answer to a refused token, exactly: the envelope as JSON with `Cache-Control: no-store`,
 * no Bearer challenge (the token came in the `token` header), and no piece of the token.
 */
export function expectRefusal(
  res: { body: unknown; text: string; headers: Record<string, string | undefined> },
  envelope: object,
  token: string,
): void {
  expect(res.body).toEqual(envelope);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.text).not.toContain(token.slice(0, 20) || '..');
}
