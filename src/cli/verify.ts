import { TokenError } from '../core/errors.js';
import { KeySetError } from '../core/keys/key-set-error.js';
import { DEFAULT_ALGORITHM, type Algorithm } from '../core/algorithms.js';
import type { VerifyOptions } from '../core/option-types.js';
import { verifyToken } from '../core/verify-token.js';
import { UsageError, asUsageError, oneOrMany, parseCommand } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';
import { keyNames, verifyKeyFrom } from './keys.js';
import { escapeControls, printableJson } from './output.js';
import { refusalLine } from './reason.js';
import { readToken } from './token.js';
import { unavailableLine } from './unavailable.js';

/** The middleware's default, passed as such so that a refusal for length can say so. */
const MAX_TOKEN_LENGTH = 8192;

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token as the middleware does; print its payload',
  usage: `Usage: ${PROGRAM} verify TOKEN --secret S [--iss ISSUER] [--aud AUDIENCE] [--alg ${DEFAULT_ALGORITHM}]
       ${PROGRAM} verify - --secret S ...
       ${PROGRAM} verify TOKEN --key FILE [--alg ALG] ...
       ${PROGRAM} verify TOKEN --jwks FILE [--alg ALG] ...
       ${PROGRAM} verify TOKEN --jwks-uri URL [--alg ALG] ...
       ${PROGRAM} verify TOKEN --issuer ISSUER --discover [--alg ALG] ...

Verify TOKEN exactly as tokenRequired() does. With "-", the token is read from
standard input. Valid: print its payload as JSON, exit 0. Refused: print the
middleware's message and why on stderr, exit 1, e.g.
  Invalid Token: invalid signature
  Token expired: expired at 2026-01-01T01:00:00.000Z
The token itself is never printed. Control and bidirectional characters are
printed as \\uXXXX escapes. A token that starts with "Bearer ", or a payload
nested too deeply to print, is refused too (exit 1). A key server that cannot
be reached (--jwks-uri, --discover) is one line on stderr naming the URL, exit 3.

Options:
  --secret S         the secret (default: $SECRET_KEY)
  --key FILE         verify with this key instead: a public key (PEM, certificate
                     or JWK), or a private key (PEM or JWK), whose public half is
                     used; "-" reads standard input
  --jwks FILE        verify with this JSON Web Key Set instead, e.g. what jwks
                     prints; the token's kid picks the key
  --jwks-uri URL     verify with the JSON Web Key Set served at URL instead, as
                     tokenRequired({ jwksUri }) does: https:, or http: to
                     localhost, 127.0.0.0/8 or [::1] only
  --discover         verify with the key set of the issuer instead: the jwks_uri
                     of ISSUER/.well-known/openid-configuration, whose issuer
                     must be ISSUER exactly; needs --issuer
  --iss ISSUER       require this issuer (iss); repeat it to accept any of several
  --issuer ISSUER    the same as --iss
  --aud AUDIENCE     require this audience (aud); repeat it to accept any of several
  --alg ALG          accept this algorithm; repeat it for several (default: ${DEFAULT_ALGORITHM}
                     with a secret; with a key, the key's own: a JWK's alg, else
                     ES256/ES384/ES512 by curve, RS256 for RSA, EdDSA for Ed25519;
                     a PS256 token and an RSA PEM need --alg PS256; with --jwks-uri
                     or --discover, any public-key algorithm a key is bound to)
  -h, --help         show this help

--secret, --key, --jwks, --jwks-uri and --discover are alternatives; without
any, SECRET_KEY is used.

Examples:
  ${PROGRAM} verify "$TOKEN" --secret "$SECRET_KEY"
  echo "$TOKEN" | ${PROGRAM} verify -
  ${PROGRAM} verify "$TOKEN" --key public.pem
  ${PROGRAM} verify "$TOKEN" --jwks jwks.json
  ${PROGRAM} verify "$TOKEN" --jwks-uri https://example.com/.well-known/jwks.json
  ${PROGRAM} verify "$TOKEN" --issuer https://example.com --discover
`,
  async run(args, { env, io }) {
    const { values, positionals } = parseCommand(
      args,
      {
        secret: { type: 'string' },
        key: { type: 'string' },
        jwks: { type: 'string' },
        'jwks-uri': { type: 'string' },
        discover: { type: 'boolean' },
        iss: { type: 'string', multiple: true },
        issuer: { type: 'string', multiple: true },
        aud: { type: 'string', multiple: true },
        alg: { type: 'string', multiple: true },
      },
      ['TOKEN'],
    );
    if (positionals[0] === '-' && (values.key === '-' || values.jwks === '-')) {
      throw new UsageError(`TOKEN and ${values.key === '-' ? '--key' : '--jwks'} cannot both be read from standard input ("-")`);
    }
    const key = await verifyKeyFrom(values, env, io);
    // --issuer is --iss by another name, the one tokenRequired({ issuer, discover }) uses.
    const issuer = oneOrMany([...(values.iss ?? []), ...(values.issuer ?? [])]);
    const claims = {
      audience: oneOrMany(values.aud),
      // Checked by the core, which names the algorithms it knows.
      algorithms: values.alg as Algorithm[] | undefined,
      maxTokenLength: MAX_TOKEN_LENGTH,
    };
    let options: VerifyOptions;
    if ('discover' in key) {
      if (issuer === undefined) throw new UsageError('--discover needs --issuer ISSUER: the issuer whose metadata names the key set');
      options = { ...claims, discover: true, issuer };
    } else {
      options = { ...claims, ...('name' in key ? { publicKey: key.publicKey } : key), issuer };
    }
    const token = await readToken(positionals[0]!, io);
    let payload;
    try {
      payload = await verifyToken(token, options);
    } catch (error) {
      if (error instanceof TokenError) {
        // The operator is at the terminal: the envelope's message and the reason, never the token.
        const tooLong = token.length > MAX_TOKEN_LENGTH ? `longer than ${String(MAX_TOKEN_LENGTH)} characters` : undefined;
        io.stderr.write(`${escapeControls(refusalLine(error, tooLong))}\n`);
        return EXIT.refused;
      }
      if (error instanceof KeySetError) {
        io.stderr.write(`${unavailableLine(error)}\n`);
        return EXIT.unavailable;
      }
      throw asUsageError(error, 'name' in key ? keyNames(key.name) : 'discover' in key ? { issuer: '--issuer' } : {});
    }
    io.stdout.write(`${printableJson(payload, 'payload')}\n`);
    return EXIT.ok;
  },
};
