// Key files in jwks, sign and verify: public and private, PEM and JWK, the environment, and bad usage.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../src/cli/commands.js';
import { SECRET } from '../helpers/tokens.js';
import { call } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'etr-key-files-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const path = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const PUBLIC_JWK = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
const PRIVATE_JWK = privateKey.export({ format: 'jwk' }) as JWK;
const KEY = path('private.pem', PRIVATE_PEM);
const PUBLIC_PEM = path('public.pem', createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string);
const THUMBPRINT = await calculateJwkThumbprint(PUBLIC_JWK);
const PUBLISHED = { keys: [{ ...PUBLIC_JWK, kid: THUMBPRINT, alg: 'ES256', use: 'sig' }] };
const KEY_TEXT = PRIVATE_PEM.split('\n')[1]!;

/** What jwks prints: `set`, pretty-printed (members in the order it writes them). */
function expectSet(result: { code: number | null; stdout: string; stderr: string }, set: unknown): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(result.stdout)).toEqual(set);
  expect(result.stdout).toBe(`${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`);
}

describe('jwks', () => {
  it.each([
    ['a private PEM', KEY],
    ['a public PEM', PUBLIC_PEM],
    ['a private JWK', path('private.jwk', JSON.stringify(PRIVATE_JWK))],
    ['a public JWK', path('public.jwk', JSON.stringify(PUBLIC_JWK))],
  ])('of %s: the public JWK with the thumbprint kid, alg and use', async (_case, file) => {
    expectSet(await call(['jwks', '--key', file]), PUBLISHED);
  });

  it('takes --kid, and a JWK’s own kid and alg', async () => {
    expectSet(await call(['jwks', '--key', PUBLIC_PEM, '--kid', 'k1']), { keys: [{ ...PUBLISHED.keys[0], kid: 'k1' }] });
    const own = path('own.jwk', JSON.stringify({ ...PUBLIC_JWK, kid: 'mine', alg: 'ES256' }));
    expectSet(await call(['jwks', '--key', own]), { keys: [{ ...PUBLISHED.keys[0], kid: 'mine' }] });
    expectSet(await call(['jwks', '--key', own, '--kid', 'k2']), { keys: [{ ...PUBLISHED.keys[0], kid: 'k2' }] });
  });

  it('reads the key from standard input with --key -', async () => {
    expectSet(await call(['jwks', '--key', '-'], {}, PRIVATE_PEM), PUBLISHED);
  });

  it('publishes a PS alg for an RSA key with --alg', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const set = JSON.parse((await call(['jwks', '--key', path('rsa.pem', rsa), '--alg', 'PS512'])).stdout) as { keys: JWK[] };
    expect(set.keys[0]).toMatchObject({ kty: 'RSA', alg: 'PS512', use: 'sig' });
  });
});

describe('sign and verify with key files', () => {
  const token = async (argv: string[], env: Record<string, string> = {}): Promise<string> => {
    const result = await call(['sign', ...argv], env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return result.stdout.trimEnd();
  };
  const headerOf = (made: string): unknown => JSON.parse(Buffer.from(made.split('.')[0]!, 'base64url').toString());

  it('signs with --key, or SIGNING_KEY_FILE; --kid sets the header’s kid', async () => {
    expect(headerOf(await token(['--key', KEY]))).toEqual({ alg: 'ES256', typ: 'JWT', kid: THUMBPRINT });
    expect(headerOf(await token([], { SIGNING_KEY_FILE: KEY }))).toEqual({ alg: 'ES256', typ: 'JWT', kid: THUMBPRINT });
    expect(headerOf(await token(['--key', KEY, '--kid', 'k1']))).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
  });

  it('lets a flag win over the environment: --secret over SIGNING_KEY_FILE, --key over SECRET_KEY', async () => {
    expect(headerOf(await token(['--secret', SECRET], { SIGNING_KEY_FILE: KEY }))).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(headerOf(await token(['--key', KEY], { SECRET_KEY: SECRET }))).toMatchObject({ alg: 'ES256' });
  });

  it.each([
    ['a private PEM', KEY],
    ['a public PEM', PUBLIC_PEM],
    ['a private JWK (its public half)', path('p.jwk', JSON.stringify({ ...PRIVATE_JWK, key_ops: ['sign'], kid: 'x' }))],
    ['a public JWK', path('q.jwk', JSON.stringify(PUBLIC_JWK))],
  ])('verify --key takes %s', async (_case, file) => {
    const made = await token(['--key', KEY, '--sub', '5']);
    const result = await call(['verify', made, '--key', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sub: '5' });
  });

  it('verify --key refuses a token of another key, --jwks one of a kid it lacks: exit 1', async () => {
    const other = path(
      'other.pem',
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const made = await token(['--key', other]);
    expect(await call(['verify', made, '--key', KEY])).toEqual({ code: 1, stdout: '', stderr: 'Invalid Token: invalid signature\n' });
    expect((await call(['verify', made, '--jwks', path('set.json', JSON.stringify(PUBLISHED))])).code).toBe(1);
  });

  it('verify --key - reads the key from standard input; a --key wins over SECRET_KEY', async () => {
    const made = await token(['--key', KEY]);
    expect((await call(['verify', made, '--key', '-'], { SECRET_KEY: SECRET }, PRIVATE_PEM)).code).toBe(0);
  });

  it('decode shows alg and kid of a signed token', async () => {
    const { stdout } = await call(['decode', await token(['--key', KEY, '--kid', 'k9'])]);
    expect(stdout).toContain(`Header:\n{\n  "alg": "ES256",\n  "typ": "JWT",\n  "kid": "k9"\n}\n`);
  });
});

const missing = join(dir, 'missing.pem');
const NOT_A_KEY = path('not-a-key.txt', 'hello\n');
const SET = path('jwks.json', JSON.stringify(PUBLISHED));
const SECRET_JWK = path('oct.jwk', JSON.stringify({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') }));
const ENCRYPTED = path('enc.pem', privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string);
const SMALL_RSA = path(
  'small.pem',
  generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
);
const ENC_USE = path('enc.jwk', JSON.stringify({ ...PUBLIC_JWK, use: 'enc' }));
const BIG = path('big.pem', 'x'.repeat(1024 * 1024 + 1));

/** [the one-line error, argv, env, whose usage follows] */
const BAD_USAGE: [string, string[], Record<string, string>, string][] = [
  ['--kid needs --jwk: a PEM holds no kid (sign and jwks take --kid)', ['keygen', '--kid', 'k1'], {}, 'keygen'],
  ['--kid must be a non-empty string (got "")', ['keygen', '--jwk', '--kid', ''], {}, 'keygen'],
  ["--bits is for RSA keys (RS256 to PS512); an ES256 key's size is set by its algorithm", ['keygen', '--bits', '2048'], {}, 'keygen'],
  [
    "--bits is for RSA keys (RS256 to PS512); an EdDSA key's size is set by its algorithm",
    ['keygen', '--alg', 'EdDSA', '--bits', '4096'],
    {},
    'keygen',
  ],
  ['--bits must be 2048, 3072 or 4096 (got "1024")', ['keygen', '--alg', 'RS256', '--bits', '1024'], {}, 'keygen'],
  [
    '--alg HS256 signs with a shared secret, not a key; make one with: express-token-required secret',
    ['keygen', '--alg', 'HS256'],
    {},
    'keygen',
  ],
  [
    '--alg "none" is not supported; use RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA',
    ['keygen', '--alg', 'none'],
    {},
    'keygen',
  ],
  ["option '--jwk' does not take an argument", ['keygen', '--jwk=yes'], {}, 'keygen'],
  ['1 unexpected argument', ['keygen', 'ES256'], {}, 'keygen'],
  ['missing --key FILE', ['jwks'], {}, 'jwks'],
  ['cannot read the --key file: no such file', ['jwks', '--key', missing], {}, 'jwks'],
  ['cannot read the --key file: it is a directory', ['jwks', '--key', dir], {}, 'jwks'],
  ['--key needs a file name', ['jwks', '--key', ''], {}, 'jwks'],
  ['--key takes the name of a key file, not the key itself', [`jwks`, `--key=${PRIVATE_PEM}`], {}, 'jwks'],
  ['--key takes the name of a key file, not the key itself', ['jwks', '--key', JSON.stringify(PRIVATE_JWK)], {}, 'jwks'],
  ['the --key file is empty', ['jwks', '--key', path('empty', '\n')], {}, 'jwks'],
  ['the --key file is neither a PEM key nor a JWK (a JSON object with "kty")', ['jwks', '--key', NOT_A_KEY], {}, 'jwks'],
  ['the --key file is neither a PEM key nor a JWK (a JSON object with "kty")', ['jwks', '--key', path('arr.json', '[1]')], {}, 'jwks'],
  ['the --key file is a key set ("keys"), not one key; verify takes a key set as --jwks FILE', ['jwks', '--key', SET], {}, 'jwks'],
  ['the --key file is a shared secret (kty "oct"), not a public or private key', ['jwks', '--key', SECRET_JWK], {}, 'jwks'],
  [
    'the --key file is an encrypted private key; decrypt it first (openssl pkey -in FILE -out PLAIN.pem)',
    ['jwks', '--key', ENCRYPTED],
    {},
    'jwks',
  ],
  [
    'the --key file is not a PEM key or certificate that node:crypto can read',
    ['jwks', '--key', path('bad.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')],
    {},
    'jwks',
  ],
  [
    'the --key file is not a JWK that node:crypto can read (kty "EC")',
    ['jwks', '--key', path('bad.jwk', '{"kty":"EC","crv":"P-256","x":"AA"}')],
    {},
    'jwks',
  ],
  ['the --key file is a 1024-bit RSA key; RSA keys need at least 2048 bits (RFC 7518 §3.3)', ['jwks', '--key', SMALL_RSA], {}, 'jwks'],
  ['the --key file has use "enc"; a signing key needs use \'sig\' (or none)', ['jwks', '--key', ENC_USE], {}, 'jwks'],
  ['the --key file is larger than 1048576 bytes; no key is that large', ['jwks', '--key', BIG], {}, 'jwks'],
  ["algorithm 'RS256' does not fit the --key file, which may sign with ES256", ['jwks', '--key', KEY, '--alg', 'RS256'], {}, 'jwks'],
  ['--secret and --key are alternatives; pass one', ['sign', '--secret', SECRET, '--key', KEY], {}, 'sign'],
  [
    'SECRET_KEY and SIGNING_KEY_FILE are both set; choose one with --secret or --key',
    ['sign'],
    { SECRET_KEY: SECRET, SIGNING_KEY_FILE: KEY },
    'sign',
  ],
  ['cannot read the SIGNING_KEY_FILE file: no such file', ['sign'], { SIGNING_KEY_FILE: missing }, 'sign'],
  ['the --key file is a public key; signing needs the private key (public keys verify)', ['sign', '--key', PUBLIC_PEM], {}, 'sign'],
  ["algorithm 'ES384' does not fit the --key file, which may sign with ES256", ['sign', '--key', KEY, '--alg', 'ES384'], {}, 'sign'],
  [
    "algorithm 'HS256' does not fit the SIGNING_KEY_FILE file, which may sign with ES256",
    ['sign', '--alg', 'HS256'],
    { SIGNING_KEY_FILE: KEY },
    'sign',
  ],
  ['--kid must be a non-empty string (got "")', ['sign', '--key', KEY, '--kid', ''], {}, 'sign'],
  ['--secret and --key are alternatives; pass one', ['verify', 'x.y.z', '--secret', SECRET, '--key', KEY], {}, 'verify'],
  ['--secret and --jwks are alternatives; pass one', ['verify', 'x.y.z', '--secret', SECRET, '--jwks', SET], {}, 'verify'],
  [
    '--secret, --key and --jwks are alternatives; pass one',
    ['verify', 'x.y.z', '--secret', SECRET, '--key', KEY, '--jwks', SET],
    {},
    'verify',
  ],
  ['--key and --jwks are alternatives; pass one', ['verify', 'x.y.z', '--key', KEY, '--jwks', SET], {}, 'verify'],
  ['TOKEN and --key cannot both be read from standard input ("-")', ['verify', '-', '--key', '-'], {}, 'verify'],
  ['TOKEN and --jwks cannot both be read from standard input ("-")', ['verify', '-', '--jwks', '-'], {}, 'verify'],
  ['cannot read the --key file: no such file', ['verify', 'x.y.z', '--key', missing], {}, 'verify'],
  ['cannot read the --jwks file: no such file', ['verify', 'x.y.z', '--jwks', missing], {}, 'verify'],
  ['the --jwks file is not a JSON Web Key Set ({ "keys": [ … ] })', ['verify', 'x.y.z', '--jwks', KEY], {}, 'verify'],
  ['the --key file is a shared secret (kty "oct"), not a public or private key', ['verify', 'x.y.z', '--key', SECRET_JWK], {}, 'verify'],
  [
    'jwks key "k" has private key members; publish and configure only the public key',
    ['verify', 'x.y.z', '--jwks', path('priv-set.json', JSON.stringify({ keys: [{ ...PRIVATE_JWK, kid: 'k' }] }))],
    {},
    'verify',
  ],
  [
    "algorithm \"none\" is not supported in 'algorithms'; use 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' or 'EdDSA'",
    ['verify', 'x.y.z', '--key', KEY, '--alg', 'none'],
    {},
    'verify',
  ],
];

describe('bad usage with keys', () => {
  it.each(BAD_USAGE)('%s (case %#): exit 2, one line and the usage, never the key', async (error, argv, env, name) => {
    const { code, stdout, stderr } = await call(argv, env);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`express-token-required: ${error}\n\n${findCommand(name)!.usage}`);
    expect(stderr).not.toContain(KEY_TEXT);
    expect(stderr).not.toContain(PRIVATE_JWK.d);
    expect(stderr).not.toContain(SECRET);
  });
});
