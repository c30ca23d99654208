import type { RequestHandler } from 'express';
import { signToken, type SignOptions } from '../../../src/index.js';
import { MESSAGES, readCredentials } from '../body.js';
import type { Store } from '../db.js';
import { passErrors, sendError } from '../errors.js';
import { noUserHash, verifyPassword } from '../passwords.js';

/**
 * POST /login {username, password} -> {token}: the token's `sub` is the user's UUID; `signWith`
 * is the key (and, with a private key, its algorithm and issuer).
 */
export function login(store: Store, signWith: SignOptions): RequestHandler {
  return passErrors(async (req, res) => {
    const credentials = readCredentials(req.body);
    if (!credentials) {
      sendError(res, 400, MESSAGES.credentials);
      return;
    }
    const user = store.users.byName(credentials.username);
    // A password is checked even for an unknown user, so timing does not tell which names exist.
    const valid = await verifyPassword(credentials.password, user ?? (await noUserHash()));
    if (!user || !valid) {
      sendError(res, 401, 'Invalid username or password');
      return;
    }
    const token = signToken({ sub: user.id, name: user.username }, signWith);
    res.set('Cache-Control', 'no-store').json({ token });
  });
}
