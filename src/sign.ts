import jwt from 'jsonwebtoken';
import { configError, describe, optionalString, optionalStrings } from './check.js';
import { parseDuration } from './duration.js';
import { entryOptions } from './options.js';
import { ALGORITHMS, signingKey } from './secret.js';
import type { Algorithm, SignOptions, TokenPayload } from './types.js';

// Each option that writes a claim, so a payload that already has it is caught early.
const CLAIM_OF = { expiresIn: 'exp', notBefore: 'nbf', issuer: 'iss', audience: 'aud', subject: 'sub', jwtid: 'jti' } as const;

/**
 * Signs a token for a login route: HS256 and one hour of validity by default, `iat` set.
 *
 * @example
 * res.json({ token: signToken({ sub: user.id, admin: user.admin }, { secret: process.env.SECRET_KEY }) });
 */
export function signToken(payload: TokenPayload, options: SignOptions): string {
  if (!isPlainObject(payload)) {
    throw configError(`signToken() needs a plain object payload such as { sub: '42' } (got ${describe(payload)})`);
  }
  const record = entryOptions(options, 'signToken()');
  const algorithm = record.algorithm ?? 'HS256';
  if (!ALGORITHMS.includes(algorithm as Algorithm)) {
    throw configError(`algorithm ${describe(algorithm)} is not supported; use 'HS256', 'HS384' or 'HS512'`);
  }
  const key = signingKey(record.secret, algorithm as Algorithm);
  for (const [option, claim] of Object.entries(CLAIM_OF)) {
    if (record[option] !== undefined && payload[claim] !== undefined) {
      throw configError(`option '${option}' and the payload's '${claim}' claim both set '${claim}'; keep one`);
    }
  }
  const expiresIn = record.expiresIn ?? (payload.exp === undefined ? 3600 : undefined);
  const signOptions: jwt.SignOptions = {
    algorithm: algorithm as Algorithm,
    // A copy made with spread keeps own `__proto__` keys as data; jsonwebtoken's
    // own copy (Object.assign) would turn them into the copy's prototype.
    mutatePayload: true,
    ...(expiresIn !== undefined && { expiresIn: positive(parseDuration(expiresIn, 'expiresIn'), 'expiresIn') }),
    ...(record.notBefore !== undefined && { notBefore: parseDuration(record.notBefore, 'notBefore') }),
    ...optionalClaim('issuer', optionalString(record, 'issuer')),
    ...optionalClaim('audience', optionalStrings(record, 'audience') as string | string[] | undefined),
    ...optionalClaim('subject', optionalString(record, 'subject')),
    ...optionalClaim('jwtid', optionalString(record, 'jwtid')),
    ...optionalClaim('keyid', optionalString(record, 'keyid')),
  };
  try {
    return jwt.sign({ ...payload }, key, signOptions);
  } catch (error) {
    // jsonwebtoken refuses wrong-typed claims (e.g. `exp: '1h'`); that is the caller's mistake.
    throw new TypeError(`express-token-required: signToken() ${(error as Error).message}`, { cause: error });
  }
}

function optionalClaim<K extends string, V>(name: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, V>);
}

function positive(seconds: number, name: string): number {
  if (seconds <= 0) throw configError(`option '${name}' must be more than 0 seconds`);
  return seconds;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
