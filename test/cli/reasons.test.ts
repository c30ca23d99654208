// Why verify refused a token, in words: the envelope's message, then the cause's.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { refusalLine } from '../../src/cli/reason.js';
import { publicJwks, signToken, TokenError, type TokenErrorReason } from '../../src/index.js';
import { call } from './helpers.js';

const AT = new Date('2026-01-01T01:00:00.000Z');

describe('refusalLine', () => {
  it.each<[string, TokenErrorReason, unknown, string | undefined, string]>([
    ['a bad signature', 'token_invalid', new jwt.JsonWebTokenError('invalid signature'), undefined, 'Invalid Token: invalid signature'],
    [
      'an issuer',
      'token_invalid',
      new jwt.JsonWebTokenError('jwt issuer invalid. expected: a,b'),
      undefined,
      'Invalid Token: jwt issuer invalid. expected: a,b',
    ],
    [
      'an expiry',
      'token_expired',
      new jwt.TokenExpiredError('jwt expired', AT),
      undefined,
      'Token expired: expired at 2026-01-01T01:00:00.000Z',
    ],
    [
      'maxAge',
      'token_expired',
      new jwt.TokenExpiredError('maxAge exceeded', AT),
      undefined,
      'Token expired: maxAge exceeded (expired at 2026-01-01T01:00:00.000Z)',
    ],
    [
      'an expiry beyond what Date holds',
      'token_expired',
      new jwt.TokenExpiredError('jwt expired', new Date(Number.NaN)),
      undefined,
      'Token expired: expired at a date out of range',
    ],
    [
      'a token not yet valid',
      'token_invalid',
      new jwt.NotBeforeError('jwt not active', AT),
      undefined,
      'Invalid Token: not active before 2026-01-01T01:00:00.000Z',
    ],
    ['no cause (an unknown kid)', 'token_invalid', undefined, undefined, 'Invalid Token'],
    [
      'no cause, refused for its length',
      'token_invalid',
      undefined,
      'longer than 8192 characters',
      'Invalid Token: longer than 8192 characters',
    ],
    [
      'a cause that is no jsonwebtoken error (its text is not shown)',
      'token_invalid',
      new Error('secret detail'),
      undefined,
      'Invalid Token',
    ],
    ['a revocation, whatever the length', 'token_revoked', undefined, 'longer than 8192 characters', 'Token revoked'],
    [
      'a cause, whatever the length',
      'token_invalid',
      new jwt.JsonWebTokenError('jwt malformed'),
      'longer than 8192 characters',
      'Invalid Token: jwt malformed',
    ],
  ])('words %s', (_case, reason, cause, tooLong, line) => {
    expect(refusalLine(new TokenError(reason, { cause }), tooLong)).toBe(line);
  });
});

describe('reasons for a token no key is selected for', () => {
  it('verify --jwks says when no key of the set has the token kid', async () => {
    const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = mkdtempSync(join(tmpdir(), 'reasons-'));
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify(publicJwks({ privateKey: other.privateKey, keyid: 'other' })));
    const token = signToken({ sub: '1' }, { privateKey: signer.privateKey, keyid: 'mine' });
    expect(await call(['verify', token, '--jwks', jwks])).toEqual({ code: 1, stdout: '', stderr: 'Invalid Token: no key with this kid\n' });
  });
});
