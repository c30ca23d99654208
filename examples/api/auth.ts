// Who the token's user is (loadUser for tokenRequired), and the admin-only guard.
import { requireClaims, type TokenPayload } from '../../src/index.js';
import type { Store, UserRow } from './db.js';

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

/**
 * After tokenRequired: the library's predicate guard lets admins on (as the database has them
 * now, on `req.user`, not as a claim frozen in the token); others get its 403 Insufficient permissions.
 */
export const adminOnly = requireClaims((_payload, req) => req.user?.admin === true);
