// TokenError: the one refusal type, shaped for Express's error handler.
import { describe, expect, it } from 'vitest';
import { TokenError, type TokenErrorReason } from '../src/index.js';

describe('TokenError', () => {
  it.each<[TokenErrorReason, number, string, string]>([
    ['token_missing', 400, 'Bad Request', 'Token header is required'],
    ['token_ambiguous', 400, 'Bad Request', 'Token must be sent in one place'],
    ['token_invalid', 401, 'Unauthorized', 'Invalid Token'],
    ['token_expired', 401, 'Unauthorized', 'Token expired'],
    ['token_revoked', 401, 'Unauthorized', 'Token revoked'],
    ['user_not_found', 401, 'Unauthorized', 'User not found'],
  ])('%s is %i "%s" with message "%s"', (reason, status, statusText, message) => {
    const error = new TokenError(reason);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TokenError', reason, status, statusCode: status, expose: true, message, headers: {} });
    expect(error.cause).toBeUndefined();
    expect(error.toJSON()).toEqual({ code: String(status), status: statusText, message });
    expect(JSON.stringify(error)).toBe(JSON.stringify({ code: String(status), status: statusText, message }));
    expect(String(error)).toBe(`TokenError: ${message}`);
    // No frames: a refusal is an expected answer, and capturing a stack costs more than a verify.
    expect(error.stack).toBe(`TokenError: ${message}`);
  });

  it('keeps the underlying error as cause and the headers given', () => {
    const cause = new Error('jwt malformed');
    const error = new TokenError('token_invalid', { cause, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
    expect(error.cause).toBe(cause);
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    expect(error.message).toBe('Invalid Token');
  });
});
