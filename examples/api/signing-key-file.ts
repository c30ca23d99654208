// The private key of the public-key modes: SIGNING_KEY_FILE, or a key generated once and kept
// beside the database (as the secret is) so that tokens and the published JWKS survive restarts.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicKeyAlgorithm } from './signing-config.js';

export interface LoadedSigningKey {
  readonly privateKey: KeyObject;
  /** The file it came from: SIGNING_KEY_FILE, or the generated one. */
  readonly file: string;
  /** Whether this start generated it (then it is a new key: no earlier token verifies). */
  readonly created: boolean;
  /** Whether it is the generated file rather than SIGNING_KEY_FILE (then the server warns). */
  readonly generated: boolean;
}

export const SIGNING_KEY_FILE = 'signing-key.pem';

/** What each algorithm signs with, as node:crypto names key types, and as people do. */
const KEY_OF: Readonly<Record<PublicKeyAlgorithm, { type: string; curve?: string; name: string }>> = {
  ES256: { type: 'ec', curve: 'prime256v1', name: 'an EC P-256 key' },
  // PS256 with a plain RSA key (not an RSA-PSS one): node:crypto exports only plain RSA keys as JWKs.
  RS256: { type: 'rsa', name: 'an RSA key' },
  PS256: { type: 'rsa', name: 'an RSA key' },
  EdDSA: { type: 'ed25519', name: 'an Ed25519 key' },
};

/** The key in `keyFile`, or else the one in the data folder, generated (PKCS#8 PEM, mode 0600) on the first start. */
export function loadSigningKey(algorithm: PublicKeyAlgorithm, keyFile: string | undefined, dataDir: string): LoadedSigningKey {
  if (keyFile !== undefined) {
    const label = 'SIGNING_KEY_FILE ';
    return { privateKey: parseKey(readPem(keyFile, label)!, keyFile, algorithm, label), file: keyFile, created: false, generated: false };
  }
  const file = join(dataDir, SIGNING_KEY_FILE);
  const pem = readPem(file, '', { missing: true });
  if (pem !== undefined) return { privateKey: parseKey(pem, file, algorithm, ''), file, created: false, generated: true };
  const privateKey = generateKey(algorithm);
  // 0600: readable by this user only; 'wx': never overwrite a key another process just wrote.
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return { privateKey, file, created: true, generated: true };
}

function generateKey(algorithm: PublicKeyAlgorithm): KeyObject {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
  }
}

/** The file's bytes; `undefined` when it does not exist and `missing` allows that (the key is then generated). */
function readPem(file: string, label: string, { missing = false } = {}): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (missing && code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${label}${file} (${code ?? 'unknown error'})`, { cause: error });
  }
}

/** Never the file's content in a message: it is a private key, or meant to be one. */
function parseKey(pem: Buffer, file: string, algorithm: PublicKeyAlgorithm, label: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(
      `${label}${file} holds no private key; it must be an unencrypted PEM private key, e.g. from openssl genpkey (BEGIN PRIVATE KEY)`,
      { cause: error },
    );
  }
  const wanted = KEY_OF[algorithm];
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType !== wanted.type || (wanted.curve !== undefined && details.namedCurve !== wanted.curve)) {
    throw new Error(
      `${label}${file} holds ${describeKey(key)}, but TOKEN_ALG ${algorithm} signs with ${wanted.name}; use such a key or another TOKEN_ALG`,
    );
  }
  if (wanted.type === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    throw new Error(`${label}${file} holds a ${String(details.modulusLength)}-bit RSA key; RSA keys need at least 2048 bits`);
  }
  return key;
}

const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const TYPE_NAMES: Readonly<Record<string, string>> = { rsa: 'an RSA', 'rsa-pss': 'an RSA-PSS', ed25519: 'an Ed25519', ed448: 'an Ed448' };

function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    return `an EC ${CURVE_NAMES[curve] ?? curve} key`;
  }
  return `${TYPE_NAMES[type] ?? `a ${type}`} key`;
}
