import { signToken } from '../core/sign.js';
import { ALGORITHM_NAMES, DEFAULT_ALGORITHM, algorithmList, type Algorithm } from '../core/algorithms.js';
import { asUsageError, claimsFrom, durationFrom, oneOrMany, parseCommand } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';
import { keyNames, signKeyFrom } from './keys.js';

export const sign: Command = {
  name: 'sign',
  summary: 'print a signed token',
  usage: `Usage: ${PROGRAM} sign --secret S [--exp 1h] [--sub ID] [--iss ISSUER] [--aud AUDIENCE]
       [--claim KEY=VALUE ...] [--alg ${DEFAULT_ALGORITHM}] [--kid ID]
       ${PROGRAM} sign --key FILE [--alg ALG] [--kid ID] ...

Print a token signed with the secret (HS256) or with the private key in FILE,
as signToken() makes it (iat is set).

Options:
  --secret S         the secret, at least 32 bytes (default: $SECRET_KEY, which
                     keeps it out of shell history and process lists)
  --key FILE         sign with this private key instead: a PEM (PKCS#8, RSA or EC)
                     or a private JWK, e.g. from keygen; "-" reads standard input
                     (default: $SIGNING_KEY_FILE)
  --exp DURATION     lifetime: seconds, or 30m, 1h, 7d... (default: 1h)
  --sub ID           subject (sub), e.g. a user id
  --iss ISSUER       issuer (iss)
  --aud AUDIENCE     audience (aud); repeat it for several
  --claim KEY=VALUE  any other claim; repeat it for several. VALUE is read as JSON
                     when it parses (42, true, null, ["a","b"]), else as a string
  --alg ALG          ${ALGORITHM_NAMES.slice(0, 6).join(', ')},
                     ${algorithmList(ALGORITHM_NAMES.slice(6))}
                     (default: ${DEFAULT_ALGORITHM} with a secret; with a key, the key's own:
                     a JWK's alg, else ES256/ES384/ES512 by curve, RS256 for RSA,
                     EdDSA for Ed25519/Ed448)
  --kid ID           the header's kid (default with a key: a JWK's kid, else the
                     key's RFC 7638 thumbprint, as jwks publishes it)
  -h, --help         show this help

--secret and --key are alternatives. Without either, SECRET_KEY is used, else
SIGNING_KEY_FILE; with both variables set, choose with a flag.

Examples:
  ${PROGRAM} sign --secret "$SECRET_KEY" --sub 42 --exp 30m --claim admin=true
  ${PROGRAM} sign --key private.pem --sub 42
`,
  async run(args, { env, io }) {
    const { values } = parseCommand(args, {
      secret: { type: 'string' },
      key: { type: 'string' },
      exp: { type: 'string' },
      sub: { type: 'string' },
      iss: { type: 'string' },
      aud: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      alg: { type: 'string' },
      kid: { type: 'string' },
    });
    const payload = claimsFrom(values.claim);
    const key = await signKeyFrom(values, env, io);
    let token: string;
    try {
      token = signToken(payload, {
        ...('secret' in key ? { secret: key.secret } : { privateKey: key.file.value }),
        keyid: values.kid,
        expiresIn: durationFrom(values.exp),
        subject: values.sub,
        issuer: values.iss,
        audience: oneOrMany(values.aud),
        // Checked by the core, which names the algorithms it knows.
        algorithm: values.alg as Algorithm | undefined,
      });
    } catch (error) {
      throw asUsageError(error, 'file' in key ? keyNames(key.file.name) : {});
    }
    io.stdout.write(`${token}\n`);
    return EXIT.ok;
  },
};
