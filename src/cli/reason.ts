// Why verify refused a token, in words for the operator at the terminal (never the token itself).
import jwt from 'jsonwebtoken';
import type { TokenError } from '../core/errors.js';

/**
 * The envelope's message, then the reason from the error's cause, jsonwebtoken's words:
 * "Invalid Token: invalid signature", "Token expired: expired at 2026-01-01T01:00:00.000Z".
 * A refusal without a cause from jsonwebtoken is the message alone, or `tooLong` when
 * the token was refused for its length before it was read.
 */
export function refusalLine(error: TokenError, tooLong: string | undefined): string {
  const reason = reasonOf(error.cause) ?? (error.reason === 'token_invalid' ? tooLong : undefined);
  return reason === undefined ? error.message : `${error.message}: ${reason}`;
}

function reasonOf(cause: unknown): string | undefined {
  // The subclasses first: both extend JsonWebTokenError.
  if (cause instanceof jwt.TokenExpiredError) {
    const at = `expired at ${isoDate(cause.expiredAt)}`;
    return cause.message === 'jwt expired' ? at : `${cause.message} (${at})`;
  }
  if (cause instanceof jwt.NotBeforeError) return `not active before ${isoDate(cause.date)}`;
  if (cause instanceof jwt.JsonWebTokenError) return cause.message;
  return undefined;
}

/** A Date as ISO 8601; one beyond what Date can hold (from an absurd claim) says so instead of throwing. */
function isoDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'a date out of range' : date.toISOString();
}
