// What a command needs from its surroundings, so that tests can run it in-process.

/** Where a command reads and writes: `process` itself fits. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** What `verify -` and `decode -` read, as `process.stdin`; none reads as empty. */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
}

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Context {
  readonly env: Env;
  readonly io: Io;
}

/**
 * Exit codes: 0 done, 1 the token was refused or is malformed, 2 bad usage, 3 the key server
 * could not be reached (a remote key set or an issuer's metadata could not be fetched), which
 * says nothing about the token.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What was read cannot be used (not a token, too deep to print): the message on stderr, exit code 1. */
export class Refused extends Error {
  override readonly name = 'Refused';
}

/** One subcommand: its help text and what it does with its arguments. */
export interface Command {
  readonly name: string;
  /** One line for the top-level usage. */
  readonly summary: string;
  /** The full `--help` text, ending with a newline. */
  readonly usage: string;
  run(args: readonly string[], context: Context): ExitCode | Promise<ExitCode>;
}

export const PROGRAM = 'express-token-required';
