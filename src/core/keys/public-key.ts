// The `publicKey` option: one public key, several (rotation, each with an id), or a resolver;
// each bound to its algorithms at start-up (or, for a resolver's, when it is returned).
import { PUBLIC_KEY_ALGORITHMS, type Algorithm } from '../algorithms.js';
import { configError, describeValue } from '../options/validate.js';
import type { PublicKeyResolver } from '../key-types.js';
import { allowedBy, asymmetricAlgorithms, narrowByJwk, type BoundKey } from './bind.js';
import { isDerKey, isPem, loadKey } from './key-input.js';
import type { ResolverKeys, StaticKeys } from './keys.js';
import { thumbprint } from './thumbprint.js';

const FORMS = 'a PEM (string or Buffer), an X.509 certificate PEM, a public JWK object or a public KeyObject';

/**
 * One public key for verification, bound to what it may verify: a private key or a secret is
 * a TypeError, since a verifier needs neither. Its id is the JWK's `kid`, else its thumbprint.
 */
export function verifyingKey(value: unknown, configured: readonly Algorithm[] | undefined, name: string): BoundKey {
  if (value instanceof Uint8Array && isDerKey(Buffer.from(value))) {
    throw configError(
      `${name} is a DER-encoded key; pass it as a PEM or a KeyObject (createPublicKey({ key, format: 'der', type: 'spki' }))`,
    );
  }
  if ((typeof value === 'string' || value instanceof Uint8Array) && !isPem(value)) {
    throw configError(`${name} is not a PEM key; a shared secret goes in option 'secret', never in 'publicKey'`);
  }
  const loaded = loadKey(value, name, FORMS);
  if (loaded.key.type === 'secret') throw configError(`${name} is a shared secret; pass it as option 'secret', never as a public key`);
  if (loaded.key.type === 'private') {
    throw configError(`${name} is a private key; a verifier needs only the public key (createPublicKey(privateKey) gives it)`);
  }
  const algorithms = narrowByJwk(asymmetricAlgorithms(loaded.key, name), loaded, 'verify', name);
  return { key: loaded.key, algorithms: allowedBy(configured, algorithms), id: loaded.jwk?.kid ?? thumbprint(loaded.key) };
}

export function resolvePublicKey(value: unknown, configured: readonly Algorithm[] | undefined): StaticKeys | ResolverKeys {
  if (typeof value === 'function') {
    return {
      kind: 'resolver',
      name: 'the publicKey resolver',
      resolver: value as PublicKeyResolver,
      bind: (key) => verifyingKey(key, configured, 'the key returned by the publicKey resolver'),
      // Which key comes back is not known yet: any public-key algorithm, narrowed once it is.
      algorithms: configured ?? PUBLIC_KEY_ALGORITHMS,
    };
  }
  if (!Array.isArray(value)) return { kind: 'static', keys: [verifyingKey(value, configured, "option 'publicKey'")], byId: undefined };
  if (value.length === 0) throw configError(`option 'publicKey' is an empty array; give at least one key`);
  const keys = value.map((key: unknown, i) => verifyingKey(key, configured, `publicKey[${String(i)}]`));
  const byId = new Map<string, BoundKey>();
  for (const key of keys) {
    if (byId.has(key.id!)) throw configError(`option 'publicKey' has two keys with the id ${describeValue(key.id)}`);
    byId.set(key.id!, key);
  }
  return { kind: 'static', keys: Object.freeze(keys), byId };
}
