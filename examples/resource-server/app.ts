// The resource server: a second API that trusts the example API's tokens with no shared secret
// and no key file. tokenRequired reads the issuer's /.well-known/openid-configuration, fetches the
// key set its jwks_uri names, and verifies each token with the key its `kid` names.
import { STATUS_CODES } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import { KeySetError, tokenRequired } from '../../src/index.js';

export interface ResourceServerOptions {
  /** The issuer whose tokens are accepted, exactly as they carry it in `iss`: the example API's PUBLIC_URL. */
  readonly issuer: string;
  /** Where errors are logged. Defaults to nowhere. */
  readonly log?: (line: string) => void;
}

/** The envelope tokenRequired answers with: {"code":"503","status":"Service Unavailable","message":"..."}. */
function sendError(res: Response, status: number, message: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ code: String(status), status: STATUS_CODES[status], message });
}

export function createResourceServer({ issuer, log = () => undefined }: ResourceServerOptions): Express {
  // The token in the `token` header (the default), as the example API's clients send it.
  const signedIn = tokenRequired({ issuer, discover: true });

  const app = express();
  app.disable('x-powered-by');

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/whoami', signedIn, (req, res) => {
    res.json({ sub: req.auth!.sub, iss: req.auth!.iss });
  });

  app.use((_req, res) => {
    sendError(res, 404, 'Route not found');
  });
  app.use(errorHandler(log));
  return app;
}

/**
 * Last in the chain. A KeySetError is the issuer's outage, not the client's fault: 503, never 401,
 * which would send clients to log in again for nothing. Its message names the key server's URL,
 * so it is logged, not sent. Anything else is a 500, logged too.
 */
function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof KeySetError) sendError(res, 503, 'Token keys unavailable');
    else sendError(res, 500, 'Internal Server Error');
  };
}
