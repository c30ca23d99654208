// Help and bad usage: help on stdout with exit 0; a one-line error plus the usage on stderr with exit 2.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asUsageError, UsageError } from '../../src/cli/args.js';
import { COMMANDS, findCommand } from '../../src/cli/commands.js';
import { run } from '../../src/cli/run.js';
import { USAGE } from '../../src/cli/usage.js';
import { packageVersion } from '../../src/cli/version.js';
import { makeToken, now, SECRET, validToken } from '../helpers/tokens.js';
import { call } from './helpers.js';

const usageOf = (name: string): string => findCommand(name)!.usage;
const TOKEN = validToken();

describe('help', () => {
  it.each([['--help'], ['-h']])('%s prints the usage, listing every command and its summary', async (flag) => {
    const { code, stdout, stderr } = await call([flag]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(USAGE);
    expect(stdout).toMatch(/^Usage: express-token-required <command> \[options\]\n/);
    for (const command of COMMANDS) expect(stdout).toContain(`\n  ${command.name.padEnd(6)}  ${command.summary}\n`);
    expect(stdout).toContain(
      'Exit codes: 0 done, 1 token refused or malformed, 2 bad usage, 3 key server\nunreachable (verify --jwks-uri or --discover).',
    );
    expect(stdout).toContain('\n  -h, --help  show this help\n  --version   print the version\n');
  });

  it.each([
    ['secret', ['--help']],
    ['sign', ['--help']],
    ['sign', ['-h', '--secret', 'short']],
    ['verify', ['--help']],
    ['verify', ['-h']],
    ['decode', ['--help']],
    ['keygen', ['--help']],
    ['keygen', ['-h', '--kid', 'x']],
    ['jwks', ['--help']],
  ])('%s %j prints that command’s usage, even when other arguments are wrong or missing', async (name, args) => {
    const { code, stdout, stderr } = await call([name, ...args]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(usageOf(name));
    expect(stdout).toMatch(new RegExp(`^Usage: express-token-required ${name}\\b`));
    expect(stdout).toContain('-h, --help');
  });

  it('documents "-" (standard input) in the usage of verify and decode', () => {
    expect(usageOf('verify')).toMatch(
      /^Usage: express-token-required verify TOKEN --secret S .*\n {7}express-token-required verify - --secret S \.\.\.\n/,
    );
    expect(usageOf('verify')).toContain('With "-", the token is read from\nstandard input.');
    expect(usageOf('verify')).toContain('  Invalid Token: invalid signature\n  Token expired: expired at 2026-01-01T01:00:00.000Z\n');
    expect(usageOf('decode')).toMatch(/^Usage: express-token-required decode TOKEN\n {7}express-token-required decode -\n/);
    for (const name of ['verify', 'decode']) expect(usageOf(name)).toContain(`echo "$TOKEN" | express-token-required ${name} -\n`);
  });

  it('documents every flag in each command’s usage', () => {
    const flags = {
      secret: ['--bytes'],
      keygen: ['--alg', '--bits', '--jwk', '--kid'],
      jwks: ['--key', '--kid', '--alg'],
      sign: ['--secret', '--key', '--exp', '--sub', '--iss', '--aud', '--claim', '--alg', '--kid'],
      verify: ['--secret', '--key', '--jwks', '--jwks-uri', '--discover', '--iss', '--issuer', '--aud', '--alg'],
      decode: [],
    };
    for (const [name, names] of Object.entries(flags)) {
      for (const flag of names) expect(usageOf(name)).toMatch(new RegExp(`^  ${flag} `, 'm'));
    }
  });
});

const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('--version', () => {
  it('prints the version in package.json, exit 0', async () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(await call(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([['-v'], ['-V'], ['--versions']])('is not %s (an unknown option, exit 2)', async (flag) => {
    expect(await call([flag])).toEqual({ code: 2, stdout: '', stderr: `express-token-required: unknown option '${flag}'\n\n${USAGE}` });
  });

  it('is a top-level flag only: after a command it is an unknown option', async () => {
    expect((await call(['secret', '--version'])).stderr).toMatch(/^express-token-required: unknown option '--version'\n/);
  });

  describe('packageVersion', () => {
    const root = mkdtempSync(join(tmpdir(), 'etr-version-'));
    const write = (dir: string, text: string): void => {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), text);
    };
    write('pkg', JSON.stringify({ name: 'express-token-required', version: '9.8.7' }));
    write('pkg/node_modules/other', JSON.stringify({ name: 'other', version: '1.0.0' }));
    write('pkg/broken', '{ not json');
    write('pkg/nameless', JSON.stringify({ version: '1.0.0' }));
    write('pkg/no-version', JSON.stringify({ name: 'express-token-required' }));
    write('pkg/null', 'null');
    mkdirSync(join(root, 'pkg/dist'), { recursive: true });
    mkdirSync(join(root, 'none'), { recursive: true });
    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it.each([['pkg/dist'], ['pkg'], ['pkg/node_modules/other'], ['pkg/broken'], ['pkg/nameless'], ['pkg/no-version'], ['pkg/null']])(
      'finds the nearest package.json of this package upward from %s',
      (dir) => {
        expect(packageVersion(join(root, dir))).toBe('9.8.7');
      },
    );

    it('throws when there is none up to the root', () => {
      expect(() => packageVersion(join(root, 'none'))).toThrow(
        `express-token-required: no package.json of express-token-required above ${join(root, 'none')}`,
      );
    });

    it('finds this repository’s own from its source', () => {
      expect(packageVersion()).toBe(VERSION);
    });
  });
});

const S = ['--secret', SECRET];
// Every algorithm of the table, as the core lists them.
const ALL_ALGORITHMS =
  "'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' or 'EdDSA'";

/** [the one-line error, argv, env, whose usage follows (the top-level one when undefined)] */
const BAD_USAGE: [string, string[], Record<string, string>, string | undefined][] = [
  ['missing command', [], {}, undefined],
  ["unknown command 'nope'", ['nope'], {}, undefined],
  ["unknown option '--nope'", ['--nope'], {}, undefined],
  ["unknown command 'toString'", ['toString'], {}, undefined],
  ["unknown option '--secert'", ['sign', '--secert', SECRET], {}, 'sign'],
  ["unknown option '-x'", ['sign', '-x', ...S], {}, 'sign'],
  ['missing secret: pass --secret or set SECRET_KEY', ['sign'], {}, 'sign'],
  ['missing secret: pass --secret or set SECRET_KEY', ['sign', '--secret', ''], {}, 'sign'],
  ['missing secret: pass --secret or set SECRET_KEY', ['sign'], { SECRET_KEY: '' }, 'sign'],
  ["option '--secret <value>' argument missing", ['sign', '--secret'], {}, 'sign'],
  [
    'secret must be at least 32 bytes for HS256 (got 9); generate one with: express-token-required secret',
    ['sign', '--secret', 'too-short'],
    {},
    'sign',
  ],
  [
    'secret must be at least 32 bytes for HS256 (got 9); generate one with: express-token-required secret',
    ['sign'],
    { SECRET_KEY: 'too-short' },
    'sign',
  ],
  [
    'secret must be at least 48 bytes for HS384 (got 40); generate one with: express-token-required secret',
    ['sign', '--secret', 'x'.repeat(40), '--alg', 'HS384'],
    {},
    'sign',
  ],
  [
    `--exp must be a number of seconds or a string with a unit such as '30m', '1h' or '7d' (got "soon")`,
    ['sign', ...S, '--exp', 'soon'],
    {},
    'sign',
  ],
  ['--exp must be more than 0 seconds', ['sign', ...S, '--exp', '0'], {}, 'sign'],
  ['--sub must be a non-empty string (got "")', ['sign', ...S, '--sub', ''], {}, 'sign'],
  [`algorithm 'RS256' does not fit secret, which may sign with HS256, HS384 or HS512`, ['sign', ...S, '--alg', 'RS256'], {}, 'sign'],
  [`algorithm "RS999" is not supported; use ${ALL_ALGORITHMS}`, ['sign', ...S, '--alg', 'RS999'], {}, 'sign'],
  ['--claim needs key=value (got "admin")', ['sign', ...S, '--claim', 'admin'], {}, 'sign'],
  ['--claim needs key=value (got "=1")', ['sign', ...S, '--claim', '=1'], {}, 'sign'],
  ['--claim "a" is given twice', ['sign', ...S, '--claim', 'a=1', '--claim', 'a=2'], {}, 'sign'],
  ["--sub and the payload's 'sub' claim both set 'sub'; keep one", ['sign', ...S, '--claim', 'sub=1', '--sub', '2'], {}, 'sign'],
  ["the payload's 'exp' must be a number of seconds since the epoch (got \"x\")", ['sign', ...S, '--claim', 'exp="x"'], {}, 'sign'],
  ['1 unexpected argument', ['sign', ...S, 'stray'], {}, 'sign'],
  ["option '-h, --help' does not take an argument", ['sign', ...S, '--help=yes'], {}, 'sign'],
  ['missing TOKEN', ['verify', ...S], {}, 'verify'],
  ['missing TOKEN', ['verify', ' ', ...S], {}, 'verify'],
  ['missing secret: pass --secret or set SECRET_KEY', ['verify', TOKEN], {}, 'verify'],
  [
    'secret must be at least 32 bytes for HS256 (got 9); generate one with: express-token-required secret',
    ['verify', TOKEN, '--secret', 'too-short'],
    {},
    'verify',
  ],
  [
    'secret must be at least 32 bytes for HS256 (got 9); generate one with: express-token-required secret',
    ['verify', TOKEN],
    { SECRET_KEY: 'too-short' },
    'verify',
  ],
  ['--iss must be a non-empty string (got "")', ['verify', TOKEN, ...S, '--iss', ''], {}, 'verify'],
  [`algorithm "none" is not supported in 'algorithms'; use ${ALL_ALGORITHMS}`, ['verify', TOKEN, ...S, '--alg', 'none'], {}, 'verify'],
  ['1 unexpected argument', ['verify', TOKEN, 'extra', ...S], {}, 'verify'],
  ['2 unexpected arguments', ['verify', TOKEN, 'extra', 'more', ...S], {}, 'verify'],
  ["unknown option '--exp'", ['verify', TOKEN, '--exp', '1h', ...S], {}, 'verify'],
  ['--discover needs --issuer ISSUER: the issuer whose metadata names the key set', ['verify', TOKEN, '--discover'], {}, 'verify'],
  [
    '--discover needs --issuer ISSUER: the issuer whose metadata names the key set',
    ['verify', TOKEN, '--discover'],
    { SECRET_KEY: SECRET },
    'verify',
  ],
  ["option '--discover' does not take an argument", ['verify', TOKEN, '--discover=https://a.example'], {}, 'verify'],
  ['--secret and --jwks-uri are alternatives; pass one', ['verify', TOKEN, ...S, '--jwks-uri', 'https://a.example/jwks'], {}, 'verify'],
  [
    '--key, --jwks-uri and --discover are alternatives; pass one',
    ['verify', TOKEN, '--key', 'k.pem', '--jwks-uri', 'https://a.example/jwks', '--discover', '--issuer', 'https://a.example'],
    {},
    'verify',
  ],
  [
    '--jwks and --discover are alternatives; pass one',
    ['verify', TOKEN, '--jwks', 'jwks.json', '--discover', '--issuer', 'https://a.example'],
    {},
    'verify',
  ],
  [
    '--jwks-uri must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://a.example',
    ['verify', TOKEN, '--jwks-uri', 'http://a.example/jwks'],
    {},
    'verify',
  ],
  ['--jwks-uri is not a valid URL (got "jwks.json")', ['verify', TOKEN, '--jwks-uri', 'jwks.json'], {}, 'verify'],
  [
    "algorithm 'HS256' in 'algorithms' cannot be verified with --jwks-uri: a remote key set holds public keys only",
    ['verify', TOKEN, '--jwks-uri', 'https://a.example/jwks', '--alg', 'HS256'],
    {},
    'verify',
  ],
  [
    '--issuer must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://a.example',
    ['verify', TOKEN, '--issuer', 'http://a.example', '--discover'],
    {},
    'verify',
  ],
  [
    '--issuer must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://b.example',
    ['verify', TOKEN, '--issuer', 'https://a.example', '--iss', 'http://b.example', '--discover'],
    {},
    'verify',
  ],
  [
    '--issuer must be an issuer URL without a query or a fragment (got "https://a.example/?x")',
    ['verify', TOKEN, '--issuer', 'https://a.example/?x', '--discover'],
    {},
    'verify',
  ],
  ['missing TOKEN', ['decode'], {}, 'decode'],
  ["unknown option '--secret'", ['decode', TOKEN, ...S], {}, 'decode'],
  ['--bytes must be a whole number from 32 to 1024 (got "31")', ['secret', '--bytes', '31'], {}, 'secret'],
  ['--bytes must be a whole number from 32 to 1024 (got "1025")', ['secret', '--bytes', '1025'], {}, 'secret'],
  ['--bytes must be a whole number from 32 to 1024 (got "32.5")', ['secret', '--bytes', '32.5'], {}, 'secret'],
  ['--bytes must be a whole number from 32 to 1024 (got "lots")', ['secret', '--bytes', 'lots'], {}, 'secret'],
  ['1 unexpected argument', ['secret', '64'], {}, 'secret'],
];

describe('bad usage', () => {
  it.each(BAD_USAGE)('%s (case %#): exit 2', async (error, argv, env, usageName) => {
    const { code, stdout, stderr } = await call(argv, env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`express-token-required: ${error}\n\n${usageName === undefined ? USAGE : usageOf(usageName)}`);
    // Never echoed: neither a secret nor a token.
    expect(stderr).not.toContain(SECRET);
    expect(stderr).not.toContain(TOKEN);
  });

  it('does not echo stray arguments, which may be a misplaced secret', async () => {
    const { stderr } = await call(['sign', '--secret', SECRET, 'my-other-secret-value']);
    expect(stderr).not.toContain('my-other-secret-value');
  });

  it('lets a failure that is not bad usage through (here, a broken stdout)', async () => {
    const broken = new Error('EPIPE');
    const io = {
      stdout: {
        write: () => {
          throw broken;
        },
      },
      stderr: { write: () => true },
    };
    await expect(run(['secret'], {}, io)).rejects.toBe(broken);
  });
});

describe('the end of options', () => {
  it('takes TOKEN after "--", as POSIX tools do', async () => {
    const token = makeToken({ sub: '1', exp: now() + 60 });
    const { code, stdout } = await call(['decode', '--', token]);
    expect(code).toBe(0);
    expect(stdout).toContain('"sub": "1"');
  });
});

describe('asUsageError', () => {
  it('rewords the core’s option errors with flag names, keeping names it has no flag for', () => {
    const error = asUsageError(new TypeError("express-token-required: option 'issuer' and option 'jwtid' clash"));
    expect(error).toEqual(new UsageError("--iss and option 'jwtid' clash"));
    expect(error).toBeInstanceOf(UsageError);
  });

  it.each([
    ['a TypeError from elsewhere', new TypeError('x is not a function')],
    ['another error', new RangeError('express-token-required: option')],
  ])('returns %s untouched', (_case, error) => {
    expect(asUsageError(error)).toBe(error);
  });
});
