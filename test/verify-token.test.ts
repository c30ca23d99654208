// verifyToken: the middleware's verification, as a promise.
import { describe, expect, it } from 'vitest';
import { TokenError, verifyToken, type VerifyOptions } from '../src/index.js';
import { makeToken, OTHER_SECRET, SECRET, validToken } from './helpers/tokens.js';

describe('verifyToken', () => {
  it('resolves to the verified payload', async () => {
    await expect(verifyToken(validToken({ role: 'admin' }), { secret: SECRET })).resolves.toEqual({
      sub: '42',
      role: 'admin',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });

  it('trims surrounding HTTP whitespace (spaces and tabs)', async () => {
    await expect(verifyToken(`  \t${validToken()} \t `, { secret: SECRET })).resolves.toMatchObject({ sub: '42' });
  });

  it.each([
    ['a no-break space', '\u00a0'],
    ['a newline', '\n'],
    ['an ideographic space', '\u3000'],
  ])('does not trim %s: the token is Invalid Token', async (_case, space) => {
    await expect(verifyToken(`${space}${validToken()}${space}`, { secret: SECRET })).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it.each<[string, string | null | undefined, string, string]>([
    ['an empty token', '', 'token_missing', 'Token header is required'],
    ['a blank token', '   ', 'token_missing', 'Token header is required'],
    ['undefined', undefined, 'token_missing', 'Token header is required'],
    ['null', null, 'token_missing', 'Token header is required'],
    ['garbage', 'garbage', 'token_invalid', 'Invalid Token'],
    ['a bad signature', validToken({}, { secret: OTHER_SECRET }), 'token_invalid', 'Invalid Token'],
    ['an expired token', validToken({ exp: 1 }), 'token_expired', 'Token expired'],
    ['a token without exp', makeToken({ sub: '1' }), 'token_invalid', 'Invalid Token'],
  ])('rejects %s with a TokenError', async (_case, token, reason, message) => {
    const rejection = verifyToken(token, { secret: SECRET });
    await expect(rejection).rejects.toBeInstanceOf(TokenError);
    await expect(rejection).rejects.toMatchObject({ reason, message });
  });

  // From untyped JavaScript, e.g. verifyToken(req.headersDistinct.token): an array is joined as
  // Node joins a repeated header, so it is never one token, even when the other values are empty.
  it.each<[string, unknown, string, string]>([
    ['a repeated header with an empty value', ['', validToken()], 'token_invalid', 'Invalid Token'],
    ['a repeated header with the same token twice', [validToken(), validToken()], 'token_invalid', 'Invalid Token'],
    ['a number', 42, 'token_missing', 'Token header is required'],
  ])('rejects %s (untyped JavaScript) with a TokenError', async (_case, token, reason, message) => {
    const rejection = verifyToken(token as string, { secret: SECRET });
    await expect(rejection).rejects.toBeInstanceOf(TokenError);
    await expect(rejection).rejects.toMatchObject({ reason, message });
  });

  it('takes the claim options', async () => {
    const options: VerifyOptions = {
      secret: SECRET,
      issuer: 'a',
      audience: 'api',
      subject: '42',
      requireExpiry: false,
      maxAge: '1h',
      clockTolerance: 5,
    };
    const iat = Math.floor(Date.now() / 1000);
    await expect(verifyToken(makeToken({ iss: 'a', aud: 'api', sub: '42', iat }), options)).resolves.toMatchObject({ iss: 'a' });
    await expect(verifyToken(makeToken({ iss: 'b', aud: 'api', sub: '42', iat }), options)).rejects.toMatchObject({
      reason: 'token_invalid',
    });
    await expect(verifyToken(makeToken({ iss: 'a', aud: 'api', sub: '42', iat: iat - 7200 }), options)).rejects.toMatchObject({
      reason: 'token_expired',
    });
  });

  it('rejects (never throws) with a TypeError for bad options', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = verifyToken(validToken(), { secret: 'short' });
    }).not.toThrow();
    await expect(promise).rejects.toThrow(TypeError);
    await expect(verifyToken(validToken(), { secret: 'short' })).rejects.toThrow(/at least 32 bytes/);
    await expect(verifyToken(validToken(), undefined as unknown as VerifyOptions)).rejects.toThrow(
      /verifyToken\(\) needs an options object/,
    );
  });

  it.each(['loadUser', 'isRevoked', 'bearer', 'onError'])('refuses the middleware-only option %s rather than ignoring it', async (name) => {
    const options = { secret: SECRET, [name]: () => true } as unknown as VerifyOptions;
    await expect(verifyToken(validToken(), options)).rejects.toThrow(
      new RegExp(`unknown option '${name}' for verifyToken\\(\\); it belongs to tokenRequired\\(\\)`),
    );
  });

  it('leaves Error.stackTraceLimit as it found it, whatever the outcome', async () => {
    const before = Error.stackTraceLimit;
    await verifyToken(validToken(), { secret: SECRET });
    await expect(
      verifyToken(validToken({}, { secret: OTHER_SECRET }), { secret: [OTHER_SECRET.replace('b', 'c'), SECRET] }),
    ).rejects.toMatchObject({ reason: 'token_invalid' });
    await expect(verifyToken('a.b.c', { secret: SECRET })).rejects.toMatchObject({ reason: 'token_invalid' });
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('x').stack?.split('\n').length).toBeGreaterThan(1);
  });

  it('rejects with the very error a resolver throws', async () => {
    const boom = new Error('key store down');
    await expect(
      verifyToken(validToken(), {
        secret: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    await expect(verifyToken(validToken(), { secret: () => Promise.reject(boom) })).rejects.toBe(boom);
  });

  it('rejects with a TypeError when a resolver returns a weak key', async () => {
    await expect(verifyToken(validToken(), { secret: () => 'weak' })).rejects.toThrow(
      /the key returned by the secret resolver must be at least 32 bytes/,
    );
  });

  it('reuses resolved options for the same object, and sees a replaced value', async () => {
    const options: VerifyOptions = { secret: SECRET };
    await expect(verifyToken(validToken(), options)).resolves.toMatchObject({ sub: '42' });
    options.secret = OTHER_SECRET;
    await expect(verifyToken(validToken(), options)).rejects.toMatchObject({ reason: 'token_invalid' });
    await expect(verifyToken(validToken({}, { secret: OTHER_SECRET }), options)).resolves.toMatchObject({ sub: '42' });
    options.issuer = 'x';
    await expect(verifyToken(validToken({}, { secret: OTHER_SECRET }), options)).rejects.toMatchObject({ reason: 'token_invalid' });
  });
});
