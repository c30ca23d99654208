// TokenError, the one refusal type: every reason's status, message and envelope, shaped for Express's error handler.
import { describe, expect, it } from 'vitest';
import { TokenError, type ErrorEnvelope, type TokenErrorReason, type TokenErrorStatus } from '../src/index.js';
import { ENVELOPE } from './helpers/app.js';

// One row per reason, typed by the union: a reason added without a row here is a compile error.
const REASONS: Readonly<Record<TokenErrorReason, { readonly status: TokenErrorStatus; readonly envelope: ErrorEnvelope }>> = {
  token_missing: { status: 400, envelope: ENVELOPE.missing },
  token_ambiguous: { status: 400, envelope: ENVELOPE.ambiguous },
  token_invalid: { status: 401, envelope: ENVELOPE.invalid },
  token_expired: { status: 401, envelope: ENVELOPE.expired },
  token_revoked: { status: 401, envelope: ENVELOPE.revoked },
  user_not_found: { status: 401, envelope: ENVELOPE.noUser },
  insufficient_permissions: { status: 403, envelope: ENVELOPE.forbidden },
  dpop_invalid: { status: 401, envelope: ENVELOPE.dpopInvalid },
  // A replayed proof is answered as any bad proof: only the reason tells them apart.
  dpop_replayed: { status: 401, envelope: ENVELOPE.dpopInvalid },
  dpop_nonce_required: { status: 401, envelope: ENVELOPE.dpopNonce },
};

const ROWS = Object.entries(REASONS).map(
  ([reason, { status, envelope }]) => [reason as TokenErrorReason, status, envelope.status, envelope.message, envelope] as const,
);

describe('TokenError', () => {
  it('has a row for every reason the envelope table knows, each envelope used once', () => {
    expect(new Set(Object.values(REASONS).map((row) => row.envelope)).size).toBe(Object.keys(ENVELOPE).length);
  });

  it.each(ROWS)('%s is %i "%s" with message "%s"', (reason, status, statusText, message, envelope) => {
    const error = new TokenError(reason);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TokenError', reason, status, statusCode: status, expose: true, message, headers: {} });
    expect(error.cause).toBeUndefined();
    expect(envelope).toEqual({ code: String(status), status: statusText, message });
    expect(error.toJSON()).toEqual(envelope);
    expect(JSON.stringify(error)).toBe(JSON.stringify(envelope));
    expect(String(error)).toBe(`TokenError: ${message}`);
    // No frames: a refusal is an expected answer, and capturing a stack costs more than a verify.
    expect(error.stack).toBe(`TokenError: ${message}`);
  });

  it.each(ROWS)(
    '%s keeps the underlying error as cause and the headers given, its message and body unchanged',
    (reason, status, _statusText, message, envelope) => {
      const cause = new Error('jwt malformed');
      const headers = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
      const error = new TokenError(reason, { cause, headers });
      expect(error.cause).toBe(cause);
      expect(error.headers).toEqual(headers);
      expect(error).toMatchObject({ reason, status, statusCode: status, expose: true, message });
      expect(error.toJSON()).toEqual(envelope);
      expect(JSON.stringify(error)).not.toContain('jwt malformed');
    },
  );
});
