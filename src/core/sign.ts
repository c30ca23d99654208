import { randomUUID } from 'node:crypto';
import { encodeSegment } from './jws.js';
import { signingKey } from './keys/signing-key.js';
import { parseDuration, parsePositiveDuration } from './options/duration.js';
import { entryOptions } from './options/option-names.js';
import { configError, describeValue, optionalString, optionalStrings } from './options/validate.js';
import { sign } from './signatures.js';
import type { SignOptions } from './option-types.js';
import type { TokenPayload } from './types.js';

// The claims options write; a payload that already has one is a mistake to catch early.
const CLAIM_OF = { expiresIn: 'exp', notBefore: 'nbf', issuer: 'iss', audience: 'aud', subject: 'sub', jwtid: 'jti' } as const;

/**
 * Signs a token for a login route: HS256 with a `secret` and one hour of validity by default,
 * `iat` set, and a random `jti` (so that it can be revoked) unless `jwtid: false`. With a
 * `privateKey`, its own algorithm (ES256 for a P-256 key, RS256 for RSA, EdDSA for Ed25519…)
 * and a `kid` a JWKS consumer can select it by; with `keys`, the current key signs and its
 * `kid` goes in the header.
 * The compact JWS is built here with `node:crypto` (RFC 7515 §7.1), so any JSON object
 * payload signs as it is, including keys such as `constructor` or `__proto__`.
 *
 * @example
 * res.json({ token: signToken({ sub: user.id, admin: user.admin }, { secret: process.env.SECRET_KEY }) });
 */
export function signToken(payload: TokenPayload, options: SignOptions): string {
  if (!isPlainObject(payload)) {
    throw configError(`signToken() needs a plain object payload such as { sub: '42' } (got ${describeValue(payload)})`);
  }
  const record = entryOptions(options, 'signToken()');
  const { key, algorithm, kid } = signingKey(record);
  const jwtid = resolveJwtid(record.jwtid);
  for (const [option, claim] of Object.entries(CLAIM_OF)) {
    // `jwtid: false` only turns the random default off; it sets nothing.
    if (record[option] !== undefined && record[option] !== false && payload[claim] !== undefined) {
      throw configError(`option '${option}' and the payload's '${claim}' claim both set '${claim}'; keep one`);
    }
  }
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw configError(`the payload's '${claim}' must be a number of seconds since the epoch (got ${describeValue(value)})`);
    }
  }

  const now = Math.floor(Date.now() / 1000);
  const expiresIn = record.expiresIn ?? (payload.exp === undefined ? 3600 : undefined);
  const header = { alg: algorithm, typ: 'JWT', ...(kid !== undefined && { kid }) };
  const claims: TokenPayload = {
    // Spread copies own `__proto__` keys as data, never as a prototype.
    ...payload,
    iat: payload.iat ?? now,
    ...(expiresIn !== undefined && { exp: numericDate(now, parsePositiveDuration(expiresIn, 'expiresIn'), 'expiresIn', 'exp') }),
    ...(record.notBefore !== undefined && { nbf: numericDate(now, parseDuration(record.notBefore, 'notBefore'), 'notBefore', 'nbf') }),
    ...optionalClaim('iss', optionalString(record, 'issuer')),
    ...optionalClaim('aud', optionalStrings(record, 'audience')),
    ...optionalClaim('sub', optionalString(record, 'subject')),
    // A random id by default, so that any token can be revoked; the payload's own `jti` stays.
    ...optionalClaim('jti', payload.jti === undefined && jwtid !== false ? (jwtid ?? randomUUID()) : undefined),
  };
  let body: string;
  try {
    body = JSON.stringify(claims);
  } catch (error) {
    throw new TypeError(`express-token-required: signToken() needs a JSON-serialisable payload`, { cause: error });
  }
  const input = `${encodeSegment(JSON.stringify(header))}.${encodeSegment(body)}`;
  return `${input}.${sign(algorithm, key, input)}`;
}

/**
 * `now + seconds` as a NumericDate claim (RFC 7519 §2). A safe integer only: past 2^53 - 1 a
 * number no longer counts seconds exactly (1e20 + 1 === 1e20), and verifiers disagree on it.
 */
function numericDate(now: number, seconds: number, option: string, claim: string): number {
  const date = now + seconds;
  if (!Number.isSafeInteger(date)) {
    throw configError(
      `option '${option}' puts '${claim}' at ${String(date)} seconds since the epoch, not a safe integer; use a shorter duration in whole seconds`,
    );
  }
  return date;
}

/** `undefined`: the random default; `false`: no `jti`; a string: that `jti`. */
function resolveJwtid(value: unknown): string | false | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value !== 'string' || value === '') {
    throw configError(`option 'jwtid' must be a non-empty string, or false for no jti (got ${describeValue(value)})`);
  }
  return value;
}

function optionalClaim<V>(claim: string, value: V | undefined): Record<string, V> {
  return value === undefined ? {} : { [claim]: value };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
