// The key options, resolved once: exactly one of `secret` and `keys`, as the verifier and
// signToken use them.
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../algorithms.js';
import { configError } from '../options/validate.js';
import { resolveKeyRing, type KeyRingKeys } from './key-ring.js';
import { resolveSecret, type ResolverKeys, type StaticKeys } from './secret.js';

/** Keys known at start-up (one, or several tried in turn), keys by `kid`, or a resolver asked per token. */
export type Keys = StaticKeys | KeyRingKeys | ResolverKeys;

/** The key of one entry point's options: exactly one of `secret` and `keys` (`undefined` counts as not passed). */
export function resolveKeyOption(record: Readonly<Record<string, unknown>>, algorithm: Algorithm): Keys {
  if (record.keys === undefined) return resolveSecret(record.secret, algorithm);
  if (record.secret !== undefined) {
    throw configError(`options 'secret' and 'keys' are alternatives; pass one of them (keys by kid: { current, keys: { [kid]: secret } })`);
  }
  return resolveKeyRing(record.keys, algorithm);
}

/**
 * The one key used to sign, and the `kid` that names it: a resolver cannot sign, with several
 * secrets the first signs (its `kid` is `keyid`, if any), with `keys` the current one signs.
 */
export function signingKey(
  record: Readonly<Record<string, unknown>>,
  algorithm: Algorithm,
  keyid: string | undefined,
): { key: KeyObject; kid: string | undefined } {
  const keys = resolveKeyOption(record, algorithm);
  if (keys.kind === 'resolver') throw configError(`signToken() needs the secret itself, not a resolver function`);
  if (keys.kind === 'static') return { key: keys.keys[0]!, kid: keyid };
  if (keyid !== undefined) {
    throw configError(`option 'keyid' cannot be used with 'keys': the current key's kid (${JSON.stringify(keys.current)}) is written`);
  }
  return { key: keys.byKid.get(keys.current)!, kid: keys.current };
}
