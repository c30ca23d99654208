// What a command needs from its surroundings, so that tests can run it in-process.

/** Where a command writes: `process` itself fits. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Context {
  readonly env: Env;
  readonly io: Io;
}

/** Exit codes: 0 done, 1 the token was refused or is malformed, 2 bad usage. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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
