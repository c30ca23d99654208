import { KeyObject, createSecretKey } from 'node:crypto';
import { configError, describe } from './check.js';
import type { Algorithm, SecretResolver } from './types.js';

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export const MIN_KEY_BYTES: Readonly<Record<Algorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export const ALGORITHMS = Object.keys(MIN_KEY_BYTES) as readonly Algorithm[];

const GENERATE = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"`;

/** Keys known at start-up (one, or several for rotation), or a resolver asked per token. */
export type Keys =
  | { readonly kind: 'static'; readonly keys: readonly KeyObject[] }
  | { readonly kind: 'resolver'; readonly resolve: SecretResolver; readonly algorithm: Algorithm };

/**
 * Turns the `secret` option into key objects once, so that nothing per request
 * re-reads a string (jsonwebtoken would try to parse a string as a PEM key on every call).
 * `algorithm` is the strongest one allowed: it sets the minimum length.
 */
export function resolveKeys(secret: unknown, algorithm: Algorithm): Keys {
  if (secret === undefined || secret === null || secret === '') {
    throw configError(`option 'secret' is required; ${GENERATE}`);
  }
  if (typeof secret === 'function') {
    return { kind: 'resolver', resolve: secret as SecretResolver, algorithm };
  }
  if (Array.isArray(secret)) {
    if (secret.length === 0) throw configError(`option 'secret' is an empty array; give at least one key`);
    return { kind: 'static', keys: Object.freeze(secret.map((key: unknown, i) => toKeyObject(key, algorithm, `secret[${String(i)}]`))) };
  }
  return { kind: 'static', keys: Object.freeze([toKeyObject(secret, algorithm, 'secret')]) };
}

/** The one secret used to sign: a resolver cannot sign, and with several keys the first signs. */
export function signingKey(secret: unknown, algorithm: Algorithm): KeyObject {
  const keys = resolveKeys(secret, algorithm);
  if (keys.kind === 'resolver') throw configError(`signToken() needs the secret itself, not a resolver function`);
  return keys.keys[0]!;
}

/** Checks one key (form, key-material confusion, length) and makes it a secret KeyObject. */
export function toKeyObject(key: unknown, algorithm: Algorithm, name: string): KeyObject {
  const minBytes = MIN_KEY_BYTES[algorithm];
  let keyObject: KeyObject;
  if (key instanceof KeyObject) {
    if (key.type !== 'secret') {
      throw configError(`${name} is a ${key.type} KeyObject; HMAC needs a shared secret, never public-key material`);
    }
    keyObject = key;
  } else if (typeof key === 'string' || key instanceof Uint8Array) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    rejectKeyMaterial(bytes, name);
    keyObject = createSecretKey(bytes);
  } else {
    throw configError(
      `${name} must be a string, a Buffer or Uint8Array, a secret KeyObject, an array of these, or a resolver function (got ${describe(key)})`,
    );
  }
  const size = keyObject.symmetricKeySize ?? 0;
  if (size < minBytes) {
    throw configError(`${name} must be at least ${String(minBytes)} bytes for ${algorithm} (got ${String(size)}); ${GENERATE}`);
  }
  return keyObject;
}

/** Key-confusion guard: a PEM block or a JWK/JWKS used as an HMAC secret is a configuration mistake. */
function rejectKeyMaterial(bytes: Buffer, name: string): void {
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) {
    throw configError(`${name} looks like a PEM key; HMAC needs a shared secret, never public-key material`);
  }
  if (!text.trimStart().startsWith('{')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof parsed === 'object' && parsed !== null && ('kty' in parsed || 'keys' in parsed)) {
    throw configError(`${name} looks like a JWK or JWKS; HMAC needs the shared secret's bytes, not a serialized key`);
  }
}
