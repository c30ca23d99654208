// HMAC secrets: one key's form and length checked (RFC 7518 §3.2), and public-key material
// refused (key confusion), once, when options are resolved.
import { KeyObject, createSecretKey } from 'node:crypto';
import { ALGORITHMS, type Algorithm } from '../algorithms.js';
import { configError, describeValue } from '../options/validate.js';
import type { SecretResolver } from '../types.js';

/** One secret, or several tried in turn (rotation). */
export interface StaticKeys {
  readonly kind: 'static';
  readonly keys: readonly KeyObject[];
}

/** The app's function, asked for the key of each token. */
export interface ResolverKeys {
  readonly kind: 'resolver';
  readonly resolver: SecretResolver;
  /** The strongest algorithm allowed: it sets the minimum length of what the resolver returns. */
  readonly algorithm: Algorithm;
}

const GENERATE = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"`;

/**
 * Turns the `secret` option into key objects once, so that nothing per request
 * re-reads a string (jsonwebtoken would try to parse a string as a PEM key on every call).
 * `algorithm` is the strongest one allowed: it sets the minimum length.
 */
export function resolveSecret(secret: unknown, algorithm: Algorithm): StaticKeys | ResolverKeys {
  if (secret === undefined || secret === null || secret === '') {
    throw configError(`option 'secret' is required (or 'keys', for keys by kid); ${GENERATE}`);
  }
  if (typeof secret === 'function') {
    return { kind: 'resolver', resolver: secret as SecretResolver, algorithm };
  }
  if (Array.isArray(secret)) {
    if (secret.length === 0) throw configError(`option 'secret' is an empty array; give at least one key`);
    return { kind: 'static', keys: Object.freeze(secret.map((key: unknown, i) => toKeyObject(key, algorithm, `secret[${String(i)}]`))) };
  }
  return { kind: 'static', keys: Object.freeze([toKeyObject(secret, algorithm, 'secret')]) };
}

/** Checks one key (form, key-material confusion, length) and makes it a secret KeyObject. */
export function toKeyObject(
  key: unknown,
  algorithm: Algorithm,
  name: string,
  forms = 'a string, a Buffer or Uint8Array, a secret KeyObject, an array of these, or a resolver function',
): KeyObject {
  const { minKeyBytes: minBytes } = ALGORITHMS[algorithm];
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
    throw configError(`${name} must be ${forms} (got ${describeValue(key)})`);
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
