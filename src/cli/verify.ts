import { TokenError } from '../errors.js';
import type { Algorithm } from '../types.js';
import { verifyToken } from '../verify-token.js';
import { asUsageError, oneOrMany, parseCommand, secretFrom } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token as the middleware does; print its payload',
  usage: `Usage: ${PROGRAM} verify TOKEN --secret S [--iss ISSUER] [--aud AUDIENCE] [--alg HS256]

Verify TOKEN exactly as tokenRequired() does. Valid: print its payload as JSON,
exit 0. Refused: print the middleware's message (e.g. "Token expired") on stderr,
exit 1.

Options:
  --secret S         the secret (default: $SECRET_KEY)
  --iss ISSUER       require this issuer (iss); repeat it to accept any of several
  --aud AUDIENCE     require this audience (aud); repeat it to accept any of several
  --alg ALG          accept this algorithm; repeat it for several (default: HS256)
  -h, --help         show this help

Example:
  ${PROGRAM} verify "$TOKEN" --secret "$SECRET_KEY"
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
    try {
      const payload = await verifyToken(positionals[0], {
        secret: secretFrom(values.secret, env),
        issuer: oneOrMany(values.iss),
        audience: oneOrMany(values.aud),
        // Checked by the core, which names the algorithms it knows.
        algorithms: values.alg as Algorithm[] | undefined,
      });
      io.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof TokenError)) throw asUsageError(error);
      // The envelope's fixed message, never the token or the cause's text.
      io.stderr.write(`${error.message}\n`);
      return EXIT.refused;
    }
  },
};
