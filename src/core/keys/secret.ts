// HMAC secrets: one key's form and length checked (RFC 7518 §3.2), and public-key material
// refused (key confusion), once, when options are resolved.
import { KeyObject, createSecretKey } from 'node:crypto';
import { ALGORITHMS, algorithmsOf, type Algorithm, type AlgorithmOf } from '../algorithms.js';
import { configError, describeValue } from '../options/validate.js';
import type { SecretResolver } from '../key-types.js';
import type { BoundKey } from './bind.js';
import { isDerKey } from './key-input.js';
import type { ResolverKeys, StaticKeys } from './keys.js';

const GENERATE = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"`;

/** What a secret may verify: the HMAC algorithms of `algorithms` (HS256 when not given), and the strongest, which sets its minimum length. */
export function secretAlgorithms(configured: readonly Algorithm[] | undefined): {
  readonly algorithms: readonly AlgorithmOf<'HMAC'>[];
  readonly strongest: AlgorithmOf<'HMAC'>;
} {
  const algorithms = configured === undefined ? (['HS256'] as const) : algorithmsOf('HMAC').filter((alg) => configured.includes(alg));
  const strongest = algorithms.reduce<AlgorithmOf<'HMAC'>>(
    (a, b) => (ALGORITHMS[b].minKeyBytes > ALGORITHMS[a].minKeyBytes ? b : a),
    'HS256',
  );
  return { algorithms, strongest };
}

/** A secret bound to what it may verify. */
export function boundSecret(
  key: unknown,
  configured: readonly Algorithm[] | undefined,
  name: string,
  forms?: string,
  hint?: string,
): BoundKey {
  const { algorithms, strongest } = secretAlgorithms(configured);
  return { key: toKeyObject(key, strongest, name, forms, hint), algorithms, id: undefined };
}

/**
 * Turns the `secret` option into key objects once, so that nothing per request
 * re-reads a string (jsonwebtoken would try to parse a string as a PEM key on every call).
 */
export function resolveSecret(secret: unknown, configured: readonly Algorithm[] | undefined): StaticKeys | ResolverKeys {
  if (secret === undefined || secret === null || secret === '') {
    throw configError(
      `option 'secret' is required (or 'keys', for keys by kid) unless a public-key option is given ('publicKey' or 'jwks' to verify, 'privateKey' to sign); ${GENERATE}`,
    );
  }
  if (typeof secret === 'function') {
    return {
      kind: 'resolver',
      name: 'the secret resolver',
      resolver: secret as SecretResolver,
      bind: (key) => boundSecret(key, configured, 'the key returned by the secret resolver'),
      algorithms: secretAlgorithms(configured).algorithms,
    };
  }
  if (Array.isArray(secret)) {
    if (secret.length === 0) throw configError(`option 'secret' is an empty array; give at least one key`);
    return {
      kind: 'static',
      keys: Object.freeze(secret.map((key: unknown, i) => boundSecret(key, configured, `secret[${String(i)}]`))),
      byId: undefined,
    };
  }
  return { kind: 'static', keys: Object.freeze([boundSecret(secret, configured, 'secret')]), byId: undefined };
}

/** Checks one key (form, key-material confusion, length) and makes it a secret KeyObject. */
export function toKeyObject(
  key: unknown,
  algorithm: AlgorithmOf<'HMAC'>,
  name: string,
  forms = 'a string, a Buffer or Uint8Array, a secret KeyObject, an array of these, or a resolver function',
  hint = '',
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
    throw configError(`${name} must be ${forms} (got ${describeValue(key)})${hint}`);
  }
  const size = keyObject.symmetricKeySize ?? 0;
  if (size < minBytes) {
    throw configError(`${name} must be at least ${String(minBytes)} bytes for ${algorithm} (got ${String(size)}); ${GENERATE}`);
  }
  return keyObject;
}

/** Key-confusion guard: a PEM block or a JWK/JWKS used as an HMAC secret is a configuration mistake. */
function rejectKeyMaterial(bytes: Buffer, name: string): void {
  if (isDerKey(bytes)) throw configError(`${name} looks like a DER-encoded key; HMAC needs a shared secret, never public-key material`);
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
