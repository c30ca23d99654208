// Tokens made by hand with node:crypto: an HS256 implementation independent of the one under test.
import { createHmac } from 'node:crypto';

/** 32 bytes as 64 hex characters, as the README's secret command prints. */
export const SECRET = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';
export const OTHER_SECRET = 'b'.repeat(64);

export const b64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

export const now = (): number => Math.floor(Date.now() / 1000);

export interface MakeToken {
  header?: Record<string, unknown>;
  secret?: string | Buffer;
  /** HMAC hash; follows header.alg by default. */
  hash?: 'sha256' | 'sha384' | 'sha512';
}

const HASH_OF: Record<string, 'sha256' | 'sha384' | 'sha512'> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Signs any payload (even a non-object) with any header; defaults: HS256, the test SECRET. */
export function makeToken(payload: unknown, { header = {}, secret = SECRET, hash }: MakeToken = {}): string {
  const fullHeader = { alg: 'HS256', typ: 'JWT', ...header };
  const signingInput = `${b64url(JSON.stringify(fullHeader))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const algorithm = hash ?? HASH_OF[fullHeader.alg] ?? 'sha256';
  return `${signingInput}.${createHmac(algorithm, secret).update(signingInput).digest('base64url')}`;
}

/** A valid token for the test SECRET: `sub` '42', expiring in an hour, plus any claims. */
export function validToken(claims: Record<string, unknown> = {}, options?: MakeToken): string {
  return makeToken({ sub: '42', iat: now(), exp: now() + 3600, ...claims }, options);
}
