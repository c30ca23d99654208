// The key that signs, for signToken and publicJwks: exactly one of `secret`, `privateKey` and
// `keys`, with the algorithm it signs with and the `kid` it writes.
import type { KeyObject } from 'node:crypto';
import { ALGORITHM_LIST, algorithmList, algorithmsOf, isAlgorithm, type Algorithm } from '../algorithms.js';
import { configError, describeValue, optionalString } from '../options/validate.js';
import { asymmetricAlgorithms, narrowByJwk, type KeyAlgorithms } from './bind.js';
import { onlyKeyOption } from './key-option.js';
import { isPem, loadKey } from './key-input.js';
import { resolveKeyRing, type KeyRing } from './key-ring.js';
import { resolveSecret } from './secret.js';
import { thumbprint } from './thumbprint.js';

/** What signs a token: the key, its algorithm, and the header's `kid`. */
export interface SigningKey {
  readonly key: KeyObject;
  readonly algorithm: Algorithm;
  readonly kid: string | undefined;
}

const PRIVATE_FORMS =
  'a private key PEM (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY), a private JWK object or a private KeyObject';

/** The `algorithm` option, when given: one of the table. */
export function algorithmOption(record: Readonly<Record<string, unknown>>): Algorithm | undefined {
  const { algorithm } = record;
  if (algorithm === undefined) return undefined;
  if (!isAlgorithm(algorithm)) throw configError(`algorithm ${describeValue(algorithm)} is not supported; use ${ALGORITHM_LIST}`);
  return algorithm;
}

/**
 * The signing key of signToken's options: a secret (with several, the first; never a resolver),
 * a private key, or the ring's current key. The algorithm defaults to the key's own and must fit
 * it. The `kid` is `keyid`, else the private JWK's own, else the key's RFC 7638 thumbprint, so
 * a JWKS consumer can always select it; with `keys`, the current key's `kid`.
 */
export function signingKey(record: Readonly<Record<string, unknown>>): SigningKey {
  const algorithm = algorithmOption(record);
  const keyid = optionalString(record, 'keyid');
  switch (onlyKeyOption(record, ['secret', 'privateKey', 'keys'])) {
    case 'privateKey':
      return privateSigningKey(record.privateKey, algorithm, keyid);
    case 'keys':
      return ringSigningKey(resolveKeyRing(record.keys, algorithm && [algorithm]), algorithm, keyid);
    default: {
      const keys = resolveSecret(record.secret, [algorithm ?? 'HS256']);
      if (keys.kind === 'resolver') throw configError(`signToken() needs the secret itself, not a resolver function`);
      const chosen = fitting(algorithm, { allowed: algorithmsOf('HMAC'), preferred: 'HS256' }, 'secret');
      return { key: keys.keys[0]!.key, algorithm: chosen, kid: keyid };
    }
  }
}

function privateSigningKey(value: unknown, algorithm: Algorithm | undefined, keyid: string | undefined): SigningKey {
  const name = "option 'privateKey'";
  if ((typeof value === 'string' || value instanceof Uint8Array) && !isPem(value)) {
    throw configError(`${name} is not a PEM key; a shared secret goes in option 'secret'`);
  }
  const loaded = loadKey(value, name, PRIVATE_FORMS);
  if (loaded.key.type === 'secret') throw configError(`${name} is a shared secret; pass it as option 'secret'`);
  if (loaded.key.type === 'public') throw configError(`${name} is a public key; signing needs the private key (public keys verify)`);
  const types = narrowByJwk(asymmetricAlgorithms(loaded.key, name), loaded, 'sign', name);
  return { key: loaded.key, algorithm: fitting(algorithm, types, name), kid: keyid ?? loaded.jwk?.kid ?? thumbprint(loaded.key) };
}

function ringSigningKey(ring: KeyRing, algorithm: Algorithm | undefined, keyid: string | undefined): SigningKey {
  if (keyid !== undefined) {
    throw configError(`option 'keyid' cannot be used with 'keys': the current key's kid (${JSON.stringify(ring.current)}) is written`);
  }
  const entry = ring.entries.get(ring.current)!;
  if (entry.signer === undefined) {
    throw configError(
      `keys.current ${JSON.stringify(ring.current)} is a public key; signToken needs the current key to be a secret or a private key`,
    );
  }
  return {
    key: entry.signer,
    algorithm: fitting(algorithm, entry.types, `the key of kid ${JSON.stringify(ring.current)}`),
    kid: ring.current,
  };
}

/** The `algorithm` option when it fits the key, else the key's own; one that does not fit is a TypeError. */
export function fitting(algorithm: Algorithm | undefined, { allowed, preferred }: KeyAlgorithms, name: string): Algorithm {
  if (algorithm === undefined) return preferred;
  if (!allowed.includes(algorithm))
    throw configError(`algorithm '${algorithm}' does not fit ${name}, which may sign with ${algorithmList(allowed)}`);
  return algorithm;
}
