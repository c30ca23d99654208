// One benchmark server, run as a child process: `node --import tsx bench/server.ts <variant>`.
// It listens on 127.0.0.1 (a free port), and answers its parent over IPC:
//   { type: 'start' }  -> snapshot CPU time and the request count
//   { type: 'stop' }   -> CPU µs (user + system) and requests since 'start'
//   { type: 'memory' } -> rss and heapUsed after forced GCs (run with --expose-gc)
//   { type: 'estimate', count } -> heap bytes per entry of a Map built like the token cache
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
// express-oauth2-jwt-bearer's types declare `Express.Request.auth` as its own result; ours
// (src/express/request.ts, earlier in the program) is the one in effect, and skipLibCheck passes over the clash.
import { auth } from 'express-oauth2-jwt-bearer';
import { expressjwt, type Params as ExpressJwtParams } from 'express-jwt';
import { createVerifier } from 'fast-jwt';
import jwksRsa from 'jwks-rsa';
import passport from 'passport';
import passportJwt from 'passport-jwt';
import { createClient } from 'redis';
import { tokenRequired } from '../src/index.js';
import { RedisReplayStore, RedisRevocationStore } from '../src/redis.js';
import type { ChildMessage, DpopVariant, ParentMessage, RemoteVariant, Variant } from './lib/child.js';
import { VARIANTS } from './lib/child.js';
import { DPOP_ORIGIN } from './lib/dpop-proofs.js';
import { AUDIENCE, ISSUER, jwksUriFor } from './lib/remote-keys.js';
import { SECRET, sign, smallPayload } from './lib/tokens.js';

/** The route every variant serves: the same handler, guarded or not. */
const handler: RequestHandler = (_req, res) => {
  res.json({ ok: true });
};

/** express-jwt as its README shows: a secret (HS256 by default), Bearer token, and its UnauthorizedError handler. */
function expressJwtApp(app: express.Express, options: ExpressJwtParams = { secret: SECRET, algorithms: ['HS256'] }): void {
  app.get('/', expressjwt(options), handler);
  app.use((err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (err.name === 'UnauthorizedError') {
      res.status(401).send('invalid token...');
    } else {
      next(err);
    }
  });
}

/** passport-jwt as its README shows: Bearer extractor, secretOrKey, a verify callback, no session. */
function passportJwtApp(app: express.Express): void {
  const { Strategy: JwtStrategy, ExtractJwt } = passportJwt;
  const options = { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET };
  passport.use(
    new JwtStrategy(options, (payload: object, done: passportJwt.VerifiedCallback) => {
      done(null, payload);
    }),
  );
  app.use(passport.initialize());
  app.get('/', passport.authenticate('jwt', { session: false }) as RequestHandler, handler);
}

/** A guard written by hand on fast-jwt's verifier with its cache on, reading the same `token` header as ours. */
function fastJwtApp(app: express.Express): void {
  const verify = createVerifier({ key: SECRET, algorithms: ['HS256'], cache: true });
  const guard: RequestHandler = (req, res, next) => {
    try {
      const token = req.headers.token;
      req.auth = verify(typeof token === 'string' ? token : '') as Record<string, unknown>;
    } catch {
      res.status(401).json({ code: '401', status: 'Unauthorized', message: 'Invalid Token' });
      return;
    }
    next();
  };
  app.get('/', guard, handler);
}

/**
 * The remote rows: keys from the JWKS the parent serves at BENCH_JWKS_URI, Bearer tokens, and the
 * same `iss` and `aud` checked by every guard.
 */
function remoteApp(app: express.Express, variant: RemoteVariant): void {
  const jwksUri = jwksUriFor(process.env.BENCH_JWKS_URI ?? '', variant);
  const claims = { issuer: ISSUER, audience: AUDIENCE };
  switch (variant) {
    case 'remote-ours-off':
      app.get('/', tokenRequired({ bearer: true, jwksUri, ...claims }), handler);
      break;
    case 'remote-ours-on':
      app.get('/', tokenRequired({ bearer: true, jwksUri, ...claims, cache: true }), handler);
      break;
    case 'remote-oauth2-bearer':
      // Its README's setup with a known jwksUri instead of discovery; Express's own handler answers its errors.
      app.get('/', auth({ jwksUri, ...claims }), handler);
      break;
    case 'remote-express-jwt':
      // jwks-rsa's expressJwtSecret as its README shows it; jsonwebtoken checks iss and aud from the same options.
      expressJwtApp(app, {
        secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
        algorithms: ['RS256', 'ES256'],
        ...claims,
      });
      break;
  }
}

/**
 * The DPoP rows: one guard, `Authorization: Bearer` or `DPoP` (ES256 proofs by default), the token
 * cache on; the Bearer server and the in-process store's are the same app, the Redis one claims
 * each proof's `jti` in the redis-server at BENCH_REDIS_URL.
 */
async function dpopApp(app: express.Express, variant: DpopVariant): Promise<void> {
  let replay: RedisReplayStore | undefined;
  if (variant === 'dpop-redis') {
    const client = createClient({ url: process.env.BENCH_REDIS_URL ?? '' });
    await client.connect();
    replay = new RedisReplayStore(client);
  }
  app.get('/', tokenRequired({ secret: SECRET, bearer: true, cache: true, dpop: { origin: DPOP_ORIGIN, replay } }), handler);
}

async function buildApp(variant: Variant): Promise<express.Express> {
  const app = express();
  switch (variant) {
    case 'bare':
      app.get('/', handler);
      break;
    case 'refuse':
      // The same 401 envelope, sent without verifying anything: what Express charges for a refusal.
      app.get('/', (_req, res) => {
        res.status(401).set('Cache-Control', 'no-store').json({ code: '401', status: 'Unauthorized', message: 'Invalid Token' });
      });
      break;
    case 'noop':
      // One middleware that only calls next(): what Express charges for any guard before it does anything.
      app.get(
        '/',
        (_req, _res, next) => {
          next();
        },
        handler,
      );
      break;
    case 'ours-off':
      app.get('/', tokenRequired({ secret: SECRET }), handler);
      break;
    case 'ours-on':
      app.get('/', tokenRequired({ secret: SECRET, cache: true }), handler);
      break;
    case 'ours-redis': {
      // Revocation shared through Redis: one EXISTS per request, against a redis-server on loopback.
      const client = createClient({ url: process.env.BENCH_REDIS_URL ?? '' });
      await client.connect();
      const store = new RedisRevocationStore(client);
      app.get('/', tokenRequired({ secret: SECRET, isRevoked: store.isRevoked }), handler);
      break;
    }
    case 'memory':
      app.get('/', tokenRequired({ secret: SECRET, cache: { max: Number(process.env.BENCH_CACHE_MAX ?? 1000) } }), handler);
      break;
    case 'express-jwt':
      expressJwtApp(app);
      break;
    case 'passport-jwt':
      passportJwtApp(app);
      break;
    case 'fast-jwt':
      fastJwtApp(app);
      break;
    case 'dpop-bearer':
    case 'dpop-memory':
    case 'dpop-redis':
      await dpopApp(app, variant);
      break;
    default:
      remoteApp(app, variant);
  }
  return app;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * What one cache entry holds, measured: a Map from a flat token string to a frozen payload
 * parsed from JSON and its validity bounds, built the way the cache stores a verified token.
 */
function estimatePerEntry(count: number): number {
  forcedGc();
  const start = process.memoryUsage().heapUsed;
  const map = new Map<string, { payload: object; from: number; until: number }>();
  for (let i = 0; i < count; i++) {
    const token = Buffer.from(sign(smallPayload(`estimate-${String(i)}`))).toString('latin1');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    map.set(token, { payload: Object.freeze(payload), from: -Infinity, until: payload.exp });
  }
  forcedGc();
  const bytes = process.memoryUsage().heapUsed - start;
  return map.size > 0 ? bytes / map.size : 0;
}

function forcedGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the memory server with --expose-gc');
  gc();
  gc();
}

const variant = process.argv[2] ?? '';
if (!(VARIANTS as readonly string[]).includes(variant)) throw new Error(`unknown variant '${variant}'; one of ${VARIANTS.join(', ')}`);

const server = (await buildApp(variant as Variant)).listen(0, '127.0.0.1', () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
});
let requests = 0;
server.on('request', () => {
  requests++;
});

let cpuAtStart = process.cpuUsage();
let requestsAtStart = 0;
process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'start':
      requestsAtStart = requests;
      cpuAtStart = process.cpuUsage();
      send({ type: 'started' });
      break;
    case 'stop': {
      const cpu = process.cpuUsage(cpuAtStart);
      send({ type: 'stopped', cpuMicros: cpu.user + cpu.system, requests: requests - requestsAtStart });
      break;
    }
    case 'memory':
      forcedGc();
      send({ type: 'memory', rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed });
      break;
    case 'estimate':
      send({ type: 'estimate', perEntry: estimatePerEntry(message.count) });
      break;
  }
});
process.on('disconnect', () => {
  process.exit(0);
});
