// The `keys` option: keys by `kid`, for rotation without downtime and for migrations from a
// shared secret to public keys. Each `kid` is bound to its own key's algorithms.
import { KeyObject, createPublicKey } from 'node:crypto';
import { DEFAULT_ALGORITHM, algorithmsOf, type Algorithm } from '../algorithms.js';
import { checkNames, configError, describeValue, isRecord } from '../options/validate.js';
import { allowedBy, asymmetricAlgorithms, narrowByJwk, type BoundKey, type KeyAlgorithms } from './bind.js';
import { isJwk, isPem, loadKey } from './key-input.js';
import { boundSecret } from './secret.js';

const SECRET_FORMS = 'a string, a Buffer or Uint8Array, or a secret KeyObject';
const KEY_FORMS = 'a PEM (string or Buffer), a JWK object or a public or private KeyObject';

/** One `kid` of the ring: what verifies, what signs, and what its key's type allows. */
export interface RingEntry {
  readonly verify: BoundKey;
  /** The secret or private key, for signToken; `undefined` for a public key. */
  readonly signer: KeyObject | undefined;
  readonly types: KeyAlgorithms;
}

export interface KeyRing {
  readonly entries: ReadonlyMap<string, RingEntry>;
  readonly current: string;
}

/**
 * `{ current, keys: { [kid]: key } }`, or `[{ kid, secret } | { kid, key }, …]` whose first
 * entry is current. A key may be a secret, a public key or a private key (which verifies with
 * its public half). Kept in a Map, so a token's `kid` can never reach a prototype property.
 */
export function resolveKeyRing(value: unknown, configured: readonly Algorithm[] | undefined): KeyRing {
  let entries: (readonly [string, RingEntry])[];
  let current: string;
  if (Array.isArray(value)) {
    if (value.length === 0) throw configError(`option 'keys' is an empty array; give at least one { kid, secret } or { kid, key }`);
    entries = value.map((entry: unknown, i) => {
      const name = `keys[${String(i)}]`;
      if (!isRecord(entry)) throw configError(`${name} must be an object { kid, secret } or { kid, key } (got ${describeValue(entry)})`);
      checkNames(entry, name, ['kid', 'secret', 'key']);
      const kid = checkKid(entry.kid, `${name}.kid`);
      if (entry.key === undefined) return [kid, secretEntry(entry.secret, configured, `${name}.secret`)] as const;
      if (entry.secret !== undefined) throw configError(`${name} has both 'secret' and 'key'; give one`);
      return [kid, keyEntry(entry.key, configured, `${name}.key`)] as const;
    });
    current = entries[0]![0];
  } else if (isRecord(value)) {
    checkNames(value, `option 'keys'`, ['current', 'keys']);
    if (!isRecord(value.keys) || Object.keys(value.keys).length === 0) {
      throw configError(
        `keys.keys must be a non-empty object of secrets by kid (or public and private keys), e.g. { k1: secret1, k2: secret2 } (got ${describeValue(value.keys)})`,
      );
    }
    entries = Object.entries(value.keys).map(([kid, key]) => {
      const name = `keys.keys[${JSON.stringify(kid)}]`;
      const asymmetric = isPem(key) || isJwk(key) || (key instanceof KeyObject && key.type !== 'secret');
      return [
        checkKid(kid, `a kid in keys.keys`),
        asymmetric ? keyEntry(key, configured, name) : secretEntry(key, configured, name),
      ] as const;
    });
    current = checkKid(value.current, 'keys.current');
  } else {
    throw configError(
      `option 'keys' must be { current, keys: { [kid]: secret } } or an array of { kid, secret } (got ${describeValue(value)}); public and private keys go in the same places, as { kid, key } in the array`,
    );
  }
  const byKid = new Map<string, RingEntry>();
  for (const [kid, entry] of entries) {
    if (byKid.has(kid)) throw configError(`option 'keys' names kid ${JSON.stringify(kid)} twice`);
    byKid.set(kid, { ...entry, verify: { ...entry.verify, id: kid } });
  }
  if (!byKid.has(current)) {
    throw configError(`keys.current ${JSON.stringify(current)} names no key in keys.keys (known: ${[...byKid.keys()].join(', ')})`);
  }
  return { entries: byKid, current };
}

function secretEntry(value: unknown, configured: readonly Algorithm[] | undefined, name: string): RingEntry {
  const verify = boundSecret(value, configured, name, SECRET_FORMS, `; a public or private key may be ${KEY_FORMS}`);
  return { verify, signer: verify.key, types: { allowed: algorithmsOf('HMAC'), preferred: DEFAULT_ALGORITHM } };
}

function keyEntry(value: unknown, configured: readonly Algorithm[] | undefined, name: string): RingEntry {
  const loaded = loadKey(value, name, KEY_FORMS);
  if (loaded.key.type === 'secret') return secretEntry(loaded.key, configured, name);
  const isPrivate = loaded.key.type === 'private';
  const types = narrowByJwk(asymmetricAlgorithms(loaded.key, name), loaded, isPrivate ? 'sign' : 'verify', name);
  const key = isPrivate ? createPublicKey(loaded.key) : loaded.key;
  return { verify: { key, algorithms: allowedBy(configured, types), id: undefined }, signer: isPrivate ? loaded.key : undefined, types };
}

function checkKid(kid: unknown, name: string): string {
  if (typeof kid !== 'string' || kid === '') throw configError(`${name} must be a non-empty string (got ${describeValue(kid)})`);
  return kid;
}
