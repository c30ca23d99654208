// Who the token's user is (loadUser for tokenRequired), and the admin-only guard.
import type { RequestHandler } from 'express';
import type { TokenPayload } from '../../src/index.js';
import type { Store, UserRow } from './db.js';
import { sendError } from './errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** What `loadUser` puts on `req.user` in this API. */
    interface User {
      /** The user's UUID, as in their tokens' `sub`. */
      id: string;
      username: string;
      admin: boolean;
    }
  }
}

/** A UUID as `crypto.randomUUID()` writes it (lower case): anything else names no user. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The user as the API shows it: never the password hash or salt. */
export function publicUser(row: UserRow): Express.User {
  return { id: row.id, username: row.username, admin: row.admin === 1 };
}

/**
 * The token's `sub` is the user's UUID, made when the user was created, so a token names no one
 * else in any database; a deleted user is `undefined`, which tokenRequired answers with 401 User not found.
 */
export function userLoader(store: Store): (payload: TokenPayload) => Express.User | undefined {
  return (payload) => {
    const row = payload.sub !== undefined && UUID.test(payload.sub) ? store.users.byId(payload.sub) : undefined;
    return row && publicUser(row);
  };
}

/** After tokenRequired: only admins go on, others get a 403 envelope. */
export const adminOnly: RequestHandler = (req, res, next) => {
  if (req.user?.admin === true) next();
  else sendError(res, 403, 'Admins only');
};
