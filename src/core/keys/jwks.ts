// The `jwks` option: a JSON Web Key Set (RFC 7517 §5) known at start-up, e.g. read from a
// file or a provider's published set pinned in config.
import type { Algorithm } from '../algorithms.js';
import { configError, describeValue, isRecord } from '../options/validate.js';
import type { BoundKey } from './bind.js';
import { hasPrivateMembers } from './key-input.js';
import type { KeySetKeys } from './keys.js';
import { verifyingKey } from './public-key.js';

/**
 * Every key of the set bound to its algorithms. A shared secret (`kty: 'oct'`), a key with
 * private members or one that breaks the binding rules is a TypeError naming the key by its
 * `kid`, else by its index (`keys[2]`); so is a `kid` given twice.
 */
export function resolveJwks(value: unknown, configured: readonly Algorithm[] | undefined): KeySetKeys {
  if (!isRecord(value) || !Array.isArray(value.keys) || value.keys.length === 0) {
    throw configError(`option 'jwks' must be a JSON Web Key Set with at least one key, { keys: [ … ] } (got ${describeValue(value)})`);
  }
  const keys = (value.keys as unknown[]).map((jwk, i): BoundKey => {
    const kid = isRecord(jwk) && typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const name = kid === undefined ? `jwks keys[${String(i)}]` : `jwks key ${JSON.stringify(kid)}`;
    if (!isRecord(jwk)) throw configError(`${name} must be a JWK object (got ${describeValue(jwk)})`);
    if (jwk.kty === 'oct') throw configError(`${name} is a shared secret (kty 'oct'); a key set for verification holds public keys only`);
    if (hasPrivateMembers(jwk)) throw configError(`${name} has private key members; publish and configure only the public key`);
    const key = verifyingKey(jwk, configured, name);
    return kid === undefined ? { ...key, id: undefined } : key;
  });
  const byKid = new Map<string, BoundKey>();
  for (const key of keys) {
    if (key.id === undefined) continue;
    if (byKid.has(key.id)) throw configError(`option 'jwks' has two keys with kid ${JSON.stringify(key.id)}`);
    byKid.set(key.id, key);
  }
  return { kind: 'set', keys: Object.freeze(keys), byKid };
}
