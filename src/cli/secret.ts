import { randomBytes } from 'node:crypto';
import { UsageError, parseCommand } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';

const MIN_BYTES = 32;
const MAX_BYTES = 1024;

export const secret: Command = {
  name: 'secret',
  summary: 'print a new random secret (hex), for SECRET_KEY',
  usage: `Usage: ${PROGRAM} secret [--bytes N]

Print a new random secret as hex, the same as
  node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"

Options:
  --bytes N    random bytes, ${String(MIN_BYTES)} to ${String(MAX_BYTES)} (default: 32; HS512 wants 64)
  -h, --help   show this help

Example:
  export SECRET_KEY=$(${PROGRAM} secret)
`,
  run(args, { io }) {
    const { values } = parseCommand(args, { bytes: { type: 'string' } });
    const text = values.bytes ?? String(MIN_BYTES);
    const bytes = Number(text);
    // Fewer than 32 bytes is no HS256 key (RFC 7518 §3.2), so such a secret is never made.
    if (!/^\d+$/.test(text) || bytes < MIN_BYTES || bytes > MAX_BYTES) {
      throw new UsageError(
        `--bytes must be a whole number from ${String(MIN_BYTES)} to ${String(MAX_BYTES)} (got ${JSON.stringify(text)})`,
      );
    }
    io.stdout.write(`${randomBytes(bytes).toString('hex')}\n`);
    return EXIT.ok;
  },
};
