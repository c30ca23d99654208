// publicJwks: the public keys of a signer as a JSON Web Key Set (RFC 7517 §5), for a service
// to serve at /.well-known/jwks.json. Built from the same options as signToken.
import { onlyKeyOption } from './keys/key-option.js';
import { algorithmOption, fitting, signingKey } from './keys/signing-key.js';
import { resolveKeyRing } from './keys/key-ring.js';
import { publicJwkOf } from './keys/thumbprint.js';
import { entryOptions } from './options/option-names.js';
import { configError } from './options/validate.js';
import type { JsonWebKey, JsonWebKeySet, PublicJwksOptions } from './key-types.js';

/**
 * The public JWKS of `privateKey` (with optional `keyid` and `algorithm`) or of a `keys` ring
 * (with optional `algorithm`, for its current key). Each key has the `kid` signToken writes
 * with the same options, the `alg` it signs with, and `use: 'sig'`; the ring's other public
 * and private keys publish their JWK `alg` or their default. Never a private member, never a
 * secret (secrets of a ring are left out).
 *
 * @example
 * const jwks = publicJwks({ privateKey: process.env.SIGNING_KEY });
 * app.get('/.well-known/jwks.json', (req, res) => res.set('Cache-Control', 'public, max-age=300').json(jwks));
 */
export function publicJwks(options: PublicJwksOptions): JsonWebKeySet {
  const record = entryOptions(options, 'publicJwks()');
  const given = onlyKeyOption(record, ['privateKey', 'keys']);
  if (given === undefined) throw configError(`publicJwks() needs 'privateKey' or 'keys', as signToken takes them`);
  if (given === 'privateKey') {
    const { key, algorithm, kid } = signingKey(record);
    return { keys: [{ ...publicJwkOf(key), kid: kid!, alg: algorithm, use: 'sig' } as JsonWebKey] };
  }
  const algorithm = algorithmOption(record);
  const ring = resolveKeyRing(record.keys, algorithm && [algorithm]);
  if (record.keyid !== undefined) {
    throw configError(`option 'keyid' cannot be used with 'keys': each key's kid in the ring is published`);
  }
  const keys: JsonWebKey[] = [];
  for (const [kid, entry] of ring.entries) {
    if (entry.verify.key.type === 'secret') continue;
    const alg = kid === ring.current ? fitting(algorithm, entry.types, `the key of kid ${JSON.stringify(kid)}`) : entry.types.preferred;
    keys.push({ ...publicJwkOf(entry.verify.key), kid, alg, use: 'sig' } as JsonWebKey);
  }
  return { keys };
}
