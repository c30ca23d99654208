// The key options of verification, resolved once: exactly one of `secret`, `publicKey`, `jwks`,
// `keys`, `jwksUri` and `discover`, every key bound to its algorithms.
import type { Algorithm } from '../algorithms.js';
import { configError } from '../options/validate.js';
import { resolveJwks } from './jwks.js';
import { resolveKeyRing } from './key-ring.js';
import type { BoundKey } from './bind.js';
import type { Keys, LocalKeys } from './keys.js';
import { resolvePublicKey } from './public-key.js';
import { resolveRemoteKeys } from './remote-key-option.js';
import { resolveSecret } from './secret.js';

export const VERIFY_KEY_OPTIONS = ['secret', 'publicKey', 'jwks', 'keys', 'jwksUri', 'discover'] as const;

/** The one key option given, of `names`; two or more is a TypeError naming each (`undefined` counts as not passed). */
export function onlyKeyOption<const N extends string>(record: Readonly<Record<string, unknown>>, names: readonly N[]): N | undefined {
  const given = names.filter((name) => record[name] !== undefined);
  if (given.length > 1) {
    const list = given.map((name) => `'${name}'`);
    throw configError(`options ${list.slice(0, -1).join(', ')} and ${list.at(-1)!} are alternatives; pass one of them`);
  }
  return given[0];
}

/** The verification keys of one configuration; `configured` is the `algorithms` option, when given. */
export function resolveKeyOption(given: Readonly<Record<string, unknown>>, configured: readonly Algorithm[] | undefined): Keys {
  // `discover: false` is no key option, so that `discover: process.env.X === '1'` beside another one works.
  const record = given.discover === false ? { ...given, discover: undefined } : given;
  const option = onlyKeyOption(record, VERIFY_KEY_OPTIONS);
  if (record.jwksOptions !== undefined && option !== 'jwksUri' && option !== 'discover') {
    throw configError(`option 'jwksOptions' applies to a remote key set only: pass 'jwksUri' or 'discover' with it`);
  }
  switch (option) {
    case 'jwksUri':
    case 'discover':
      return resolveRemoteKeys(record, option, configured);
    case 'publicKey':
      return resolvePublicKey(record.publicKey, configured);
    case 'jwks':
      return resolveJwks(record.jwks, configured);
    case 'keys': {
      const ring = resolveKeyRing(record.keys, configured);
      return { kind: 'kid', byKid: new Map([...ring.entries].map(([kid, entry]) => [kid, entry.verify])) };
    }
    default:
      return resolveSecret(record.secret, configured);
  }
}

/** Every key known at start-up. */
export function knownKeys(keys: LocalKeys): readonly BoundKey[] {
  return keys.kind === 'kid' ? [...keys.byKid.values()] : keys.keys;
}
