import { decode } from './decode.js';
import type { Command } from './io.js';
import { jwks } from './jwks.js';
import { keygen } from './keygen.js';
import { secret } from './secret.js';
import { sign } from './sign.js';
import { verify } from './verify.js';

/** Every subcommand, in the order the usage lists them. */
export const COMMANDS: readonly Command[] = [secret, keygen, jwks, sign, verify, decode];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
