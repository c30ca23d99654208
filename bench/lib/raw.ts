// The floor of a correct HS256 verify with node:crypto alone: what any JWT library has to do at least.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Splits, decodes the signature, recomputes the HMAC with a pre-built KeyObject, compares in
 * constant time, parses the payload and checks `exp`. No header parsing, no other claim: a floor.
 */
export function rawVerify(token: string, key: KeyObject): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed');
  const [header, body, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = createHmac('sha256', key).update(`${header}.${body}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('invalid signature');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  if (typeof payload !== 'object' || payload === null) throw new Error('payload is not an object');
  const { exp } = payload as { exp?: unknown };
  if (typeof exp !== 'number' || exp <= Date.now() / 1000) throw new Error('expired');
  return payload as Record<string, unknown>;
}
