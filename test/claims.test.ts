// Every claim rule at its exact boundary, with a frozen clock, and the cause each refusal carries:
// the error jsonwebtoken.verify throws for it (class, message, date), for logs and code that used it.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenError, verifyToken, type VerifyClaimOptions } from '../src/index.js';
import { makeToken, OTHER_SECRET, SECRET } from './helpers/tokens.js';

const NOW = 1_800_000_000;
const at = (seconds: number): Date => new Date(seconds * 1000);

type Expect = 'ok' | [reason: 'token_invalid' | 'token_expired', cause: Error];

const invalid = (message: string): Expect => ['token_invalid', new jwt.JsonWebTokenError(message)];
const expired = (message: string, when: number): Expect => ['token_expired', new jwt.TokenExpiredError(message, at(when))];
const notYet = (when: number): Expect => ['token_invalid', new jwt.NotBeforeError('jwt not active', at(when))];

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
  ['aud one of the token\'s', { audience: 'api' }, { ...EXP, aud: ['web', 'api'] }, 'ok'],
  ['aud a prefix of the accepted one', { audience: 'api' }, { ...EXP, aud: 'ap' }, invalid('jwt audience invalid. expected: api')],
  ['aud none of the accepted ones', { audience: ['api', 'admin'] }, { ...EXP, aud: ['a', 'pi'] }, invalid('jwt audience invalid. expected: api or admin')],
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
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

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

describe('what a secret resolver is shown', () => {
  const good = makeToken({ exp: Math.floor(Date.now() / 1000) + 3600 });
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
    const rejection = verifyToken(token, { secret: (header) => { seen.push(header); return SECRET; } });
    await expect(rejection).rejects.toMatchObject({ reason: 'token_invalid' });
    expect(seen).toEqual([]);
  });

  it('the header and payload of a well-formed token', async () => {
    const seen: unknown[] = [];
    await verifyToken(good, { secret: (header, payload) => { seen.push(header, payload); return SECRET; } });
    expect(seen).toEqual([{ alg: 'HS256', typ: 'JWT' }, { exp: expect.any(Number) }]);
  });
});
