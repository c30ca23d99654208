// Claims: exp, nbf, iat and maxAge, iss, aud, sub, requireExpiry and clockTolerance.
// Each rule at its exact boundary with a frozen clock, the cause each refusal carries (the error
// jsonwebtoken.verify throws for it: class, message, date), and the middleware's answers on both Express versions.
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenError, verifyToken, type VerifyClaimOptions } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS, expectRefusal } from './helpers/app.js';
import { dateAt, freezeClock, frozenClockPerTest, NOW, thawClock } from './helpers/clock.js';
import { makeToken, now, OTHER_SECRET, SECRET, validToken } from './helpers/tokens.js';

type Expect = 'ok' | [reason: 'token_invalid' | 'token_expired', cause: Error];

const invalid = (message: string): Expect => ['token_invalid', new jwt.JsonWebTokenError(message)];
const expired = (message: string, when: number): Expect => ['token_expired', new jwt.TokenExpiredError(message, dateAt(when))];
const notYet = (when: number): Expect => ['token_invalid', new jwt.NotBeforeError('jwt not active', dateAt(when))];

const EXP = { exp: NOW + 3600 };

const CASES: [string, VerifyClaimOptions, unknown, Expect][] = [
  ['nbf now', {}, { ...EXP, nbf: NOW }, 'ok'],
  ['nbf a second ahead', {}, { ...EXP, nbf: NOW + 1 }, notYet(NOW + 1)],
  ['nbf at the tolerance', { clockTolerance: 5 }, { ...EXP, nbf: NOW + 5 }, 'ok'],
  ['nbf past the tolerance', { clockTolerance: 5 }, { ...EXP, nbf: NOW + 6 }, notYet(NOW + 6)],
  ['nbf not a number', {}, { ...EXP, nbf: String(NOW) }, invalid('invalid nbf value')],
  ['exp a second ahead', {}, { exp: NOW + 1 }, 'ok'],
  ['exp now', {}, { exp: NOW }, expired('jwt expired', NOW)],
  ['exp within the tolerance', { clockTolerance: 5 }, { exp: NOW - 4 }, 'ok'],
  ['exp at the tolerance', { clockTolerance: 5 }, { exp: NOW - 5 }, expired('jwt expired', NOW - 5)],
  ['exp not a number', {}, { exp: String(NOW + 60) }, invalid('invalid exp value')],
  ['iat within maxAge', { maxAge: 60 }, { ...EXP, iat: NOW - 59 }, 'ok'],
  ['iat at maxAge', { maxAge: 60 }, { ...EXP, iat: NOW - 60 }, expired('maxAge exceeded', NOW)],
  ['iat within maxAge and the tolerance', { maxAge: 60, clockTolerance: 5 }, { ...EXP, iat: NOW - 64 }, 'ok'],
  ['iat at maxAge and the tolerance', { maxAge: 60, clockTolerance: 5 }, { ...EXP, iat: NOW - 65 }, expired('maxAge exceeded', NOW - 5)],
  ['no iat with maxAge', { maxAge: 60 }, EXP, invalid('iat required when maxAge is specified')],
  ['iat not a number', {}, { ...EXP, iat: String(NOW) }, invalid('invalid iat value')],
  ['expired and of another audience: expiry first', { audience: 'api' }, { exp: NOW, aud: 'web' }, expired('jwt expired', NOW)],
  ["aud one of the token's", { audience: 'api' }, { ...EXP, aud: ['web', 'api'] }, 'ok'],
  ['aud a prefix of the accepted one', { audience: 'api' }, { ...EXP, aud: 'ap' }, invalid('jwt audience invalid. expected: api')],
  [
    'aud none of the accepted ones',
    { audience: ['api', 'admin'] },
    { ...EXP, aud: ['a', 'pi'] },
    invalid('jwt audience invalid. expected: api or admin'),
  ],
  ['aud an array with a number', { audience: 'api' }, { ...EXP, aud: ['api', 7] }, invalid('invalid aud value')],
  ['iss not accepted', { issuer: ['auth', 'sso'] }, { ...EXP, iss: 'aut' }, invalid('jwt issuer invalid. expected: auth,sso')],
  ['sub not the one', { subject: '42' }, { ...EXP, sub: '4' }, invalid('jwt subject invalid. expected: 42')],
  // JSON's 1e400 parses to Infinity: a NumericDate must be finite (RFC 7519 §2).
  ['exp 1e400 (Infinity)', {}, '{"sub":"42","exp":1e400}', invalid('invalid exp value')],
  ['exp -1e400', {}, '{"sub":"42","exp":-1e400}', invalid('invalid exp value')],
  ['nbf 1e400', {}, `{"exp":${String(NOW + 60)},"nbf":1e400}`, invalid('invalid nbf value')],
  ['nbf -1e400', {}, `{"exp":${String(NOW + 60)},"nbf":-1e400}`, invalid('invalid nbf value')],
  ['iat 1e400', {}, `{"exp":${String(NOW + 60)},"iat":1e400}`, invalid('invalid iat value')],
  ['iat 1e400 with maxAge', { maxAge: 60 }, `{"exp":${String(NOW + 60)},"iat":1e400}`, invalid('invalid iat value')],
  ['iat -1e400 with maxAge', { maxAge: 60 }, `{"exp":${String(NOW + 60)},"iat":-1e400}`, invalid('invalid iat value')],
  ['exp 1e300, large but finite', {}, '{"sub":"42","exp":1e300}', 'ok'],
  ['no exp', {}, { sub: '42' }, invalid('exp required')],
  ['no exp, not required', { requireExpiry: false }, { sub: '42' }, 'ok'],
];

async function outcome(token: string, options: VerifyClaimOptions): Promise<unknown> {
  try {
    await verifyToken(token, { secret: SECRET, ...options });
    return 'ok';
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return [error.reason, error.cause];
  }
}

describe('claims at their boundaries (clock frozen)', () => {
  frozenClockPerTest(NOW);

  it.each(CASES)('%s', async (_case, options, payload, expected) => {
    const result = await outcome(makeToken(payload), options);
    expect(result).toStrictEqual(expected);
    if (expected !== 'ok') {
      const [, cause] = result as [string, Error];
      expect(cause).toBeInstanceOf(expected[1].constructor);
      expect(cause.message).toBe(expected[1].message);
    }
  });

  it.each<[string, string, string]>([
    ['not three segments', 'a.b', 'jwt malformed'],
    ['a header without alg', makeToken(EXP).replace(/^[^.]+/, Buffer.from('{}').toString('base64url')), 'invalid algorithm'],
    ['another algorithm', makeToken(EXP, { header: { alg: 'HS512' } }), 'invalid algorithm'],
    ['another key', makeToken(EXP, { secret: OTHER_SECRET }), 'invalid signature'],
    ['a crit header', makeToken(EXP, { header: { crit: ['exp'] } }), 'crit is not supported'],
  ])('names the flaw of a token with %s in its cause', async (_case, token, message) => {
    await expect(outcome(token, {})).resolves.toStrictEqual(['token_invalid', new jwt.JsonWebTokenError(message)]);
  });
});

/** Claims that make a token 401 Invalid Token through the middleware, with default options. */
const INVALID_CLAIMS: [string, string][] = [
  ['nbf in the future', validToken({ nbf: now() + 600 })],
  ['no exp (requireExpiry defaults to true)', makeToken({ sub: '42' })],
  ['exp as a string', validToken({ exp: String(now() + 3600) })],
  ['iat as a string', validToken({ iat: String(now()) })],
  ['nbf as a string', validToken({ nbf: String(now() - 10) })],
];

describe.each(EXPRESS)('%s: claims through the middleware', (_name, express) => {
  afterEach(thawClock);

  it.each(INVALID_CLAIMS)('answers 401 Invalid Token for %s, handler not run', async (_case, token) => {
    const { client, handled } = createApp(express);
    const res = await client.post('/protected').set('token', token).expect(401);
    expectRefusal(res, ENVELOPE.invalid, token);
    expect(handled).toHaveLength(0);
  });

  it('answers 401 Token expired for a token past its exp, handler not run', async () => {
    const { client, handled } = createApp(express);
    const res = await client
      .delete('/protected')
      .set('token', validToken({ iat: now() - 100, exp: now() - 10 }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(handled).toHaveLength(0);
  });

  it('allows clockTolerance seconds past exp, and no more', async () => {
    const { client } = createApp(express, { clockTolerance: 30 });
    await client
      .get('/protected')
      .set('token', validToken({ exp: now() - 10 }))
      .expect(200);
    const res = await client
      .get('/protected')
      .set('token', validToken({ exp: now() - 60 }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });

  it('takes clockTolerance: 0, its minimum, as no leeway', async () => {
    const { client } = createApp(express, { clockTolerance: 0 });
    const res = await client
      .get('/protected')
      .set('token', validToken({ exp: now() - 1 }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });

  it('allows clockTolerance seconds before nbf', async () => {
    const { client } = createApp(express, { clockTolerance: 30 });
    await client
      .get('/protected')
      .set('token', validToken({ nbf: now() + 10 }))
      .expect(200);
  });

  it('refuses a token older than maxAge as expired, and one without iat as invalid', async () => {
    const { client } = createApp(express, { maxAge: '10m' });
    await client
      .get('/protected')
      .set('token', validToken({ iat: now() - 60 }))
      .expect(200);
    const old = await client
      .get('/protected')
      .set('token', validToken({ iat: now() - 3600 }))
      .expect(401);
    expect(old.body).toEqual(ENVELOPE.expired);
    const noIat = await client
      .get('/protected')
      .set('token', makeToken({ exp: now() + 60 }))
      .expect(401);
    expect(noIat.body).toEqual(ENVELOPE.invalid);
  });

  it('accepts a token without exp when requireExpiry is false', async () => {
    const { client } = createApp(express, { requireExpiry: false });
    await client
      .get('/protected')
      .set('token', makeToken({ sub: '42' }))
      .expect(200);
  });

  it.each([
    ['issuer', { issuer: 'auth.example' }, { iss: 'auth.example' }, { iss: 'evil.example' }],
    ['issuer (any of several)', { issuer: ['a.example', 'b.example'] }, { iss: 'b.example' }, { iss: 'c.example' }],
    ['issuer (wrong type)', { issuer: 'a.example' }, { iss: 'a.example' }, { iss: ['a.example'] }],
    ['audience', { audience: 'api' }, { aud: ['web', 'api'] }, { aud: 'web' }],
    ['audience (wrong type)', { audience: 'api' }, { aud: 'api' }, { aud: { 0: 'api' } }],
    ['audience (mixed array)', { audience: 'api' }, { aud: 'api' }, { aud: ['api', 7] }],
    ['subject', { subject: '42' }, { sub: '42' }, { sub: '43' }],
    ['subject (wrong type)', { subject: '42' }, { sub: '42' }, { sub: 42 }],
  ] as const)('checks %s: a match passes, a mismatch is Invalid Token', async (_case, options, match, mismatch) => {
    const { client } = createApp(express, options);
    await client.get('/protected').set('token', validToken(match)).expect(200);
    const res = await client.get('/protected').set('token', validToken(mismatch)).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it('reads the clock at each request (a frozen clock moves expiry)', async () => {
    const { client } = createApp(express);
    const token = makeToken({ exp: 2_000_000_000 });
    freezeClock(1_999_999_999);
    await client.get('/protected').set('token', token).expect(200);
    freezeClock(2_000_000_000);
    const res = await client.get('/protected').set('token', token).expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
  });
});

describe.each(EXPRESS)('%s: the typ header (RFC 9068 §2.1, RFC 8725 §3.11)', (_name, express) => {
  it.each<[string, string, Record<string, unknown>, 200 | 401]>([
    ['the same typ', 'at+jwt', { typ: 'at+jwt' }, 200],
    ['another case', 'at+jwt', { typ: 'AT+JWT' }, 200],
    ['with application/ on the token', 'at+jwt', { typ: 'application/at+jwt' }, 200],
    ['with application/ in the option', 'application/at+jwt', { typ: 'AT+JWT' }, 200],
    ['another typ', 'at+jwt', { typ: 'JWT' }, 401],
    ['a typ that only starts alike', 'at+jwt', { typ: 'at+jwt2' }, 401],
    ['no typ', 'at+jwt', { typ: undefined }, 401],
    ['a typ that is not a string', 'at+jwt', { typ: ['at+jwt'] }, 401],
  ])('typ %j: %s', async (_case, typ, header, status) => {
    const { client, handled } = createApp(express, { typ });
    const res = await client.get('/protected').set('token', validToken({}, { header })).expect(status);
    expect(handled).toHaveLength(status === 200 ? 1 : 0);
    if (status === 401) expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it('is not checked when not given: a token without typ, or with any, passes', async () => {
    const { client } = createApp(express, {});
    await client
      .get('/protected')
      .set('token', validToken({}, { header: { typ: undefined } }))
      .expect(200);
    await client
      .get('/protected')
      .set('token', validToken({}, { header: { typ: 'dpop+jwt' } }))
      .expect(200);
  });
});

describe('the typ refusal', () => {
  it('names what was expected in its cause', async () => {
    const refused = verifyToken(validToken(), { secret: SECRET, typ: 'at+jwt' });
    await expect(refused).rejects.toMatchObject({ reason: 'token_invalid', cause: { message: 'jwt typ invalid. expected: at+jwt' } });
  });

  it('refuses an empty typ option at start-up', async () => {
    await expect(verifyToken(validToken(), { secret: SECRET, typ: '' })).rejects.toThrow(/option 'typ' must be a non-empty string/);
  });
});
