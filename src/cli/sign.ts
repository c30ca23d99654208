import { signToken } from '../core/sign.js';
import { DEFAULT_ALGORITHM, algorithmList, type Algorithm } from '../core/algorithms.js';
import { asUsageError, claimsFrom, durationFrom, oneOrMany, parseCommand, secretFrom } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';

export const sign: Command = {
  name: 'sign',
  summary: 'print a signed token',
  usage: `Usage: ${PROGRAM} sign --secret S [--exp 1h] [--sub ID] [--iss ISSUER] [--aud AUDIENCE]
       [--claim KEY=VALUE ...] [--alg ${DEFAULT_ALGORITHM}]

Print a token signed with the secret, as signToken() makes it (iat is set).

Options:
  --secret S         the secret, at least 32 bytes (default: $SECRET_KEY, which
                     keeps it out of shell history and process lists)
  --exp DURATION     lifetime: seconds, or 30m, 1h, 7d... (default: 1h)
  --sub ID           subject (sub), e.g. a user id
  --iss ISSUER       issuer (iss)
  --aud AUDIENCE     audience (aud); repeat it for several
  --claim KEY=VALUE  any other claim; repeat it for several. VALUE is read as JSON
                     when it parses (42, true, null, ["a","b"]), else as a string
  --alg ALG          ${algorithmList()} (default: ${DEFAULT_ALGORITHM})
  -h, --help         show this help

Example:
  ${PROGRAM} sign --secret "$SECRET_KEY" --sub 42 --exp 30m --claim admin=true
`,
  run(args, { env, io }) {
    const { values } = parseCommand(args, {
      secret: { type: 'string' },
      exp: { type: 'string' },
      sub: { type: 'string' },
      iss: { type: 'string' },
      aud: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      alg: { type: 'string' },
    });
    const payload = claimsFrom(values.claim);
    let token: string;
    try {
      token = signToken(payload, {
        secret: secretFrom(values.secret, env),
        expiresIn: durationFrom(values.exp),
        subject: values.sub,
        issuer: values.iss,
        audience: oneOrMany(values.aud),
        // Checked by the core, which names the algorithms it knows.
        algorithm: values.alg as Algorithm | undefined,
      });
    } catch (error) {
      throw asUsageError(error);
    }
    io.stdout.write(`${token}\n`);
    return EXIT.ok;
  },
};
