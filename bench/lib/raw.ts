// The floor of a correct verify with node:crypto alone: what any JWT library has to do at least.
import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { CRYPTO_PARAMS, cryptoKey, type PublicAlgorithm } from './public-keys.js';

function split(token: string): [string, string, string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed');
  return parts as [string, string, string];
}

/** Parses the payload and checks `exp`: the only claim the floors check. */
function claims(body: string): Record<string, unknown> {
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  if (typeof payload !== 'object' || payload === null) throw new Error('payload is not an object');
  const { exp } = payload as { exp?: unknown };
  if (typeof exp !== 'number' || exp <= Date.now() / 1000) throw new Error('expired');
  return payload as Record<string, unknown>;
}

/**
 * HS256: splits, decodes the signature, recomputes the HMAC with a pre-built KeyObject, compares
 * in constant time, parses the payload and checks `exp`. No header parsing, no other claim: a floor.
 */
export function rawVerify(token: string, key: KeyObject): Record<string, unknown> {
  const [header, body, signature] = split(token);
  const given = Buffer.from(signature, 'base64url');
  const expected = createHmac('sha256', key).update(`${header}.${body}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('invalid signature');
  return claims(body);
}

/**
 * A public-key algorithm's floor, its key (with padding, salt length or signature encoding) built
 * once: split, decode the signature, `crypto.verify`, parse the payload, check `exp`.
 */
export function rawPublicVerifier(algorithm: PublicAlgorithm, key: KeyObject): (token: string) => Record<string, unknown> {
  const params = CRYPTO_PARAMS[algorithm];
  const { hash } = params;
  const verifyKey = cryptoKey(key, params);
  return (token) => {
    const [header, body, signature] = split(token);
    if (!verify(hash, Buffer.from(`${header}.${body}`), verifyKey, Buffer.from(signature, 'base64url'))) {
      throw new Error('invalid signature');
    }
    return claims(body);
  };
}
