// The registered claims (RFC 7519 §4.1), checked in jsonwebtoken.verify's order with its
// rules, then what it leaves unchecked. A refusal's cause is the error jsonwebtoken would throw.
import jwt from 'jsonwebtoken';
import { TokenError } from './errors.js';
import type { Jws } from './jws.js';
import { mediaType, type VerifyConfig } from './options/verify-options.js';
import type { TokenPayload } from './types.js';

/**
 * The claims, in the order and with the rules of jsonwebtoken.verify (so that a token both
 * expired and otherwise wrong gets the same answer), then what jsonwebtoken leaves unchecked:
 * `crit`, `exp` presence, the types of `iat` and `aud`.
 */
export function verifyClaims({ header, payload }: Jws, config: VerifyConfig): TokenPayload {
  const now = Math.floor(Date.now() / 1000);
  const { clockTolerance } = config;
  const { nbf, exp, iat } = payload;
  // A NumericDate is a finite number (RFC 7519 §2): JSON's 1e400 parses to Infinity, which would
  // make a token that never expires (and so can never be revoked) or defeat maxAge.
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) throw invalid('invalid nbf value');
    if (nbf > now + clockTolerance) throw refusal('token_invalid', () => new jwt.NotBeforeError('jwt not active', new Date(nbf * 1000)));
  }
  if (exp !== undefined) {
    if (!isNumericDate(exp)) throw invalid('invalid exp value');
    if (now >= exp + clockTolerance) throw expired('jwt expired', exp);
  }
  const { audience, issuer, subject } = config;
  if (audience !== undefined && !acceptsAny(audience, payload.aud))
    throw invalid(`jwt audience invalid. expected: ${audience.join(' or ')}`);
  if (issuer !== undefined && !issuer.includes(payload.iss as string)) throw invalid(`jwt issuer invalid. expected: ${issuer.join(',')}`);
  if (subject !== undefined && payload.sub !== subject) throw invalid(`jwt subject invalid. expected: ${subject}`);
  if (config.maxAge !== undefined) {
    if (typeof iat !== 'number') throw invalid('iat required when maxAge is specified');
    if (!Number.isFinite(iat)) throw invalid('invalid iat value');
    if (now >= iat + config.maxAge + clockTolerance) throw expired('maxAge exceeded', iat + config.maxAge);
  }
  // RFC 8725 §3.11: explicit typing keeps one kind of token from being taken for another.
  if (config.typ !== undefined && (typeof header.typ !== 'string' || mediaType(header.typ) !== config.typ)) {
    throw invalid(`jwt typ invalid. expected: ${config.typ}`);
  }
  // RFC 7515 §4.1.11: we understand no extension, so any `crit` makes the token invalid.
  if ('crit' in header) throw invalid('crit is not supported');
  if (config.requireExpiry && exp === undefined) throw invalid('exp required');
  if (iat !== undefined && !isNumericDate(iat)) throw invalid('invalid iat value');
  if (audience !== undefined && !isAudience(payload.aud)) throw invalid('invalid aud value');
  return payload;
}

// The cause of a refusal is the error jsonwebtoken.verify would have thrown (its class and
// message), for logs and for code that branches on it; built without a stack, as a refusal is routine.
function refusal(reason: 'token_invalid' | 'token_expired', cause: () => Error): TokenError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TokenError(reason, { cause: cause() });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function invalid(message: string): TokenError {
  return refusal('token_invalid', () => new jwt.JsonWebTokenError(message));
}

function expired(message: string, at: number): TokenError {
  return refusal('token_expired', () => new jwt.TokenExpiredError(message, new Date(at * 1000)));
}

/** The token's audience, one or an array (of anything: types are checked after), names one we accept. */
function acceptsAny(accepted: readonly string[], aud: unknown): boolean {
  return Array.isArray(aud) ? aud.some((item) => accepted.includes(item as string)) : accepted.includes(aud as string);
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isAudience(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string'));
}
