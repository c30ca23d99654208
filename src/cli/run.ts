import { HelpRequested, UsageError } from './args.js';
import { findCommand } from './commands.js';
import { EXIT, PROGRAM, Refused, type Command, type Env, type ExitCode, type Io } from './io.js';
import { USAGE } from './usage.js';
import { packageVersion } from './version.js';

/**
 * Runs the command line `argv` (without node and the script) and resolves to the exit code.
 * Output goes to `io`; nothing here exits the process, so tests can call it directly.
 */
export async function run(argv: readonly string[], env: Env, io: Io): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (name === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : findCommand(name);
  try {
    if (command === undefined) throw new UsageError(unknown(name));
    return await command.run(args, { env, io });
  } catch (error) {
    return answer(error, command, io);
  }
}

function unknown(name: string | undefined): string {
  if (name === undefined) return 'missing command';
  return name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
}

function answer(error: unknown, command: Command | undefined, io: Io): ExitCode {
  const usage = command?.usage ?? USAGE;
  if (error instanceof HelpRequested) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (error instanceof Refused) {
    io.stderr.write(`${PROGRAM}: ${error.message}\n`);
    return EXIT.refused;
  }
  if (!(error instanceof UsageError)) throw error;
  io.stderr.write(`${PROGRAM}: ${error.message}\n\n${usage}`);
  return EXIT.usage;
}
