// The one token maker: JWS signed by hand with node:crypto, independent of the code under test;
// only the hash of each algorithm comes from the library's one table of algorithms.
import { createHmac, type KeyObject } from 'node:crypto';
import { ALGORITHMS, algorithmsOf, type AlgorithmOf } from '../../src/core/algorithms.js';

type Hmac = AlgorithmOf<'HMAC'>;
const HMAC: readonly string[] = algorithmsOf('HMAC');

/** 32 bytes as 64 hex characters, as the README's secret command prints. */
export const SECRET = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';
export const OTHER_SECRET = 'b'.repeat(64);

export const b64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

export const now = (): number => Math.floor(Date.now() / 1000);

export type HmacKey = string | Buffer | KeyObject;

export interface MakeToken {
  /** Header parameters over the default `{ alg: 'HS256', typ: 'JWT' }`. */
  header?: Record<string, unknown>;
  /** The header exactly as given, without the defaults (no `alg`, an `alg` of 1 …); wins over `header`. */
  rawHeader?: unknown;
  /** Defaults to the test SECRET. */
  secret?: HmacKey | undefined;
  /** The HMAC algorithm whose hash signs; follows the header's `alg` by default (HS256 for any other). */
  signWith?: Hmac | undefined;
}

/** The base64url HMAC of a signing input (`header.payload`) with the hash of `alg`. */
export function hmac(signingInput: string, secret: HmacKey = SECRET, alg: Hmac = 'HS256'): string {
  return createHmac(ALGORITHMS[alg].hash, secret).update(signingInput).digest('base64url');
}

/**
 * Signs any payload with any header; defaults: HS256, the test SECRET. A string payload is the
 * payload's text as is (`'not json'`, `'{"exp":1e400}'`); anything else is JSON.stringify'd.
 */
export function makeToken(payload: unknown, { header = {}, rawHeader, secret = SECRET, signWith }: MakeToken = {}): string {
  const fullHeader: unknown = rawHeader ?? { alg: 'HS256', typ: 'JWT', ...header };
  const signingInput = `${b64url(JSON.stringify(fullHeader))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const alg = (fullHeader as { alg?: unknown } | null)?.alg;
  return `${signingInput}.${hmac(signingInput, secret, signWith ?? (typeof alg === 'string' && HMAC.includes(alg) ? (alg as Hmac) : 'HS256'))}`;
}

/** A valid token for the test SECRET: `sub` '42', expiring in an hour, plus any claims. */
export function validToken(claims: Record<string, unknown> = {}, options?: MakeToken): string {
  return makeToken({ sub: '42', iat: now(), exp: now() + 3600, ...claims }, options);
}
