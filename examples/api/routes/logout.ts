// POST /logout: revokes the presented token (after tokenRequired), in whichever store the app uses.
import type { RequestHandler } from 'express';
import type { RevocationStore, RevokeOptions } from '../../../src/index.js';
import { lookupId } from '../../../src/core/revocation.js';
import { passErrors, sendError } from '../errors.js';

/**
 * 204 once the token is revoked: from then on it gets 401 Token revoked on every protected
 * route of every instance sharing the store (logging out again included). A store failure
 * goes to the error handler (500); a token without `jti` cannot be revoked: 400. `options`
 * carries the guards' `clockTolerance`, so the entry lasts as long as they accept the token.
 */
export function logout(revocations: RevocationStore, options: RevokeOptions): RequestHandler {
  return passErrors(async (req, res) => {
    const payload = req.auth!;
    if (lookupId(payload) === undefined) {
      sendError(res, 400, 'Token without jti cannot be revoked');
      return;
    }
    await revocations.revoke(payload, options);
    res.status(204).end();
  });
}
