// Reading one key as the options give it: a PEM (string or bytes), an X.509 certificate, a JWK
// object or a KeyObject, into a KeyObject and the JWK's own metadata. Whether that kind of key
// is wanted where it was given is for the caller to say.
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKeyInput } from 'node:crypto';
import { configError, describeValue, isRecord } from '../options/validate.js';
import type { JsonWebKey } from '../key-types.js';

/** A key read from the options: the key itself, and what its JWK said of its use. */
export interface LoadedKey {
  readonly key: KeyObject;
  /** The JWK's `kid`, `alg`, `use` and `key_ops`, when the key came as a JWK. */
  readonly jwk: Pick<JsonWebKey, 'kid' | 'alg' | 'use' | 'key_ops'> | undefined;
}

// RFC 7517 §9.3 and RFC 7518 §6: the members that make a JWK private (or a shared secret).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Whether a value is text or bytes holding a PEM block (`-----BEGIN …`). */
export function isPem(value: unknown): value is string | Uint8Array {
  return (typeof value === 'string' || value instanceof Uint8Array) && Buffer.from(value).toString('latin1').includes('-----BEGIN');
}

/** Whether a value is shaped as a JWK: an object with a string `kty`. */
export function isJwk(value: unknown): value is JsonWebKey {
  return isRecord(value) && typeof value.kty === 'string';
}

/** Whether a JWK carries private key material (or is a shared secret, `kty: 'oct'`). */
export function hasPrivateMembers(jwk: Readonly<Record<string, unknown>>): boolean {
  return PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined);
}

/**
 * Reads a PEM, a JWK object or a KeyObject. A PEM is read by its label: a certificate's public
 * key, a private key (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`), else a public key.
 * Anything unreadable is a TypeError naming `name`; never the key's text.
 */
export function loadKey(value: unknown, name: string, forms: string): LoadedKey {
  if (value instanceof KeyObject) return { key: value, jwk: undefined };
  if (isPem(value)) return { key: readPem(Buffer.from(value).toString('latin1'), name), jwk: undefined };
  if (isJwk(value)) {
    const { kid, alg, use, key_ops } = value;
    return { key: readJwk(value, name), jwk: { kid, alg, use, key_ops } };
  }
  // Never the text itself: a secret given in the wrong place would end up in logs.
  const got =
    typeof value === 'string' ? 'a string that is no PEM' : value instanceof Uint8Array ? 'bytes that are no PEM' : describeValue(value);
  throw configError(`${name} must be ${forms} (got ${got})`);
}

function readPem(text: string, name: string): KeyObject {
  try {
    if (text.includes('-----BEGIN CERTIFICATE')) return new X509Certificate(text).publicKey;
    if (text.includes('ENCRYPTED PRIVATE KEY'))
      throw configError(`${name} is an encrypted private key; decrypt it first (createPrivateKey({ key, passphrase }))`);
    return text.includes('PRIVATE KEY') ? createPrivateKey(text) : createPublicKey(text);
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('express-token-required:')) throw error;
    throw configError(`${name} is not a PEM key or certificate that node:crypto can read`);
  }
}

function readJwk(jwk: JsonWebKey, name: string): KeyObject {
  try {
    // A shared secret as a JWK: read, so that the caller can say it belongs in `secret`.
    if (jwk.kty === 'oct') return createSecretKey(Buffer.from(String(jwk.k), 'base64url'));
    const input = { key: jwk, format: 'jwk' } as JsonWebKeyInput;
    return hasPrivateMembers(jwk) ? createPrivateKey(input) : createPublicKey(input);
  } catch {
    throw configError(`${name} is not a JWK that node:crypto can read (kty ${describeValue(jwk.kty)})`);
  }
}

/** Whether bytes parse as a DER SubjectPublicKeyInfo, PKCS#8 or PKCS#1 key (a DER SEQUENCE first, so secrets are cheap to rule out). */
export function isDerKey(bytes: Buffer): boolean {
  if (bytes[0] !== 0x30) return false;
  const attempts = [
    () => createPublicKey({ key: bytes, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'sec1' }),
  ];
  return attempts.some((attempt) => {
    try {
      attempt();
      return true;
    } catch {
      return false;
    }
  });
}
