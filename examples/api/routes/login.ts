import type { RequestHandler } from 'express';
import { signToken } from '../../../src/index.js';
import { MESSAGES, readCredentials } from '../body.js';
import type { Store } from '../db.js';
import { passErrors, sendError } from '../errors.js';
import { noUserHash, verifyPassword } from '../passwords.js';

/** POST /login {username, password} -> {token}: the token's `sub` is the user's UUID. */
export function login(store: Store, secret: string): RequestHandler {
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
    const token = signToken({ sub: user.id, name: user.username }, { secret });
    res.set('Cache-Control', 'no-store').json({ token });
  });
}
