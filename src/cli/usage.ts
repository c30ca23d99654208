import { COMMANDS } from './commands.js';
import { PROGRAM } from './io.js';

const width = Math.max(...COMMANDS.map((command) => command.name.length));

export const USAGE = `Usage: ${PROGRAM} <command> [options]

Make and inspect the tokens that tokenRequired() checks in the \`token\` header:
HS256 with a secret, or RS*, PS*, ES* and EdDSA with a key pair (keygen, jwks,
sign --key, verify --key or --jwks).

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Options:
  -h, --help  show this help
  --version   print the version

Run "${PROGRAM} <command> --help" for a command's options.
Exit codes: 0 done, 1 token refused or malformed, 2 bad usage, 3 key server
unreachable (verify --jwks-uri or --discover).
`;
