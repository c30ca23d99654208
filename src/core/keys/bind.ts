// Binding a key to the algorithms it may use, once, when it is loaded (RFC 8725 §3.1): by the
// key's type, narrowed by its JWK's `alg`, then by the `algorithms` option. A token's header
// never chooses (jose's check_key_type.ts does the same; SECURITY.md lists what happens otherwise).
import type { KeyObject } from 'node:crypto';
import { ALGORITHMS, algorithmList, algorithmsOf, type Algorithm } from '../algorithms.js';
import { configError, describeValue } from '../options/validate.js';
import type { LoadedKey } from './key-input.js';

/** A key and what it may do, decided at start-up. */
export interface BoundKey {
  /** A secret or public key: what verifies (a private key is held as its public half). */
  readonly key: KeyObject;
  /** The algorithms this key may verify (or sign with); never empty for a key that is used. */
  readonly algorithms: readonly Algorithm[];
  /** The JWK's `kid`, else the RFC 7638 thumbprint; `undefined` for a secret. */
  readonly id: string | undefined;
}

/** What a key's type allows, and the algorithm it uses when nothing says otherwise. */
export interface KeyAlgorithms {
  readonly allowed: readonly Algorithm[];
  readonly preferred: Algorithm;
}

const MIN_RSA_BITS = 2048;

const CURVES: Readonly<Record<string, Algorithm>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/**
 * The algorithms of an asymmetric key by its type: RSA → RS* and PS* (at least 2048 bits,
 * RFC 7518 §3.3), RSA-PSS → PS* (the one its parameters fix, if any), EC → the ES algorithm of
 * its curve, Ed25519/Ed448 → EdDSA. Anything else is a TypeError naming `name`.
 */
export function asymmetricAlgorithms(key: KeyObject, name: string): KeyAlgorithms {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw configError(`${name} is a ${String(bits)}-bit RSA key; RSA keys need at least ${String(MIN_RSA_BITS)} bits (RFC 7518 §3.3)`);
    }
    if (type === 'rsa') return { allowed: [...algorithmsOf('RSASSA-PKCS1-v1_5'), ...algorithmsOf('RSASSA-PSS')], preferred: 'RS256' };
    // An RSA-PSS key whose parameters fix a hash, an MGF1 hash or a minimum salt fits only the PS
    // algorithms that use them: RFC 7518 §3.5 is MGF1 with the same hash, a salt as long as the hash.
    const pss = algorithmsOf('RSASSA-PSS').filter((alg) => {
      const { hash, saltLength } = ALGORITHMS[alg];
      const mgf1 = details.mgf1HashAlgorithm ?? details.hashAlgorithm ?? hash;
      return (details.hashAlgorithm ?? hash) === hash && mgf1 === hash && (details.saltLength ?? 0) <= saltLength;
    });
    if (pss.length === 0) {
      throw configError(
        `${name} is an RSA-PSS key whose parameters (hash ${describeValue(details.hashAlgorithm)}, MGF1 ${describeValue(details.mgf1HashAlgorithm)}, salt ${describeValue(details.saltLength)}) fit no PS algorithm: RFC 7518 §3.5 uses MGF1 with the same hash and a salt as long as the hash`,
      );
    }
    return { allowed: pss, preferred: pss[0]! };
  }
  if (type === 'ec') {
    const algorithm = CURVES[details.namedCurve ?? ''];
    if (algorithm === undefined) {
      throw configError(
        `${name} is an EC key on curve ${describeValue(details.namedCurve)}; only P-256 (ES256), P-384 (ES384) and P-521 (ES512) are supported`,
      );
    }
    return { allowed: [algorithm], preferred: algorithm };
  }
  if (type === 'ed25519' || type === 'ed448') return { allowed: ['EdDSA'], preferred: 'EdDSA' };
  throw configError(
    `${name} is a ${type ?? 'secret'} key, which signs no JWS algorithm here; use RSA, EC (P-256, P-384, P-521), Ed25519 or Ed448`,
  );
}

/**
 * Narrows a key's algorithms by its JWK: `use` must be `sig`, `key_ops` must include `operation`,
 * and an `alg` must fit the key; it then becomes the key's one algorithm (RFC 7517 §4.2–4.4).
 */
export function narrowByJwk(algorithms: KeyAlgorithms, { jwk }: LoadedKey, operation: 'verify' | 'sign', name: string): KeyAlgorithms {
  if (jwk === undefined) return algorithms;
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw configError(`${name} has use ${describeValue(jwk.use)}; a signing key needs use 'sig' (or none)`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes(operation))) {
    throw configError(`${name} has key_ops without '${operation}'`);
  }
  if (jwk.alg === undefined) return algorithms;
  const alg = jwk.alg as Algorithm;
  if (!algorithms.allowed.includes(alg)) {
    throw configError(
      `${name} has alg ${describeValue(jwk.alg)}, which does not fit its key: this key may use ${algorithmList(algorithms.allowed)}`,
    );
  }
  return { allowed: [alg], preferred: alg };
}

/**
 * What a key may verify: with `algorithms` given, those its type allows among them; without,
 * its preferred one alone (so PS256 with a plain RSA key needs `algorithms` or a JWK `alg`).
 */
export function allowedBy(configured: readonly Algorithm[] | undefined, { allowed, preferred }: KeyAlgorithms): readonly Algorithm[] {
  return configured === undefined ? [preferred] : allowed.filter((alg) => configured.includes(alg));
}
