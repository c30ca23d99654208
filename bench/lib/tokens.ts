// Tokens for the benchmarks, made by the tests' token maker (node:crypto, independent of the code measured).
import { createSecretKey, type KeyObject } from 'node:crypto';
import { makeToken } from '../../test/helpers/tokens.js';

/** 32 random-looking bytes as 64 hex characters, as the README's secret command prints. */
export const SECRET = '9c1e5f0a7b3d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e';
const OTHER_SECRET = 'f'.repeat(64);

export const KEY: KeyObject = createSecretKey(Buffer.from(SECRET, 'utf8'));

const now = (): number => Math.floor(Date.now() / 1000);

/** An HS256 token over `payload`; `key` defaults to the benchmark secret. */
export function sign(payload: object, key: KeyObject | string = KEY): string {
  return makeToken(payload, { secret: key });
}

/** The small payload every valid-token row uses: `sub`, `name`, `admin`, `iat`, `exp` (a day away). */
export function smallPayload(sub = '42'): Record<string, unknown> {
  return { sub, name: 'Ada Lovelace', admin: false, iat: now(), exp: now() + 86_400 };
}

/** A valid token whose total length is `length` characters (give or take 3), padded with a `data` claim. */
export function tokenOfLength(length: number): string {
  const bare = sign({ ...smallPayload(), data: '' }).length;
  // Each 3 bytes of claim text become 4 base64url characters.
  const pad = Math.max(0, Math.floor(((length - bare) * 3) / 4));
  return sign({ ...smallPayload(), data: 'x'.repeat(pad) });
}

/** A token with a payload of about `bytes` bytes of JSON: realistic claims (roles, permissions, a profile). */
export function tokenWithPayloadBytes(bytes: number): string {
  const payload: Record<string, unknown> = { ...smallPayload(), roles: [] as string[], permissions: [] as string[] };
  for (let i = 0; JSON.stringify(payload).length < bytes; i++) {
    (payload.permissions as string[]).push(`orders:${String(i)}:read`);
    if (i % 4 === 0) (payload.roles as string[]).push(`role-${String(i)}`);
  }
  return sign(payload);
}

export interface TokenSet {
  readonly small: string;
  /** A payload of about 2 KB of JSON. */
  readonly large: string;
  /** The small payload signed with another secret. */
  readonly badSignature: string;
  /** Not a JWT at all: two segments, one of them not base64url JSON. */
  readonly malformed: string;
  /** Valid tokens of 8 KB (within the default maxTokenLength of 8192), 16 KB and 1 MB. */
  readonly kb8: string;
  readonly kb16: string;
  readonly mb1: string;
}

export function makeTokens(): TokenSet {
  const payload = smallPayload();
  return {
    small: sign(payload),
    large: tokenWithPayloadBytes(2048),
    badSignature: sign(payload, OTHER_SECRET),
    malformed: 'eyJhbGciOiJIUzI1NiJ9.not-a-jwt',
    kb8: tokenOfLength(8190),
    kb16: tokenOfLength(16 * 1024),
    mb1: tokenOfLength(1024 * 1024),
  };
}
