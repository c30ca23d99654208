import { KeyObject, createSecretKey } from 'node:crypto';
import { checkNames, configError, describe, isRecord } from './check.js';
import type { Algorithm, SecretResolver } from './types.js';

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export const MIN_KEY_BYTES: Readonly<Record<Algorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export const ALGORITHMS = Object.keys(MIN_KEY_BYTES) as readonly Algorithm[];

const GENERATE = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"`;

/** Keys known at start-up (one, or several tried in turn), keys by `kid`, or a resolver asked per token. */
export type Keys =
  | { readonly kind: 'static'; readonly keys: readonly KeyObject[] }
  | { readonly kind: 'kid'; readonly byKid: ReadonlyMap<string, KeyObject>; readonly current: string }
  | { readonly kind: 'resolver'; readonly resolve: SecretResolver; readonly algorithm: Algorithm };

const KEY_FORMS = 'a string, a Buffer or Uint8Array, or a secret KeyObject';

/** The key of one entry point's options: exactly one of `secret` and `keys` (`undefined` counts as not passed). */
export function resolveKeyOption(record: Readonly<Record<string, unknown>>, algorithm: Algorithm): Keys {
  if (record.keys === undefined) return resolveKeys(record.secret, algorithm);
  if (record.secret !== undefined) {
    throw configError(`options 'secret' and 'keys' are alternatives; pass one of them (keys by kid: { current, keys: { [kid]: secret } })`);
  }
  return resolveKeyRing(record.keys, algorithm);
}

/**
 * The `keys` option: `{ current, keys: { [kid]: secret } }`, or `[{ kid, secret }, …]` whose
 * first entry is current. Kept in a Map, so a token's `kid` can never reach a prototype property.
 */
function resolveKeyRing(value: unknown, algorithm: Algorithm): Keys {
  let entries: (readonly [string, KeyObject])[];
  let current: string;
  if (Array.isArray(value)) {
    if (value.length === 0) throw configError(`option 'keys' is an empty array; give at least one { kid, secret }`);
    entries = value.map((entry: unknown, i) => {
      const name = `keys[${String(i)}]`;
      if (!isRecord(entry)) throw configError(`${name} must be an object { kid, secret } (got ${describe(entry)})`);
      checkNames(entry, name, ['kid', 'secret']);
      return [checkKid(entry.kid, `${name}.kid`), toKeyObject(entry.secret, algorithm, `${name}.secret`, KEY_FORMS)] as const;
    });
    current = entries[0]![0];
  } else if (isRecord(value)) {
    checkNames(value, `option 'keys'`, ['current', 'keys']);
    if (!isRecord(value.keys) || Object.keys(value.keys).length === 0) {
      throw configError(`keys.keys must be a non-empty object of secrets by kid, e.g. { k1: secret1, k2: secret2 } (got ${describe(value.keys)})`);
    }
    entries = Object.entries(value.keys).map(([kid, key]) => [
      checkKid(kid, `a kid in keys.keys`),
      toKeyObject(key, algorithm, `keys.keys[${JSON.stringify(kid)}]`, KEY_FORMS),
    ] as const);
    current = checkKid(value.current, 'keys.current');
  } else {
    throw configError(`option 'keys' must be { current, keys: { [kid]: secret } } or an array of { kid, secret } (got ${describe(value)})`);
  }
  const byKid = new Map<string, KeyObject>();
  for (const [kid, key] of entries) {
    if (byKid.has(kid)) throw configError(`option 'keys' names kid ${JSON.stringify(kid)} twice`);
    byKid.set(kid, key);
  }
  if (!byKid.has(current)) {
    throw configError(`keys.current ${JSON.stringify(current)} names no key in keys.keys (known: ${[...byKid.keys()].join(', ')})`);
  }
  return Object.freeze({ kind: 'kid', byKid, current });
}

function checkKid(kid: unknown, name: string): string {
  if (typeof kid !== 'string' || kid === '') throw configError(`${name} must be a non-empty string (got ${describe(kid)})`);
  return kid;
}

/**
 * Turns the `secret` option into key objects once, so that nothing per request
 * re-reads a string (jsonwebtoken would try to parse a string as a PEM key on every call).
 * `algorithm` is the strongest one allowed: it sets the minimum length.
 */
export function resolveKeys(secret: unknown, algorithm: Algorithm): Keys {
  if (secret === undefined || secret === null || secret === '') {
    throw configError(`option 'secret' is required (or 'keys', for keys by kid); ${GENERATE}`);
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

/**
 * The one key used to sign, and the `kid` that names it: a resolver cannot sign, with several
 * secrets the first signs (its `kid` is `keyid`, if any), with `keys` the current one signs.
 */
export function signingKey(record: Readonly<Record<string, unknown>>, algorithm: Algorithm, keyid: string | undefined): { key: KeyObject; kid: string | undefined } {
  const keys = resolveKeyOption(record, algorithm);
  if (keys.kind === 'resolver') throw configError(`signToken() needs the secret itself, not a resolver function`);
  if (keys.kind === 'static') return { key: keys.keys[0]!, kid: keyid };
  if (keyid !== undefined) {
    throw configError(`option 'keyid' cannot be used with 'keys': the current key's kid (${JSON.stringify(keys.current)}) is written`);
  }
  return { key: keys.byKid.get(keys.current)!, kid: keys.current };
}

/** Checks one key (form, key-material confusion, length) and makes it a secret KeyObject. */
export function toKeyObject(
  key: unknown,
  algorithm: Algorithm,
  name: string,
  forms = 'a string, a Buffer or Uint8Array, a secret KeyObject, an array of these, or a resolver function',
): KeyObject {
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
    throw configError(`${name} must be ${forms} (got ${describe(key)})`);
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
