// The app's hooks: isRevoked, loadUser, a secret resolver, getToken, onError, and hookTimeout.
// The rule for every one: its failure, or its silence past hookTimeout, goes to the app's error handler.
import { spawnSync } from 'node:child_process';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireClaims, TokenError, tokenRequired, verifyToken, type TokenRequiredOptions } from '../src/index.js';
import { createApp, type AppOptions, ENVELOPE, EXPRESS } from './helpers/app.js';
import { boom, FAILURES } from './helpers/failures.js';
import { makeToken, now, OTHER_SECRET, SECRET, validToken } from './helpers/tokens.js';

const token = validToken({ jti: 'abc' });

/** Every hook, given a behaviour; the request carries a valid token in the `token` header. */
const HOOKS: [string, (fail: () => unknown) => AppOptions][] = [
  ['getToken', (fail) => ({ getToken: () => fail() as string })],
  ['secret resolver', (fail) => ({ secret: () => fail() as string })],
  ['isRevoked', (fail) => ({ isRevoked: fail })],
  ['loadUser', (fail) => ({ loadUser: () => fail() as Express.User })],
];

describe.each(EXPRESS)('%s: hooks', (_name, express) => {
  describe('isRevoked', () => {
    it.each([true, 1, 'yes', Promise.resolve(true)])('refuses with 401 Token revoked when it returns %s', async (result) => {
      const { client, handled } = createApp(express, { isRevoked: () => result });
      const res = await client.delete('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.revoked);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(handled).toHaveLength(0);
    });

    it.each([false, 0, '', null, undefined, Promise.resolve(false)])('lets the request through when it returns %s', async (result) => {
      const { client } = createApp(express, { isRevoked: () => result });
      await client.delete('/protected').set('token', token).expect(200);
    });

    it('receives the verified payload and the request', async () => {
      const seen: [unknown, unknown][] = [];
      const { client } = createApp(express, {
        isRevoked: (payload, req) => {
          seen.push([payload.jti, req.path]);
          return false;
        },
      });
      await client.get('/protected').set('token', token).expect(200);
      expect(seen).toEqual([['abc', '/protected']]);
    });

    it('is not called for an invalid token', async () => {
      let calls = 0;
      const { client } = createApp(express, { isRevoked: () => ++calls });
      await client
        .get('/protected')
        .set('token', validToken({}, { secret: OTHER_SECRET }))
        .expect(401);
      expect(calls).toBe(0);
    });
  });

  describe('loadUser', () => {
    it.each([null, undefined, Promise.resolve(null)])('refuses with 401 User not found when it returns %s', async (result) => {
      const { client, handled } = createApp(express, { loadUser: () => result });
      const res = await client.put('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.noUser);
      expect(handled).toHaveLength(0);
    });

    it('puts what it returns (sync or async) on req.user, and the payload on req.auth', async () => {
      const { client, handled } = createApp(express, { loadUser: (payload) => Promise.resolve({ id: payload.sub, name: 'Ada' }) });
      const res = await client.put('/protected').set('token', token).expect(200);
      expect(res.body.user).toEqual({ id: '42', name: 'Ada' });
      expect(handled[0]?.user).toEqual({ id: '42', name: 'Ada' });
      expect(handled[0]?.auth).toMatchObject({ sub: '42', jti: 'abc' });
    });

    it('runs after isRevoked, and not at all for a revoked token', async () => {
      const order: string[] = [];
      const { client } = createApp(express, {
        isRevoked: () => {
          order.push('isRevoked');
          return true;
        },
        loadUser: () => {
          order.push('loadUser');
          return {};
        },
      });
      await client.get('/protected').set('token', token).expect(401);
      expect(order).toEqual(['isRevoked']);
    });

    it('leaves req.user alone when not configured', async () => {
      const { client, handled } = createApp(express);
      await client.get('/protected').set('token', token).expect(200);
      expect(handled[0]).not.toHaveProperty('user');
    });
  });

  describe.each(HOOKS)('a failing %s', (_hook, configure) => {
    it.each(FAILURES)('that %s goes to the error handler (500), handler not run', async (_how, fail, check) => {
      const { client, handled, errors } = createApp(express, configure(fail));
      const res = await client.post('/protected').set('token', token).expect(500);
      expect(res.body).toEqual({ error: 'handler' });
      expect(errors).toHaveLength(1);
      check(errors[0]);
      expect(handled).toHaveLength(0);
    });

    it('goes to the error handler as that very error when the token came as Bearer', async () => {
      const { client, errors } = createApp(express, {
        ...configure(() => {
          throw boom;
        }),
        bearer: true,
      });
      await client.post('/protected').set('Authorization', `Bearer ${token}`).expect(500);
      expect(errors).toEqual([boom]);
    });

    it('never reaches onError', async () => {
      let onErrorCalls = 0;
      const { client } = createApp(express, {
        ...configure(() => {
          throw boom;
        }),
        onError: () => {
          onErrorCalls++;
        },
      });
      await client.post('/protected').set('token', token).expect(500);
      expect(onErrorCalls).toBe(0);
    });
  });

  it('calls next exactly once on success', async () => {
    let nextCalls = 0;
    const guard = tokenRequired({ secret: SECRET, loadUser: () => Promise.resolve({}) });
    const counted = (req: Request, res: Response, next: NextFunction): void => {
      void guard(req, res, (...args: unknown[]) => {
        nextCalls++;
        (next as (...a: unknown[]) => void)(...args);
      });
    };
    const { client } = createApp(express, counted);
    await client.get('/protected').set('token', token).expect(200);
    expect(nextCalls).toBe(1);
  });

  describe('secret resolver', () => {
    it('receives the unverified header and payload and picks the key', async () => {
      const keys: Record<string, string> = { k1: OTHER_SECRET, k2: SECRET };
      const seen: unknown[] = [];
      const { client, handled } = createApp(express, {
        secret: (header, payload) => {
          seen.push([header.kid, payload.sub]);
          return keys[String(header.kid)];
        },
      });
      await client
        .get('/protected')
        .set('token', validToken({}, { header: { kid: 'k2' } }))
        .expect(200);
      expect(seen).toEqual([['k2', '42']]);
      expect(handled).toHaveLength(1);
      const res = await client
        .get('/protected')
        .set('token', validToken({}, { header: { kid: 'k1' } }))
        .expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
    });

    it.each([undefined, null])('answers Invalid Token when it returns %s', async (key) => {
      const { client } = createApp(express, { secret: () => key });
      const res = await client.get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
    });

    it.each([
      ['an empty string', ''],
      ['a short key', 'short'],
      ['a number', 42],
      ['a PEM block', `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(64)}\n-----END PUBLIC KEY-----`],
    ])('treats %s as a configuration error (500), never a verify', async (_case, key) => {
      const { client, errors, handled } = createApp(express, { secret: () => key as string });
      await client.get('/protected').set('token', token).expect(500);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect(handled).toHaveLength(0);
    });

    it('is not asked about garbage or foreign algorithms', async () => {
      let calls = 0;
      const { client } = createApp(express, {
        secret: () => {
          calls++;
          return SECRET;
        },
      });
      for (const bad of ['garbage', validToken({}, { header: { alg: 'HS512' } }), validToken({}, { header: { alg: 'none' } })]) {
        const res = await client.get('/protected').set('token', bad).expect(401);
        expect(res.body).toEqual(ENVELOPE.invalid);
      }
      expect(calls).toBe(0);
    });
  });

  describe('onError', () => {
    it('may take its time: an async onError that settles later is never cut short (hookTimeout leaves it alone)', async () => {
      const { client, errors } = createApp(express, {
        hookTimeout: 5,
        onError: async (err, _req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 40));
          res.status(err.status).json({ late: err.reason });
        },
      });
      const res = await client.get('/protected').expect(400);
      expect(res.body).toEqual({ late: 'token_missing' });
      expect(errors).toEqual([]);
    });

    it('replaces the default response and receives the TokenError', async () => {
      const seen: TokenError[] = [];
      const { client } = createApp(express, {
        onError: (err, _req, res) => {
          seen.push(err);
          res.status(err.status).json({ error: err.reason });
        },
      });
      const res = await client.get('/protected').expect(400);
      expect(res.body).toEqual({ error: 'token_missing' });
      expect(seen[0]).toBeInstanceOf(TokenError);
    });

    it('can hand the error to the app error handler with next(err)', async () => {
      const { client, errors } = createApp(express, {
        onError: (err, _req, _res, next) => {
          next(err);
        },
      });
      await client.get('/protected').set('token', 'bad').expect(500);
      expect(errors[0]).toMatchObject({ name: 'TokenError', reason: 'token_invalid', status: 401 });
    });

    it.each([
      [
        'throws',
        () => {
          throw boom;
        },
      ],
      ['rejects', () => Promise.reject(boom)],
    ])('that %s goes to the error handler', async (_how, onError) => {
      const { client, errors } = createApp(express, { onError });
      await client.get('/protected').expect(500);
      expect(errors).toEqual([boom]);
    });

    it('sees the Bearer challenge in err.headers', async () => {
      const { client } = createApp(express, {
        bearer: true,
        onError: (err, _req, res) => {
          res.status(err.status).json(err.headers);
        },
      });
      const res = await client.get('/protected').set('Authorization', 'Bearer bad').expect(401);
      expect(res.body).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    });
  });

  it.each([
    ['revoked', { isRevoked: () => true }, ENVELOPE.revoked],
    ['user not found', { loadUser: () => null }, ENVELOPE.noUser],
    ['expired', {}, ENVELOPE.expired],
  ] as const)('challenges a Bearer token refused as %s', async (_case, options, body) => {
    const { client } = createApp(express, { bearer: true, ...options });
    const bearer = _case === 'expired' ? validToken({ exp: 1 }) : token;
    const res = await client.get('/protected').set('Authorization', `Bearer ${bearer}`).expect(401);
    expect(res.body).toEqual(body);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  // Without hooks the guard calls next() before returning; with one, from a promise. Either way
  // a route that throws after it is the app's error, met once by its handler.
  it.each([
    ['no hook', {}],
    ['loadUser', { loadUser: () => ({ id: '42' }) }],
  ] as const)('leaves an error thrown by the route to the error handler, once (%s)', async (_case, options) => {
    const errors: unknown[] = [];
    const app = express();
    app.get('/protected', tokenRequired({ secret: SECRET, ...options }), () => {
      throw boom;
    });
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(err);
      res.status(500).json({ error: 'handler' });
    });
    const res = await request(app).get('/protected').set('token', token).expect(500);
    expect(res.body).toEqual({ error: 'handler' });
    expect(errors).toEqual([boom]);
  });

  it('hands the refusal to the error handler when a response was already started', async () => {
    const { client, errors } = createApp(express, (req, res, next) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      void tokenRequired({ secret: SECRET })(req, res, next);
    });
    await client.get('/protected').catch(() => undefined);
    expect(errors[0]).toBeInstanceOf(TokenError);
  });
});

/** What each hook's timeout error calls it. */
const HOOK_NAMES: Record<string, string> = {
  getToken: 'getToken',
  'secret resolver': 'the secret resolver',
  isRevoked: 'isRevoked',
  loadUser: 'loadUser',
};
const never = () => new Promise<never>(() => undefined);

describe.each(EXPRESS)('%s: hookTimeout', (_name, express) => {
  describe.each(HOOKS)('a %s that never settles', (hook, configure) => {
    it('goes to the error handler after hookTimeout, with an Error naming the hook and the time', async () => {
      const { client, handled, errors } = createApp(express, { ...configure(never), hookTimeout: 50 });
      const res = await client.get('/protected').set('token', token).expect(500);
      expect(res.body).toEqual({ error: 'handler' });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(Error);
      expect(errors[0]).not.toBeInstanceOf(TokenError);
      expect((errors[0] as Error).message).toBe(`express-token-required: ${HOOK_NAMES[hook]!} did not settle within 50 ms (hookTimeout)`);
      expect(handled).toHaveLength(0);
    });
  });

  it('gives a hook that settles late no second say: one error, the handler never runs', async () => {
    let settled = false;
    const late = () =>
      new Promise<boolean>((resolve) =>
        setTimeout(() => {
          settled = true;
          resolve(false);
        }, 100),
      );
    const { client, handled, errors } = createApp(express, { isRevoked: late, hookTimeout: 30 });
    await client.get('/protected').set('token', token).expect(500);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(settled).toBe(true);
    expect(errors).toHaveLength(1);
    expect(handled).toHaveLength(0);
  });

  it('lets a slow hook finish within its time', async () => {
    const slow = () =>
      new Promise<boolean>((resolve) =>
        setTimeout(() => {
          resolve(false);
        }, 20),
      );
    const { client, handled } = createApp(express, { isRevoked: slow, hookTimeout: 1000 });
    await client.get('/protected').set('token', token).expect(200);
    expect(handled).toHaveLength(1);
  });

  it('applies to a guard predicate, with the hookTimeout of the tokenRequired before it', async () => {
    const { client, handled, errors } = createApp(express, [tokenRequired({ secret: SECRET, hookTimeout: 40 }), requireClaims(never)]);
    await client.get('/protected').set('token', token).expect(500);
    expect((errors[0] as Error).message).toBe(
      'express-token-required: the requireClaims predicate did not settle within 40 ms (hookTimeout)',
    );
    expect(handled).toHaveLength(0);
  });
});

describe('hookTimeout defaults and limits (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function pendingRequest(options: AppOptions) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let called!: () => void;
    const reached = new Promise<void>((resolve) => {
      called = resolve;
    });
    let release!: (revoked: boolean) => void;
    const { client, errors, handled } = createApp(EXPRESS[0][1], {
      ...options,
      isRevoked: () => {
        called();
        return new Promise<boolean>((resolve) => {
          release = resolve;
        });
      },
    });
    const response = client
      .get('/protected')
      .set('token', token)
      .then((res) => res);
    await reached;
    return {
      response,
      errors,
      handled,
      release: (revoked: boolean) => {
        release(revoked);
      },
    };
  }

  it('defaults to 10000 ms', async () => {
    const { response, errors } = await pendingRequest({});
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(9999);
    expect(errors).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect((await response).status).toBe(500);
    expect((errors[0] as Error).message).toBe('express-token-required: isRevoked did not settle within 10000 ms (hookTimeout)');
  });

  it('clears its timer when the hook settles', async () => {
    const { response, release, handled } = await pendingRequest({});
    expect(vi.getTimerCount()).toBe(1);
    release(false);
    expect((await response).status).toBe(200);
    expect(vi.getTimerCount()).toBe(0);
    expect(handled).toHaveLength(1);
  });

  it('false sets no limit: no timer, and the request waits for the hook', async () => {
    const { response, release, errors } = await pendingRequest({ hookTimeout: false });
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 ** 31);
    release(true);
    const res = await response;
    expect([res.status, res.body]).toEqual([401, ENVELOPE.revoked]);
    expect(errors).toHaveLength(0);
  });
});

describe('hookTimeout with verifyToken', () => {
  it('rejects with the timeout Error when the secret resolver never settles', async () => {
    const verifying = verifyToken(token, { secret: never, hookTimeout: 30 });
    await expect(verifying).rejects.not.toBeInstanceOf(TokenError);
    await expect(verifying).rejects.toThrow(/^express-token-required: the secret resolver did not settle within 30 ms \(hookTimeout\)$/);
  });

  it.each<[string, unknown]>([
    ['0', 0],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a string', '10s'],
    ['true', true],
    ['more than setTimeout can wait', 2 ** 31],
  ])('refuses %s at start-up with a TypeError', (_case, hookTimeout) => {
    const build = () => tokenRequired({ secret: SECRET, hookTimeout } as TokenRequiredOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(
      /^express-token-required: option 'hookTimeout' must be a whole number of milliseconds from 1 to 2147483647, or false for no limit \(got .+\)$/,
    );
  });

  it('never keeps the process alive: a script whose resolver never settles exits at once', () => {
    const script = `
      import { verifyToken } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      verifyToken(${JSON.stringify(token)}, { secret: () => new Promise(() => {}), hookTimeout: 600000 }).catch(() => process.exit(3));
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect([child.status, child.signal, child.stderr]).toEqual([0, null, '']);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 130_000);
});

describe('what a secret resolver is shown', () => {
  const good = makeToken({ exp: now() + 3600 });
  const [h, p, s] = good.split('.') as [string, string, string];

  // Node's base64url decoder skips what it does not know; these must be refused before any decoding.
  it.each([
    ['four segments', `${good}.${s}`],
    ['a leading dot', `.${good}`],
    ['base64 padding', `${h}=.${p}.${s}`],
    ['a + in the header', `${h.slice(0, -1)}+.${p}.${s}`],
    ['a space inside', `${h}.${p.slice(0, 4)} ${p.slice(4)}.${s}`],
    ['leading garbage', `!!${good}`],
    ['trailing garbage', `${good}!!`],
  ])('nothing of a token with %s', async (_case, token) => {
    const seen: unknown[] = [];
    const rejection = verifyToken(token, {
      secret: (header) => {
        seen.push(header);
        return SECRET;
      },
    });
    await expect(rejection).rejects.toMatchObject({ reason: 'token_invalid' });
    expect(seen).toEqual([]);
  });

  it('the header and payload of a well-formed token', async () => {
    const seen: unknown[] = [];
    await verifyToken(good, {
      secret: (header, payload) => {
        seen.push(header, payload);
        return SECRET;
      },
    });
    expect(seen).toEqual([{ alg: 'HS256', typ: 'JWT' }, { exp: expect.any(Number) }]);
  });
});
