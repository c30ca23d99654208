// The key a subcommand signs or verifies with: --secret, --key, --jwks, --jwks-uri, --discover, or the environment.
// Key files are read and checked here, so that a mistake names the flag (or variable) it came from.
import { createPublicKey } from 'node:crypto';
import { asymmetricAlgorithms, narrowByJwk, type KeyAlgorithms } from '../core/keys/bind.js';
import { loadKey, type LoadedKey } from '../core/keys/key-input.js';
import { publicJwkOf } from '../core/keys/thumbprint.js';
import type { JsonWebKey, JsonWebKeySet, PublicKeyInput } from '../core/key-types.js';
import { UsageError, asUsageError, secretFrom } from './args.js';
import type { Env, Io } from './io.js';
import { keySetText, keyText, readKeyFile, type KeyText } from './key-file.js';

/** A key file, read: what it holds as the core takes it, the key loaded, and what it may do. */
export interface FileKey {
  readonly value: KeyText;
  readonly loaded: LoadedKey;
  readonly types: KeyAlgorithms;
  /** `the --key file`, `the SIGNING_KEY_FILE file`: how errors name it. */
  readonly name: string;
}

const FORMS = 'a PEM or a JWK';

/** The core's words for its key options, as this file is named. */
export function keyNames(name: string): Readonly<Record<string, string>> {
  return { privateKey: name, publicKey: name };
}

/** Reads, loads and binds the key file given as `source`: a public or private key, never a secret. */
export async function fileKey(path: string, source: string, io: Io): Promise<FileKey> {
  const value = keyText(await readKeyFile(path, source, io), source);
  const name = `the ${source} file`;
  try {
    const loaded = loadKey(value, name, FORMS);
    if (loaded.key.type === 'secret') throw new UsageError(`${name} is a shared secret (kty "oct"), not a public or private key`);
    const types = narrowByJwk(asymmetricAlgorithms(loaded.key, name), loaded, loaded.key.type === 'private' ? 'sign' : 'verify', name);
    return { value, loaded, types, name };
  } catch (error) {
    throw asUsageError(error);
  }
}

/** What signs: `--secret`, else `--key`, else `SECRET_KEY`, else `SIGNING_KEY_FILE`. */
export type SignKey = { readonly secret: string } | { readonly file: FileKey };

export async function signKeyFrom(flags: { secret?: string; key?: string }, env: Env, io: Io): Promise<SignKey> {
  if (flags.secret && flags.key !== undefined) throw new UsageError('--secret and --key are alternatives; pass one');
  if (flags.secret) return { secret: flags.secret };
  if (flags.key !== undefined) return { file: await fileKey(flags.key, '--key', io) };
  if (env.SECRET_KEY && env.SIGNING_KEY_FILE) {
    throw new UsageError('SECRET_KEY and SIGNING_KEY_FILE are both set; choose one with --secret or --key');
  }
  if (env.SIGNING_KEY_FILE) return { file: await fileKey(env.SIGNING_KEY_FILE, 'SIGNING_KEY_FILE', io) };
  return { secret: secretFrom(undefined, env) };
}

/** What verifies: exactly one of `--secret`, `--key`, `--jwks`, `--jwks-uri` and `--discover`, else `SECRET_KEY`. */
export type VerifyKey =
  | { readonly secret: string }
  | { readonly publicKey: PublicKeyInput; readonly name: string }
  | { readonly jwks: JsonWebKeySet }
  | { readonly jwksUri: string }
  | { readonly discover: true };

export interface VerifyKeyFlags {
  secret?: string;
  key?: string;
  jwks?: string;
  'jwks-uri'?: string;
  discover?: boolean;
}

const VERIFY_KEY_FLAGS = ['secret', 'key', 'jwks', 'jwks-uri', 'discover'] as const;

export async function verifyKeyFrom(flags: VerifyKeyFlags, env: Env, io: Io): Promise<VerifyKey> {
  const given = VERIFY_KEY_FLAGS.filter((flag) =>
    flag === 'secret' ? Boolean(flags.secret) : flag === 'discover' ? flags.discover === true : flags[flag] !== undefined,
  );
  if (given.length > 1) {
    const list = given.map((flag) => `--${flag}`);
    throw new UsageError(`${list.slice(0, -1).join(', ')} and ${list.at(-1)!} are alternatives; pass one`);
  }
  if (flags.key !== undefined) {
    const file = await fileKey(flags.key, '--key', io);
    return { publicKey: publicHalf(file), name: file.name };
  }
  if (flags.jwks !== undefined) return { jwks: keySetText(await readKeyFile(flags.jwks, '--jwks', io), '--jwks') };
  // Checked by the core: https:, or http: to a loopback host.
  if (flags['jwks-uri'] !== undefined) return { jwksUri: flags['jwks-uri'] };
  if (flags.discover === true) return { discover: true };
  return { secret: secretFrom(flags.secret, env) };
}

/**
 * The key as a verifier takes it: a public key as given; a private key's public half, which
 * keeps a JWK's `kid`, `alg` and `use` (its `key_ops` are a signer's, so they are left out).
 */
export function publicHalf({ value, loaded }: FileKey): PublicKeyInput {
  if (loaded.key.type === 'public') return value;
  if (loaded.jwk === undefined) return createPublicKey(loaded.key);
  const { kid, alg, use } = loaded.jwk;
  return { ...publicJwkOf(loaded.key), kid, alg, use } as JsonWebKey;
}
