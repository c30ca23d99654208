// The permission guards over HTTP: requireClaims and requireScopes after tokenRequired, on both Express versions.
// One test per outcome (pass, 403 with or without the challenge, 401 without a verified token, a failing
// predicate to next(err)) and what only HTTP shows; what they decide is tested directly in permissions.test.ts.
import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { requireClaims, requireScopes, TokenError, tokenRequired } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type AppOptions, type ExpressFactory } from './helpers/app.js';
import { FAILURES } from './helpers/failures.js';
import { SECRET, validToken } from './helpers/tokens.js';

const boom = new Error('policy service down');
// Guards are built inside each test, never in an it.each table: a construction error then fails
// that test instead of the file's collection (which Stryker's vitest runner scores as survived).

/** An app whose route is guarded by tokenRequired (with `options`) and then `guard`. */
function guarded(express: ExpressFactory, guard: RequestHandler, options: AppOptions = {}) {
  return createApp(express, [tokenRequired({ ...options, secret: SECRET }), guard]);
}

describe.each(EXPRESS)('%s: requireClaims', (_name, express) => {
  it('lets a token whose claims match the object check through, the verified payload on req.auth', async () => {
    const { client, handled, errors } = guarded(express, requireClaims({ admin: true, role: ['editor', 'admin'] }));
    const res = await client
      .post('/protected')
      .set('token', validToken({ admin: true, role: 'admin' }))
      .expect(200);
    expect(res.body).toMatchObject({ ran: true, auth: { sub: '42', admin: true, role: 'admin' } });
    expect(handled).toHaveLength(1);
    expect(errors).toHaveLength(0);
  });

  it.each<[string, (payload: Record<string, unknown>) => unknown, 200 | 403]>([
    ['returns true', () => true, 200],
    ['returns false', () => false, 403],
    ['resolves to true', () => Promise.resolve(true), 200],
    ['resolves to false', () => Promise.resolve(false), 403],
    ['returns a truthy non-boolean (1)', () => 1, 403],
    ["returns a truthy non-boolean ('yes')", () => 'yes', 403],
    ['resolves to an object', () => Promise.resolve({}), 403],
    ['returns undefined', () => undefined, 403],
    ['reads a claim', (payload) => payload.admin === true, 200],
  ])('a predicate that %s answers %i', async (_case, predicate, status) => {
    const { client, handled } = guarded(express, requireClaims(predicate as () => boolean));
    await client
      .get('/protected')
      .set('token', validToken({ admin: true }))
      .expect(status);
    expect(handled).toHaveLength(status === 200 ? 1 : 0);
  });

  it('gives the predicate the verified payload and the request', async () => {
    const seen: unknown[] = [];
    const guard = requireClaims((payload, req) => {
      seen.push(payload.sub, payload.org, req.method, req.path);
      return true;
    });
    const { client } = guarded(express, guard);
    await client
      .patch('/protected')
      .set('token', validToken({ org: 'acme' }))
      .expect(200);
    expect(seen).toEqual(['42', 'acme', 'PATCH', '/protected']);
  });

  it('answers 403 with the envelope, Cache-Control: no-store, JSON and no challenge', async () => {
    const { client, handled, errors } = guarded(express, requireClaims({ admin: true }), { bearer: true });
    const res = await client.delete('/protected').set('authorization', `Bearer ${validToken()}`).expect(403);
    expect(res.body).toEqual(ENVELOPE.forbidden);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(handled).toHaveLength(0);
    expect(errors).toHaveLength(0);
  });

  it.each(FAILURES)('a predicate that %s goes to the error handler (500), handler not run', async (_case, predicate, check) => {
    const { client, handled, errors } = guarded(express, requireClaims(predicate as () => boolean));
    const res = await client.post('/protected').set('token', validToken()).expect(500);
    expect(res.body).toEqual({ error: 'handler' });
    expect(errors).toHaveLength(1);
    check(errors[0]);
    expect(handled).toHaveLength(0);
  });
});

describe.each(EXPRESS)('%s: requireScopes', (_name, express) => {
  it('answers 403 for a token header token lacking a scope: no challenge, handler not run', async () => {
    const { client, handled } = guarded(express, requireScopes('a', 'b'));
    const res = await client
      .put('/protected')
      .set('token', validToken({ scope: 'a' }))
      .expect(403);
    expect(res.body).toEqual(ENVELOPE.forbidden);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(handled).toHaveLength(0);
  });

  it('lets a token header token granting every scope through', async () => {
    const { client, handled } = guarded(express, requireScopes('a', 'b'));
    await client
      .put('/protected')
      .set('token', validToken({ scope: 'b', permissions: ['a'] }))
      .expect(200);
    expect(handled).toHaveLength(1);
  });

  it('adds the RFC 6750 §3.1 challenge, listing every required scope, to a 403 for a Bearer token', async () => {
    const { client, handled } = guarded(express, requireScopes('a', 'b'), { bearer: true });
    const res = await client
      .post('/protected')
      .set('authorization', `Bearer ${validToken({ scope: 'a' })}`)
      .expect(403);
    expect(res.body).toEqual(ENVELOPE.forbidden);
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="a b"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(handled).toHaveLength(0);
  });

  it.each<[string, AppOptions, Record<string, string>]>([
    ['the token header', { bearer: true }, { token: validToken({ scope: 'a' }) }],
    ['getToken', { getToken: (req) => req.get('x-token') }, { 'x-token': validToken({ scope: 'a' }) }],
  ])('sends no challenge when the token came from %s', async (_case, options, headers) => {
    const { client } = guarded(express, requireScopes('b'), options);
    const res = await client.post('/protected').set(headers).expect(403);
    expect(res.body).toEqual(ENVELOPE.forbidden);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('lets a Bearer token with the scopes through', async () => {
    const { client, handled } = guarded(express, requireScopes('a'), { bearer: true });
    await client
      .get('/protected')
      .set('authorization', `Bearer ${validToken({ scope: 'a' })}`)
      .expect(200);
    expect(handled).toHaveLength(1);
  });
});

describe.each(EXPRESS)('%s: a guard without tokenRequired before it', (_name, express) => {
  it.each<[string, () => RequestHandler]>([
    ['requireClaims', () => requireClaims({ admin: true })],
    ['requireClaims with a predicate', () => requireClaims(() => true)],
    ['requireScopes', () => requireScopes('a')],
  ])('%s answers 401 Invalid Token, even with a token in the request', async (_case, makeGuard) => {
    const { client, handled } = createApp(express, makeGuard());
    const res = await client
      .get('/protected')
      .set('token', validToken({ admin: true, scope: 'a' }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(handled).toHaveLength(0);
  });

  it('answers 401 Invalid Token after an optional tokenRequired let a request without a token through', async () => {
    const { client, handled } = guarded(
      express,
      requireClaims(() => true),
      { optional: true },
    );
    const res = await client.get('/protected').expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(0);
  });

  it.each<[string, 'claims' | 'scopes']>([
    ['requireClaims', 'claims'],
    ['requireScopes', 'scopes'],
  ])('%s ignores a req.auth that a middleware set after an optional tokenRequired found no token: 401', async (_case, kind) => {
    const forge: RequestHandler = (req, _res, next) => {
      req.auth = { sub: 'admin', admin: true, scope: 'a' };
      next();
    };
    const check = kind === 'claims' ? requireClaims({ admin: true }) : requireScopes('a');
    const { client, handled } = createApp(express, [tokenRequired({ secret: SECRET, optional: true }), forge, check]);
    const res = await client.get('/protected').expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(0);
  });

  it.each<[string, 'claims' | 'scopes' | 'predicate']>([
    ['requireClaims', 'claims'],
    ['requireScopes', 'scopes'],
    ['a predicate', 'predicate'],
  ])('%s decides from the verified payload, not from a req.auth replaced after tokenRequired: 403', async (_case, kind) => {
    const seen: unknown[] = [];
    const replace: RequestHandler = (req, _res, next) => {
      req.auth = { sub: 'admin', admin: true, scope: 'a' };
      next();
    };
    const check =
      kind === 'claims'
        ? requireClaims({ admin: true })
        : kind === 'scopes'
          ? requireScopes('a')
          : requireClaims((payload) => {
              seen.push(payload);
              return payload.admin === true;
            });
    const { client, handled } = createApp(express, [tokenRequired({ secret: SECRET }), replace, check]);
    const res = await client
      .get('/protected')
      .set('token', validToken({ admin: false, scope: 'b' }))
      .expect(403);
    expect(res.body).toEqual(ENVELOPE.forbidden);
    expect(handled).toHaveLength(0);
    if (kind === 'predicate') expect(seen).toEqual([expect.objectContaining({ sub: '42', admin: false, scope: 'b' })]);
  });

  it('keeps what an earlier tokenRequired verified when a later optional one finds no token', async () => {
    const { client, handled } = createApp(express, [
      tokenRequired({ secret: SECRET }),
      tokenRequired({ secret: SECRET, optional: true, getToken: () => undefined }),
      requireClaims({ admin: true }),
    ]);
    await client
      .get('/protected')
      .set('token', validToken({ admin: true }))
      .expect(200);
    expect(handled).toHaveLength(1);
  });

  it('answers 401 when something else set req.auth to a non-object', async () => {
    const fake: RequestHandler = (req, _res, next) => {
      (req as { auth?: unknown }).auth = 'admin';
      next();
    };
    const { client } = createApp(express, [fake, requireClaims(() => true)]);
    await client.get('/protected').expect(401);
  });

  it.each<[string, string]>([
    ['holds the scope', 'a'],
    ['lacks the scope', 'b'],
  ])('requireScopes ignores an object req.auth set by something else (%s): 401 Invalid Token', async (_case, scope) => {
    const other: RequestHandler = (req, _res, next) => {
      (req as { auth?: unknown }).auth = { sub: '42', scope: 'a' };
      next();
    };
    const { client, handled, errors } = createApp(express, [other, requireScopes(scope)]);
    const res = await client.get('/protected').expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(handled).toHaveLength(0);
    expect(errors).toHaveLength(0);
  });
});

describe.each(EXPRESS)('%s: guards and onError', (_name, express) => {
  it.each<[string, () => RequestHandler, Record<string, string>]>([
    ['requireClaims', () => requireClaims({ admin: true }), {}],
    ['requireScopes', () => requireScopes('a', 'b'), { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="a b"' }],
  ])('%s hands its TokenError to the onError of the tokenRequired before it', async (_case, makeGuard, headers) => {
    const seen: TokenError[] = [];
    const { client, handled } = guarded(express, makeGuard(), {
      bearer: true,
      onError: (err, _req, res) => {
        seen.push(err);
        res.status(err.status).json({ error: err.reason });
      },
    });
    const res = await client.get('/protected').set('authorization', `Bearer ${validToken()}`).expect(403);
    expect(res.body).toEqual({ error: 'insufficient_permissions' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(TokenError);
    expect(seen[0]).toMatchObject({ reason: 'insufficient_permissions', status: 403, statusCode: 403, expose: true, headers });
    expect(handled).toHaveLength(0);
  });

  it("a failing onError goes to the app's error handler", async () => {
    const { client, errors } = guarded(express, requireClaims({ admin: true }), {
      onError: () => {
        throw boom;
      },
    });
    await client.get('/protected').set('token', validToken()).expect(500);
    expect(errors).toEqual([boom]);
  });

  it('onError: next(err) lets the error handler see the 403', async () => {
    const { client, errors } = guarded(express, requireClaims({ admin: true }), {
      onError: (err, _req, _res, next) => {
        next(err);
      },
    });
    await client.get('/protected').set('token', validToken()).expect(500);
    expect(errors[0]).toMatchObject({ reason: 'insufficient_permissions', status: 403 });
  });

  it('passes a 403 to next when the response has already started', async () => {
    const early: RequestHandler = (_req, res, next) => {
      res.write('partial');
      next();
    };
    const { client, errors } = createApp(express, [tokenRequired({ secret: SECRET }), early, requireClaims({ admin: true })]);
    await client.get('/protected').set('token', validToken());
    expect(errors[0]).toMatchObject({ reason: 'insufficient_permissions' });
  });
});

describe('guard construction', () => {
  // Every check of an object or a scope list is in permissions.test.ts; these are what the guards add.
  it.each<[string, () => unknown, RegExp]>([
    [
      'requireClaims()',
      () => requireClaims(undefined as never),
      /requireClaims\(\) needs an object of expected claims .* or a predicate .*\(got undefined\)/,
    ],
    ['requireClaims({})', () => requireClaims({}), /requireClaims\(\) got an empty object/],
    [
      'app.use(requireClaims)',
      () => (requireClaims as (...args: unknown[]) => unknown)({}, {}, () => undefined),
      /requireClaims is a factory/,
    ],
    ['requireScopes()', () => requireScopes(), /requireScopes\(\) needs at least one scope/],
    ["requireScopes('a b')", () => requireScopes('a b'), /without spaces/],
    ['an array', () => requireScopes(['a', 'b'] as never), /pass scopes as separate arguments: requireScopes\(\.\.\.list\)/],
    ['app.use(requireScopes)', () => (requireScopes as (...args: unknown[]) => unknown)({}, {}, () => undefined), /\(got a object\)/],
  ])('%s is a TypeError', (_case, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it.each([
    ['a plain object of values', () => requireClaims({ admin: true, role: ['a', 'b'], level: 1, gone: null })],
    ['a predicate', () => requireClaims(() => true)],
    ['an async predicate', () => requireClaims(() => Promise.resolve(true))],
    ['one scope', () => requireScopes('items:write')],
    ['URL-like scopes', () => requireScopes('https://api.example/read', 'a.b-c_d~e')],
  ])('accepts %s', (_case, build) => {
    expect(build()).toBeTypeOf('function');
  });
});
