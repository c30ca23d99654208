// The example API: every route and its guard in one place. Tests build it with createApp.
import expressFive, { type Express } from 'express';
import { tokenRequired, type RevocationStore, type TokenPayload } from '../../src/index.js';
import { adminOnly, userLoader } from './auth.js';
import type { Store } from './db.js';
import { errorHandler, notFound } from './errors.js';
import { requestLog } from './log.js';
import { items } from './routes/items.js';
import { login } from './routes/login.js';
import { logout } from './routes/logout.js';
import { createUser, deleteUser, me } from './routes/users.js';
import { discoveryRoute, jwksRoute } from './routes/well-known.js';
import { tokenKeys, type Signer } from './token-keys.js';

/** How tokens are signed: exactly one of `secret` (HS256) and `signer` (a private key). */
export type AppKey =
  | {
      /** The HMAC secret that signs and verifies tokens (at least 32 bytes), as HS256. */
      readonly secret: string;
      readonly signer?: undefined;
    }
  | {
      /**
       * A private key that signs (with `iss` = its issuer); its public half verifies (checking
       * `iss`) and is served at /.well-known/jwks.json, with /.well-known/openid-configuration.
       */
      readonly signer: Signer;
      readonly secret?: undefined;
    };

export type AppOptions = AppKey & AppSettings;

export interface AppSettings {
  /** The open database (openDatabase). */
  readonly db: Store;
  /** Where request lines and unexpected errors go. Defaults to nowhere. */
  readonly log?: (line: string) => void;
  /**
   * Where logged-out tokens are kept, shared by every instance: server.ts passes a
   * RedisRevocationStore when REDIS_URL is set. Defaults to the SQLite one in `db`.
   */
  readonly revocations?: RevocationStore;
  /**
   * Seconds of leeway on `exp` and `nbf`, for servers whose clocks differ, given to both guards
   * and to every logout, so that a revocation lasts as long as the guards accept the token.
   * Defaults to `0`.
   */
  readonly clockTolerance?: number;
  /** The Express to build the app with: Express 5 by default; the tests pass Express 4 too. */
  readonly express?: typeof expressFive;
}

export function createApp(options: AppOptions): Express {
  const { db, log = () => undefined, revocations = db.revocations, clockTolerance = 0, express = expressFive } = options;
  const keys = tokenKeys(options.signer ? { signer: options.signer } : { secret: options.secret });
  const loadUser = userLoader(db);
  const isRevoked = (payload: TokenPayload) => revocations.isRevoked(payload);
  // One guard for every method, one for writes only; both refuse logged-out tokens and load the user from the database.
  const signedIn = tokenRequired({ ...keys.verify, clockTolerance, isRevoked, loadUser });
  const signedInToWrite = tokenRequired({ ...keys.verify, clockTolerance, methods: ['POST', 'PUT', 'DELETE'], isRevoked, loadUser });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  app.use(express.json({ limit: '16kb' }));

  app.post('/login', login(db, keys.sign));
  // HS256 publishes nothing (a secret has no public half): these paths are then 404 Route not found.
  if (keys.published) {
    app.get('/.well-known/jwks.json', jwksRoute(keys.published));
    app.get('/.well-known/openid-configuration', discoveryRoute(keys.published));
  }
  app.post('/logout', signedIn, logout(revocations, { clockTolerance }));
  app.use('/items', signedInToWrite, items(db, express.Router()));
  app.get('/me', signedIn, me);
  app.post('/users', signedIn, adminOnly, createUser(db));
  app.delete('/users/:name', signedIn, adminOnly, deleteUser(db));

  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
