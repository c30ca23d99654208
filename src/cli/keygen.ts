import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ALGORITHMS, PUBLIC_KEY_ALGORITHMS, algorithmList, isAlgorithm, type Algorithm } from '../core/algorithms.js';
import { thumbprint } from '../core/keys/thumbprint.js';
import { UsageError, parseCommand } from './args.js';
import { EXIT, PROGRAM, type Command } from './io.js';

const DEFAULT = 'ES256';
const BITS = ['2048', '3072', '4096'] as const;
const DEFAULT_BITS = '2048';

/**
 * A new private key for `algorithm`: EC on its curve, Ed25519 for EdDSA, and a plain RSA key
 * for RS* and PS* alike (node:crypto cannot export an RSA-PSS key as a JWK, and a plain one
 * signs PS* too).
 */
function generate(algorithm: Algorithm, bits: number): KeyObject {
  const spec = ALGORITHMS[algorithm];
  switch (spec.family) {
    case 'ECDSA':
      return generateKeyPairSync('ec', { namedCurve: spec.curve }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    default:
      return generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
  }
}

function algorithmFrom(value: string | undefined): Algorithm {
  const name = value ?? DEFAULT;
  if (isAlgorithm(name) && PUBLIC_KEY_ALGORITHMS.includes(name)) return name;
  if (isAlgorithm(name)) throw new UsageError(`--alg ${name} signs with a shared secret, not a key; make one with: ${PROGRAM} secret`);
  throw new UsageError(`--alg ${JSON.stringify(name)} is not supported; use ${algorithmList(PUBLIC_KEY_ALGORITHMS)}`);
}

function bitsFrom(value: string | undefined, algorithm: Algorithm): number {
  if (value === undefined) return Number(DEFAULT_BITS);
  const family = ALGORITHMS[algorithm].family;
  if (family !== 'RSASSA-PKCS1-v1_5' && family !== 'RSASSA-PSS') {
    throw new UsageError(`--bits is for RSA keys (RS256 to PS512); an ${algorithm} key's size is set by its algorithm`);
  }
  if (!(BITS as readonly string[]).includes(value))
    throw new UsageError(`--bits must be 2048, 3072 or 4096 (got ${JSON.stringify(value)})`);
  return Number(value);
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'print a new private key (PEM or JWK), for sign --key',
  usage: `Usage: ${PROGRAM} keygen [--alg ${DEFAULT}] [--bits ${DEFAULT_BITS}] [--jwk [--kid ID]]

Print a new private key as a PKCS#8 PEM, or with --jwk as a private JWK with
its alg and kid. Keep it secret: write it to a file only you can read. Its
public half is what "${PROGRAM} jwks --key FILE" prints.

Options:
  --alg ALG    the algorithm the key is for: ${PUBLIC_KEY_ALGORITHMS.slice(0, 6).join(', ')},
               ${algorithmList(PUBLIC_KEY_ALGORITHMS.slice(6))} (default: ${DEFAULT}).
               ES256, ES384 and ES512 make an EC key on P-256, P-384 and P-521;
               EdDSA makes an Ed25519 key; RS* and PS* make the same plain RSA
               key (a PEM of it signs RS256 unless sign gets --alg PS256; the
               JWK records alg PS256)
  --bits N     RSA key size, 2048, 3072 or 4096 (default: ${DEFAULT_BITS}); RS* and PS* only
  --jwk        print a private JWK instead of a PEM, with "alg" and "kid"
  --kid ID     the JWK's kid (default: its RFC 7638 thumbprint); --jwk only
  -h, --help   show this help

Examples:
  (umask 077; ${PROGRAM} keygen > private.pem)
  ${PROGRAM} keygen --alg EdDSA --jwk --kid 2026-01 > private.jwk
`,
  run(args, { io }) {
    const { values } = parseCommand(args, {
      alg: { type: 'string' },
      bits: { type: 'string' },
      jwk: { type: 'boolean' },
      kid: { type: 'string' },
    });
    const algorithm = algorithmFrom(values.alg);
    const bits = bitsFrom(values.bits, algorithm);
    if (values.kid !== undefined && values.jwk !== true)
      throw new UsageError('--kid needs --jwk: a PEM holds no kid (sign and jwks take --kid)');
    if (values.kid === '') throw new UsageError('--kid must be a non-empty string (got "")');
    const key = generate(algorithm, bits);
    if (values.jwk !== true) {
      io.stdout.write(key.export({ type: 'pkcs8', format: 'pem' }) as string);
      return EXIT.ok;
    }
    const jwk = { ...key.export({ format: 'jwk' }), alg: algorithm, kid: values.kid ?? thumbprint(key) };
    io.stdout.write(`${JSON.stringify(jwk, null, 2)}\n`);
    return EXIT.ok;
  },
};
