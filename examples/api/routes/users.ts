// GET /me for anyone with a token; POST /users and DELETE /users/:name for admins (guards in app.ts).
import type { RequestHandler } from 'express';
import { MESSAGES, newUserProblem, readCredentials } from '../body.js';
import type { Store } from '../db.js';
import { passErrors, sendError } from '../errors.js';
import { hashPassword } from '../passwords.js';

export const me: RequestHandler = (req, res) => {
  res.json(req.user);
};

export function createUser(store: Store): RequestHandler {
  return passErrors(async (req, res) => {
    const credentials = readCredentials(req.body);
    if (!credentials) {
      sendError(res, 400, MESSAGES.credentials);
      return;
    }
    const problem = newUserProblem(credentials);
    if (problem !== undefined) {
      sendError(res, 400, problem);
      return;
    }
    const id = store.users.insert({ username: credentials.username, ...(await hashPassword(credentials.password)), admin: false });
    if (id === undefined) {
      sendError(res, 409, 'User already exists');
      return;
    }
    res
      .status(201)
      .location(`/users/${encodeURIComponent(credentials.username)}`)
      .json({ id, username: credentials.username, admin: false });
  });
}

export function deleteUser(store: Store): RequestHandler<{ name: string }> {
  return (req, res) => {
    // Names ignore case, as the database compares them.
    if (req.params.name.toLowerCase() === req.user!.username.toLowerCase()) {
      sendError(res, 409, 'You cannot delete your own account');
    } else if (store.users.delete(req.params.name)) {
      res.status(204).end();
    } else {
      sendError(res, 404, 'User not found');
    }
  };
}
