import { TokenError } from '../core/errors.js';
import { DEFAULT_ALGORITHM, type Algorithm } from '../core/algorithms.js';
import { verifyToken } from '../core/verify-token.js';
import { asUsageError, oneOrMany, parseCommand, secretFrom } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';
import { escapeControls, printableJson } from './output.js';
import { refusalLine } from './reason.js';
import { readToken } from './token.js';

/** The middleware's default, passed as such so that a refusal for length can say so. */
const MAX_TOKEN_LENGTH = 8192;

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token as the middleware does; print its payload',
  usage: `Usage: ${PROGRAM} verify TOKEN --secret S [--iss ISSUER] [--aud AUDIENCE] [--alg ${DEFAULT_ALGORITHM}]
       ${PROGRAM} verify - --secret S ...

Verify TOKEN exactly as tokenRequired() does. With "-", the token is read from
standard input. Valid: print its payload as JSON, exit 0. Refused: print the
middleware's message and why on stderr, exit 1, e.g.
  Invalid Token: invalid signature
  Token expired: expired at 2026-01-01T01:00:00.000Z
The token itself is never printed. Control and bidirectional characters are
printed as \\uXXXX escapes. A token that starts with "Bearer ", or a payload
nested too deeply to print, is refused too (exit 1).

Options:
  --secret S         the secret (default: $SECRET_KEY)
  --iss ISSUER       require this issuer (iss); repeat it to accept any of several
  --aud AUDIENCE     require this audience (aud); repeat it to accept any of several
  --alg ALG          accept this algorithm; repeat it for several (default: ${DEFAULT_ALGORITHM})
  -h, --help         show this help

Examples:
  ${PROGRAM} verify "$TOKEN" --secret "$SECRET_KEY"
  echo "$TOKEN" | ${PROGRAM} verify -
`,
  async run(args, { env, io }) {
    const { values, positionals } = parseCommand(
      args,
      {
        secret: { type: 'string' },
        iss: { type: 'string', multiple: true },
        aud: { type: 'string', multiple: true },
        alg: { type: 'string', multiple: true },
      },
      ['TOKEN'],
    );
    const secret = secretFrom(values.secret, env);
    const token = await readToken(positionals[0]!, io);
    let payload;
    try {
      payload = await verifyToken(token, {
        secret,
        issuer: oneOrMany(values.iss),
        audience: oneOrMany(values.aud),
        // Checked by the core, which names the algorithms it knows.
        algorithms: values.alg as Algorithm[] | undefined,
        maxTokenLength: MAX_TOKEN_LENGTH,
      });
    } catch (error) {
      if (error instanceof TokenError) {
        // The operator is at the terminal: the envelope's message and the reason, never the token.
        const tooLong = token.length > MAX_TOKEN_LENGTH ? `longer than ${String(MAX_TOKEN_LENGTH)} characters` : undefined;
        io.stderr.write(`${escapeControls(refusalLine(error, tooLong))}\n`);
        return EXIT.refused;
      }
      throw asUsageError(error);
    }
    io.stdout.write(`${printableJson(payload, 'payload')}\n`);
    return EXIT.ok;
  },
};
