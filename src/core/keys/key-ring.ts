// The `keys` option: keys by `kid`, for rotation without downtime.
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../algorithms.js';
import { checkNames, configError, describeValue, isRecord } from '../options/validate.js';
import { toKeyObject } from './secret.js';

/** Keys by `kid`: the token's `kid` picks its key, and `current` signs. */
export interface KeyRingKeys {
  readonly kind: 'kid';
  readonly byKid: ReadonlyMap<string, KeyObject>;
  readonly current: string;
}

const KEY_FORMS = 'a string, a Buffer or Uint8Array, or a secret KeyObject';

/**
 * The `keys` option: `{ current, keys: { [kid]: secret } }`, or `[{ kid, secret }, …]` whose
 * first entry is current. Kept in a Map, so a token's `kid` can never reach a prototype property.
 */
export function resolveKeyRing(value: unknown, algorithm: Algorithm): KeyRingKeys {
  let entries: (readonly [string, KeyObject])[];
  let current: string;
  if (Array.isArray(value)) {
    if (value.length === 0) throw configError(`option 'keys' is an empty array; give at least one { kid, secret }`);
    entries = value.map((entry: unknown, i) => {
      const name = `keys[${String(i)}]`;
      if (!isRecord(entry)) throw configError(`${name} must be an object { kid, secret } (got ${describeValue(entry)})`);
      checkNames(entry, name, ['kid', 'secret']);
      return [checkKid(entry.kid, `${name}.kid`), toKeyObject(entry.secret, algorithm, `${name}.secret`, KEY_FORMS)] as const;
    });
    current = entries[0]![0];
  } else if (isRecord(value)) {
    checkNames(value, `option 'keys'`, ['current', 'keys']);
    if (!isRecord(value.keys) || Object.keys(value.keys).length === 0) {
      throw configError(
        `keys.keys must be a non-empty object of secrets by kid, e.g. { k1: secret1, k2: secret2 } (got ${describeValue(value.keys)})`,
      );
    }
    entries = Object.entries(value.keys).map(
      ([kid, key]) =>
        [checkKid(kid, `a kid in keys.keys`), toKeyObject(key, algorithm, `keys.keys[${JSON.stringify(kid)}]`, KEY_FORMS)] as const,
    );
    current = checkKid(value.current, 'keys.current');
  } else {
    throw configError(
      `option 'keys' must be { current, keys: { [kid]: secret } } or an array of { kid, secret } (got ${describeValue(value)})`,
    );
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
  if (typeof kid !== 'string' || kid === '') throw configError(`${name} must be a non-empty string (got ${describeValue(kid)})`);
  return kid;
}
