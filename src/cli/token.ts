// The TOKEN argument of verify and decode: as given, or read from standard input for `-`.
import { UsageError } from './args.js';
import { Refused, type Io } from './io.js';

/** Far more than any token: a bound on what `-` reads, so that a stray pipe cannot fill memory. */
export const MAX_STDIN_BYTES = 1024 * 1024;

// HTTP's whitespace (RFC 9110 §5.6.3) and line ends: what `echo` and copying from a header add.
const EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;

const BEARER = /^bearer[ \t]/i;

/**
 * The token named by TOKEN: `-` reads all of standard input. Either way it is trimmed of
 * spaces, tabs and line ends, and an `Authorization` value (`Bearer …`) is refused with a
 * hint. The token itself is never part of an error.
 */
export async function readToken(argument: string, io: Io): Promise<string> {
  const text = argument === '-' ? (await readStdin(io, MAX_STDIN_BYTES, tooMuch)).toString('utf8') : argument;
  const token = text.replace(EDGES, '');
  if (token === '') throw new UsageError('missing TOKEN: standard input is empty');
  if (BEARER.test(token)) throw new Refused('the token starts with "Bearer ": drop the "Bearer " prefix and pass the token alone');
  return token;
}

function tooMuch(): Error {
  return new Refused(`standard input holds more than ${String(MAX_STDIN_BYTES)} bytes, too much for a token`);
}

/** All of standard input, at most `limit` bytes: past that, `overLimit()` is thrown. */
export async function readStdin({ stdin }: Io, limit: number, overLimit: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin ?? []) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    size += bytes.length;
    if (size > limit) throw overLimit();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
