// GET /.well-known/jwks.json and /.well-known/openid-configuration, in the public-key mode only:
// what another service needs to verify this API's tokens by itself.
import type { RequestHandler } from 'express';
import type { Published } from '../token-keys.js';

/** Five minutes: a consumer picks up a new key soon enough, and does not ask on every token. */
const CACHE_CONTROL = 'public, max-age=300';

function document(body: object): RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', CACHE_CONTROL).json(body);
  };
}

/** The public key set (publicJwks): one key, with the kid, alg and use its tokens need. */
export const jwksRoute = (published: Published): RequestHandler => document(published.jwks);

/** A minimal discovery document: the issuer its tokens carry and where its keys are. */
export const discoveryRoute = (published: Published): RequestHandler => document(published.discovery);
