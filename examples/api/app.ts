// The example API: every route and its guard in one place. Tests build it with createApp.
import express, { type Express } from 'express';
import { tokenRequired } from '../../src/index.js';
import { adminOnly, userLoader } from './auth.js';
import type { Store } from './db.js';
import { errorHandler, notFound } from './errors.js';
import { requestLog } from './log.js';
import { items } from './routes/items.js';
import { login } from './routes/login.js';
import { createUser, deleteUser, me } from './routes/users.js';

export interface AppOptions {
  /** The open database (openDatabase). */
  readonly db: Store;
  /** The HMAC secret that signs and verifies tokens (at least 32 bytes). */
  readonly secret: string;
  /** Where request lines and unexpected errors go. Defaults to nowhere. */
  readonly log?: (line: string) => void;
}

export function createApp({ db, secret, log = () => undefined }: AppOptions): Express {
  const loadUser = userLoader(db);
  // One guard for every method, one for writes only; both load the user from the database.
  const signedIn = tokenRequired({ secret, loadUser });
  const signedInToWrite = tokenRequired({ secret, methods: ['POST', 'PUT', 'DELETE'], loadUser });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  app.use(express.json({ limit: '16kb' }));

  app.post('/login', login(db, secret));
  app.use('/items', signedInToWrite, items(db));
  app.get('/me', signedIn, me);
  app.post('/users', signedIn, adminOnly, createUser(db));
  app.delete('/users/:name', signedIn, adminOnly, deleteUser(db));

  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
