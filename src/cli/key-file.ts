// The files named by --key, --jwks and SIGNING_KEY_FILE ("-": standard input): read with a
// bound on their size, then recognised as a PEM or as JSON. Whatever fails is bad usage that
// names where the file was given, never the file's text, which may be a private key.
import { closeSync, openSync, readSync } from 'node:fs';
import { isJwk } from '../core/keys/key-input.js';
import { isRecord } from '../core/options/validate.js';
import type { JsonWebKey, JsonWebKeySet } from '../core/key-types.js';
import { UsageError, parseJson } from './args.js';
import type { Io } from './io.js';
import { readStdin } from './token.js';

/** Far more than any key or key set (a 16384-bit RSA private JWK is about 12 KB). */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** What a key file holds: a PEM's text, or a JWK. */
export type KeyText = string | JsonWebKey;

const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * The bytes of the file `path` names, given as `source` (`--key`, `SIGNING_KEY_FILE`). Its name
 * is not echoed: what was typed there may be a key or a secret put in the wrong place.
 */
export async function readKeyFile(path: string, source: string, io: Io): Promise<string> {
  if (path === '') throw new UsageError(`${source} needs a file name`);
  const tooLarge = (): Error =>
    new UsageError(`the ${source} file is larger than ${String(MAX_KEY_FILE_BYTES)} bytes; no key is that large`);
  if (path === '-') return (await readStdin(io, MAX_KEY_FILE_BYTES, tooLarge)).toString('utf8');
  if (path.includes('-----BEGIN') || path.includes('\n') || path.trimStart().startsWith('{')) {
    throw new UsageError(`${source} takes the name of a key file, not the key itself`);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(error, source);
  }
  try {
    return readBounded(fd, tooLarge).toString('utf8');
  } catch (error) {
    throw error instanceof UsageError ? error : unreadable(error, source);
  } finally {
    closeSync(fd);
  }
}

/** At most MAX_KEY_FILE_BYTES: a device or a pipe that never ends cannot fill memory. */
function readBounded(fd: number, tooLarge: () => Error): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  let size = 0;
  for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
    size += read;
    if (size > MAX_KEY_FILE_BYTES) throw tooLarge();
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks);
}

function unreadable(error: unknown, source: string): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? 'an unknown error';
  return new UsageError(`cannot read the ${source} file: ${WHY[code] ?? code}`);
}

/** One key: a PEM's text or a JWK object; a key set, other JSON or anything else is bad usage. */
export function keyText(text: string, source: string): KeyText {
  if (text.trim() === '') throw new UsageError(`the ${source} file is empty`);
  if (text.includes('-----BEGIN')) {
    if (text.includes('ENCRYPTED PRIVATE KEY')) {
      throw new UsageError(`the ${source} file is an encrypted private key; decrypt it first (openssl pkey -in FILE -out PLAIN.pem)`);
    }
    return text;
  }
  const json = parseJson(text, undefined);
  if (isJwk(json)) return json;
  if (isRecord(json) && Array.isArray(json.keys)) {
    throw new UsageError(`the ${source} file is a key set ("keys"), not one key; verify takes a key set as --jwks FILE`);
  }
  throw new UsageError(`the ${source} file is neither a PEM key nor a JWK (a JSON object with "kty")`);
}

/** A JSON Web Key Set, `{ "keys": [ … ] }`; its keys are checked by the core. */
export function keySetText(text: string, source: string): JsonWebKeySet {
  const json = parseJson(text, undefined);
  if (isRecord(json) && Array.isArray(json.keys)) return json as unknown as JsonWebKeySet;
  throw new UsageError(`the ${source} file is not a JSON Web Key Set ({ "keys": [ … ] })`);
}
