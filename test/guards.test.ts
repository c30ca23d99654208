// Permission guards after tokenRequired: requireClaims and requireScopes (403 Insufficient permissions).
import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { requireClaims, requireScopes, TokenError, tokenRequired } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS, type AppOptions, type ExpressFactory } from './helpers/app.js';
import { SECRET, validToken } from './helpers/tokens.js';

const boom = new Error('policy service down');
// Guards are built inside each test, never in an it.each table: a construction error then fails
// that test instead of the file's collection (which Stryker's vitest runner scores as survived).

/** An app whose route is guarded by tokenRequired (with `options`) and then `guard`. */
function guarded(express: ExpressFactory, guard: RequestHandler, options: AppOptions = {}) {
  return createApp(express, [tokenRequired({ ...options, secret: SECRET }), guard]);
}

describe.each(EXPRESS)('%s: requireClaims', (_name, express) => {
  it.each<[string, Parameters<typeof requireClaims>[0], Record<string, unknown>, 200 | 403]>([
    ['an equal value', { admin: true }, { admin: true }, 200],
    ['a different value', { admin: true }, { admin: false }, 403],
    ['the same value of another type', { admin: true }, { admin: 'true' }, 403],
    ['a number', { level: 3 }, { level: 3 }, 200],
    ['a number as a string', { level: 3 }, { level: '3' }, 403],
    ['a missing claim', { admin: true }, {}, 403],
    ['null expected, null present', { deletedAt: null }, { deletedAt: null }, 200],
    ['null expected, claim missing', { deletedAt: null }, {}, 403],
    ['any of: the first', { role: ['editor', 'admin'] }, { role: 'editor' }, 200],
    ['any of: the second', { role: ['editor', 'admin'] }, { role: 'admin' }, 200],
    ['any of: none', { role: ['editor', 'admin'] }, { role: 'viewer' }, 403],
    ['an array claim holding the value', { roles: 'a' }, { roles: ['a', 'b'] }, 200],
    ['an array claim without the value', { roles: 'c' }, { roles: ['a', 'b'] }, 403],
    ['an array claim sharing one of several', { roles: ['c', 'b'] }, { roles: ['a', 'b'] }, 200],
    ['an empty array claim', { roles: 'a' }, { roles: [] }, 403],
    ['an object claim', { org: 'x' }, { org: { id: 'x' } }, 403],
    ['every claim holding', { admin: true, org: 'acme' }, { admin: true, org: 'acme' }, 200],
    ['one claim of two failing', { admin: true, org: 'acme' }, { admin: true, org: 'other' }, 403],
    ['a claim named like an Object.prototype member', { constructor: 'Object' }, {}, 403],
  ])('object check, %s: %s', async (_case, check, claims, status) => {
    const { client, handled } = guarded(express, requireClaims(check));
    const res = await client.post('/protected').set('token', validToken(claims)).expect(status);
    expect(handled).toHaveLength(status === 200 ? 1 : 0);
    if (status === 403) expect(res.body).toEqual(ENVELOPE.forbidden);
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
    await client.get('/protected').set('token', validToken({ admin: true })).expect(status);
    expect(handled).toHaveLength(status === 200 ? 1 : 0);
  });

  it('gives the predicate the verified payload and the request', async () => {
    const seen: unknown[] = [];
    const guard = requireClaims((payload, req) => {
      seen.push(payload.sub, payload.org, req.method, req.path);
      return true;
    });
    const { client } = guarded(express, guard);
    await client.patch('/protected').set('token', validToken({ org: 'acme' })).expect(200);
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

  it.each<[string, () => unknown, (error: unknown) => void]>([
    ['throws', () => { throw boom; }, (error) => { expect(error).toBe(boom); }],
    ['rejects', () => Promise.reject(boom), (error) => { expect(error).toBe(boom); }],
    ['rejects with undefined', () => Promise.reject(undefined), (error) => { expect(error).toBeInstanceOf(Error); }],
    ["throws the string 'route'", () => { throw 'route'; }, (error) => { expect((error as Error).cause).toBe('route'); }],
  ])('a predicate that %s goes to the error handler (500), handler not run', async (_case, predicate, check) => {
    const { client, handled, errors } = guarded(express, requireClaims(predicate as () => boolean));
    const res = await client.post('/protected').set('token', validToken()).expect(500);
    expect(res.body).toEqual({ error: 'handler' });
    expect(errors).toHaveLength(1);
    check(errors[0]);
    expect(handled).toHaveLength(0);
  });
});

describe.each(EXPRESS)('%s: requireScopes', (_name, express) => {
  it.each<[string, string[], Record<string, unknown>, 200 | 403]>([
    ['a space-separated scope holding all', ['a', 'b'], { scope: 'a b c' }, 200],
    ['a space-separated scope holding one', ['a', 'b'], { scope: 'a c' }, 403],
    ['extra spaces in scope', ['a', 'b'], { scope: ' a  b ' }, 200],
    ['a scope array', ['a', 'b'], { scope: ['b', 'a'] }, 200],
    ['a scopes array', ['a', 'b'], { scopes: ['a', 'b'] }, 200],
    ['a permissions array', ['read:items'], { permissions: ['read:items'] }, 200],
    ['scope and permissions together', ['a', 'b'], { scope: 'a', permissions: ['b'] }, 200],
    ['a permissions array missing one', ['a', 'b'], { permissions: ['a'] }, 403],
    ['a scopes string (arrays only)', ['a'], { scopes: 'a' }, 403],
    ['a permissions string (arrays only)', ['a'], { permissions: 'a' }, 403],
    ['another case', ['items:write'], { scope: 'Items:Write' }, 403],
    ['a prefix only', ['items:write'], { scope: 'items' }, 403],
    ['no scope claim', ['a'], {}, 403],
    ['a non-string scope claim', ['1'], { scope: 1 }, 403],
    ['non-strings in an array', ['1'], { scopes: [1, null] }, 403],
    ['a tab-separated scope', ['a'], { scope: 'a\tb' }, 403],
    ['the same scope listed twice', ['a', 'a'], { scope: 'a' }, 200],
  ])('%s', async (_case, scopes, claims, status) => {
    const { client, handled } = guarded(express, requireScopes(...scopes));
    const res = await client.put('/protected').set('token', validToken(claims)).expect(status);
    expect(handled).toHaveLength(status === 200 ? 1 : 0);
    if (status === 403) {
      expect(res.body).toEqual(ENVELOPE.forbidden);
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('adds the RFC 6750 §3.1 challenge, listing every required scope, to a 403 for a Bearer token', async () => {
    const { client, handled } = guarded(express, requireScopes('a', 'b'), { bearer: true });
    const res = await client.post('/protected').set('authorization', `Bearer ${validToken({ scope: 'a' })}`).expect(403);
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
    await client.get('/protected').set('authorization', `Bearer ${validToken({ scope: 'a' })}`).expect(200);
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
    const res = await client.get('/protected').set('token', validToken({ admin: true, scope: 'a' })).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(handled).toHaveLength(0);
  });

  it('answers 401 Invalid Token after an optional tokenRequired let a request without a token through', async () => {
    const { client, handled } = guarded(express, requireClaims(() => true), { optional: true });
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
      kind === 'claims' ? requireClaims({ admin: true })
      : kind === 'scopes' ? requireScopes('a')
      : requireClaims((payload) => {
          seen.push(payload);
          return payload.admin === true;
        });
    const { client, handled } = createApp(express, [tokenRequired({ secret: SECRET }), replace, check]);
    const res = await client.get('/protected').set('token', validToken({ admin: false, scope: 'b' })).expect(403);
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
    await client.get('/protected').set('token', validToken({ admin: true })).expect(200);
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

describe.each(EXPRESS)('%s: guards and a polluted Object.prototype', (_name, express) => {
  // Only the token's own claims count: a prototype polluted elsewhere in the app grants nothing.
  it.each<[string, string, unknown, () => RequestHandler]>([
    ['requireClaims', 'admin', true, () => requireClaims({ admin: true })],
    ['requireClaims, any of', 'role', 'editor', () => requireClaims({ role: ['editor', 'admin'] })],
    ['requireScopes from scope', 'scope', 'a', () => requireScopes('a')],
    ['requireScopes from permissions', 'permissions', ['a'], () => requireScopes('a')],
  ])('%s answers 403 for a token without the claim', async (_case, claim, value, makeGuard) => {
    const { client, handled } = guarded(express, makeGuard());
    const prototype = Object.prototype as Record<string, unknown>;
    prototype[claim] = value;
    try {
      const res = await client.get('/protected').set('token', validToken()).expect(403);
      expect(res.body).toEqual(ENVELOPE.forbidden);
      expect(handled).toHaveLength(0);
    } finally {
      Reflect.deleteProperty(prototype, claim);
    }
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
    const { client, errors } = guarded(express, requireClaims({ admin: true }), { onError: () => { throw boom; } });
    await client.get('/protected').set('token', validToken()).expect(500);
    expect(errors).toEqual([boom]);
  });

  it('onError: next(err) lets the error handler see the 403', async () => {
    const { client, errors } = guarded(express, requireClaims({ admin: true }), { onError: (err, _req, _res, next) => { next(err); } });
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
  it.each<[string, () => unknown, RegExp]>([
    ['requireClaims()', () => requireClaims(undefined as never), /requireClaims\(\) needs an object of expected claims .* or a predicate .*\(got undefined\)/],
    ['requireClaims(null)', () => requireClaims(null as never), /\(got null\)/],
    ["requireClaims('admin')", () => requireClaims('admin' as never), /\(got "admin"\)/],
    ['requireClaims([])', () => requireClaims([] as never), /\(got an array\)/],
    ['requireClaims({})', () => requireClaims({}), /requireClaims\(\) got an empty object/],
    ['an undefined expected value', () => requireClaims({ role: undefined as never }), /claim 'role' must be a string, number, boolean or null.*\(got undefined\)/],
    ['an object expected value', () => requireClaims({ org: {} as never }), /claim 'org' .*use a predicate/],
    ['an empty any-of array', () => requireClaims({ role: [] }), /claim 'role' .*non-empty array/],
    ['an object in an any-of array', () => requireClaims({ role: ['a', {} as never] }), /claim 'role'/],
    ['NaN', () => requireClaims({ level: Number.NaN }), /claim 'level'/],
    ['app.use(requireClaims)', () => (requireClaims as (...args: unknown[]) => unknown)({}, {}, () => undefined), /requireClaims is a factory/],
    ['requireScopes()', () => requireScopes(), /requireScopes\(\) needs at least one scope/],
    ["requireScopes('')", () => requireScopes(''), /non-empty strings without spaces.*\(got ""\)/],
    ["requireScopes('a b')", () => requireScopes('a b'), /without spaces/],
    ['a quote in a scope', () => requireScopes('a"b'), /quotes/],
    ['a backslash in a scope', () => requireScopes('a\\b'), /backslashes/],
    ['a number', () => requireScopes(1 as never), /without spaces, quotes or backslashes \(got 1\)$/],
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
