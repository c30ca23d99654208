import { algorithmList, PUBLIC_KEY_ALGORITHMS, type Algorithm } from '../core/algorithms.js';
import { publicJwks } from '../core/publish.js';
import { thumbprint } from '../core/keys/thumbprint.js';
import type { JsonWebKeySet } from '../core/key-types.js';
import { UsageError, asUsageError, parseCommand } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';
import { fileKey, keyNames, type FileKey } from './keys.js';

/**
 * The key set publicJwks makes: of a private key, as signToken signs with it; of a public key,
 * as the one key of a ring, so that it gets the same `kid`, `alg` and `use` rules.
 */
function keySet(file: FileKey, kid: string | undefined, algorithm: Algorithm | undefined): JsonWebKeySet {
  const { value, loaded } = file;
  if (loaded.key.type === 'private') return publicJwks({ privateKey: value, keyid: kid, algorithm });
  return publicJwks({ keys: [{ kid: kid ?? loaded.jwk?.kid ?? thumbprint(loaded.key), key: value }], algorithm });
}

export const jwks: Command = {
  name: 'jwks',
  summary: 'print the public JWKS of a key file, to publish',
  usage: `Usage: ${PROGRAM} jwks --key FILE [--kid ID] [--alg ALG]

Print the public JSON Web Key Set of the key in FILE, a private or a public key
(PEM or JWK), as publicJwks() makes it: { "keys": [ ... ] } with the public key's
members, its kid, its alg and "use": "sig". Never a private member. Serve it at
/.well-known/jwks.json, or give it to verify --jwks and tokenRequired({ jwks }).

Options:
  --key FILE   the key; "-" reads standard input
  --kid ID     the kid (default: a JWK's kid, else the key's RFC 7638
               thumbprint: the kid that sign --key FILE writes)
  --alg ALG    the alg to publish: ${PUBLIC_KEY_ALGORITHMS.slice(0, 6).join(', ')},
               ${algorithmList(PUBLIC_KEY_ALGORITHMS.slice(6))} (default: a JWK's alg,
               else the key's own, as sign uses it)
  -h, --help   show this help

Examples:
  ${PROGRAM} jwks --key private.pem > jwks.json
  ${PROGRAM} keygen | ${PROGRAM} jwks --key -
`,
  async run(args, { io }) {
    const { values } = parseCommand(args, { key: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' } });
    if (values.key === undefined) throw new UsageError('missing --key FILE');
    const file = await fileKey(values.key, '--key', io);
    let set: JsonWebKeySet;
    try {
      // Checked by the core, which names the algorithms it knows.
      set = keySet(file, values.kid, values.alg as Algorithm | undefined);
    } catch (error) {
      throw asUsageError(error, keyNames(file.name));
    }
    io.stdout.write(`${JSON.stringify(set, null, 2)}\n`);
    return EXIT.ok;
  },
};
