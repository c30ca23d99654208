// The built command, spawned as a user runs it (dist/cli.js): stdout, stderr and exit codes.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenRequired } from '../../src/index.js';
import { ENVELOPE } from '../helpers/app.js';
import { makeToken, now, OTHER_SECRET, SECRET } from '../helpers/tokens.js';
import { CLI, ensureBuilt, spawnCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

describe('the built command', () => {
  it('is the package’s bin (and no export), an executable file starting with #!/usr/bin/env node', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.bin).toEqual({ 'express-token-required': './dist/cli.js' });
    expect(pkg.exports).toEqual({
      '.': {
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      },
      './redis': {
        import: { types: './dist/redis.d.ts', default: './dist/redis.js' },
        require: { types: './dist/redis.d.cts', default: './dist/redis.cjs' },
      },
      './package.json': './package.json',
    });
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
  });

  it('runs directly through its shebang', () => {
    const { code, stdout, stderr } = spawnCli(['secret'], {}, CLI);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('prints the usage for --help, exit 0', () => {
    const { code, stdout, stderr } = spawnCli(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(
      /^Usage: express-token-required <command> \[options\]\n[\s\S]*\n {2}secret {2}[\s\S]*\n {2}sign {4}[\s\S]*\n {2}verify {2}[\s\S]*\n {2}decode {2}/,
    );
  });

  it('signs, then verifies what it signed (round trip), with the secret from a flag or SECRET_KEY', () => {
    const signed = spawnCli(
      ['sign', '--sub', '42', '--iss', 'cli', '--aud', 'api', '--exp', '10m', '--claim', 'admin=true', '--claim', 'name=Ada'],
      { SECRET_KEY: SECRET },
    );
    expect(signed.code).toBe(0);
    expect(signed.stderr).toBe('');
    const token = signed.stdout.trimEnd();
    const verified = spawnCli(['verify', token, '--secret', SECRET, '--iss', 'cli', '--aud', 'api']);
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    const payload = JSON.parse(verified.stdout) as Record<string, number>;
    expect(payload).toEqual({
      sub: '42',
      iss: 'cli',
      aud: 'api',
      admin: true,
      name: 'Ada',
      iat: expect.any(Number),
      exp: payload.iat! + 600,
      jti: expect.any(String),
    });
    expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(5);
    expect(verified.stdout).toBe(`${JSON.stringify(payload, null, 2)}\n`);
  });

  it('signs a token the middleware accepts, with its claims on req.auth', async () => {
    const token = spawnCli(['sign', '--secret', SECRET, '--sub', '7', '--claim', 'roles=["editor"]']).stdout.trimEnd();
    const app = express();
    app.get('/protected', tokenRequired({ secret: SECRET }), (req, res) => {
      res.json(req.auth);
    });
    const res = await request(app).get('/protected').set('token', token).expect(200);
    expect(res.body).toEqual({ sub: '7', roles: ['editor'], iat: expect.any(Number), exp: expect.any(Number), jti: expect.any(String) });
    const other = spawnCli(['sign', '--secret', OTHER_SECRET]).stdout.trimEnd();
    expect((await request(app).get('/protected').set('token', other).expect(401)).body).toEqual(ENVELOPE.invalid);
  });

  it.each([
    ['an expired token', makeToken({ sub: '1', exp: 1_767_225_600 }), 'Token expired: expired at 2026-01-01T00:00:00.000Z'],
    [
      'a token signed with another secret',
      makeToken({ sub: '1', exp: now() + 60 }, { secret: OTHER_SECRET }),
      'Invalid Token: invalid signature',
    ],
    ['garbage', 'abc.def.ghi', 'Invalid Token: jwt malformed'],
  ])('verify refuses %s: the message and why on stderr, exit 1', (_case, token, message) => {
    expect(spawnCli(['verify', token], { SECRET_KEY: SECRET })).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it.each([
    ['an unknown command', ['mint'], {}, "unknown command 'mint'", 'Usage: express-token-required <command>'],
    [
      'an unknown flag',
      ['sign', '--secret', SECRET, '--expires', '1h'],
      {},
      "unknown option '--expires'",
      'Usage: express-token-required sign ',
    ],
    [
      'a missing secret (sign)',
      ['sign', '--sub', '1'],
      {},
      'missing secret: pass --secret or set SECRET_KEY',
      'Usage: express-token-required sign ',
    ],
    [
      'a missing secret (verify)',
      ['verify', makeToken({})],
      {},
      'missing secret: pass --secret or set SECRET_KEY',
      'Usage: express-token-required verify ',
    ],
    [
      'a short secret (flag)',
      ['sign', '--secret', 'short-secret'],
      {},
      'secret must be at least 32 bytes for HS256 (got 12); generate one with: express-token-required secret',
      'Usage: express-token-required sign ',
    ],
    [
      'a short secret (SECRET_KEY)',
      ['verify', makeToken({})],
      { SECRET_KEY: 'short-secret' },
      'secret must be at least 32 bytes for HS256 (got 12); generate one with: express-token-required secret',
      'Usage: express-token-required verify ',
    ],
    ['a missing TOKEN', ['decode'], {}, 'missing TOKEN', 'Usage: express-token-required decode TOKEN'],
    [
      'a bad --bytes',
      ['secret', '--bytes', '16'],
      {},
      '--bytes must be a whole number from 32 to 1024 (got "16")',
      'Usage: express-token-required secret ',
    ],
  ])('answers %s with one line and the usage on stderr, exit 2', (_case, argv, env, error, usage) => {
    const { code, stdout, stderr } = spawnCli(argv, env);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    const [first, blank, ...rest] = stderr.split('\n');
    expect(first).toBe(`express-token-required: ${error}`);
    expect(blank).toBe('');
    expect(rest.join('\n')).toMatch(new RegExp(`^${usage.replace(/[<>]/g, '.')}`));
    expect(stderr).not.toContain(SECRET);
  });

  it('decodes without verifying, labelled so, and exits 1 on a malformed token', () => {
    const token = makeToken({ sub: '1', exp: now() + 3 * 86_400 }, { secret: OTHER_SECRET });
    const { code, stdout, stderr } = spawnCli(['decode', token]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^UNVERIFIED: /);
    expect(stdout).toContain('"sub": "1"');
    expect(stdout).toMatch(/\nExpires: {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(in 3 days\)\n/);
    expect(spawnCli(['decode', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'express-token-required: not a JWT: a JWT has three parts separated by dots (got 1)\n',
    });
  });

  it('prints the version in package.json for --version, exit 0', () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(spawnCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(spawnCli(['--version'], {}, CLI)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('reads the token from a pipe for verify - and decode -', () => {
    const token = spawnCli(['sign', '--sub', '9', '--claim', 'note=piped'], { SECRET_KEY: SECRET }).stdout;
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verified = spawnCli(['verify', '-'], { SECRET_KEY: SECRET }, process.execPath, token);
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(verified.stdout)).toMatchObject({ sub: '9', note: 'piped' });
    expect(verified.stdout).toBe(spawnCli(['verify', token.trimEnd()], { SECRET_KEY: SECRET }).stdout);
    const decoded = spawnCli(['decode', '-'], {}, process.execPath, ` ${token}\r\n`);
    expect({ code: decoded.code, stderr: decoded.stderr }).toEqual({ code: 0, stderr: '' });
    expect(decoded.stdout).toContain('\n  "note": "piped",\n');
    expect(spawnCli(['verify', '-'], { SECRET_KEY: SECRET }, process.execPath, makeToken({ exp: 1_767_225_600 }))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Token expired: expired at 2026-01-01T00:00:00.000Z\n',
    });
    const empty = spawnCli(['decode', '-'], {}, process.execPath, '\n');
    expect({ code: empty.code, stdout: empty.stdout }).toEqual({ code: 2, stdout: '' });
    expect(empty.stderr).toMatch(
      /^express-token-required: missing TOKEN: standard input is empty\n\nUsage: express-token-required decode TOKEN\n/,
    );
  });

  it('refuses a piped "Bearer " value with a hint, exit 1, never echoing the token', () => {
    const token = makeToken({ sub: '1', exp: now() + 60 });
    expect(spawnCli(['verify', '-'], { SECRET_KEY: SECRET }, process.execPath, `Bearer ${token}\n`)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'express-token-required: the token starts with "Bearer ": drop the "Bearer " prefix and pass the token alone\n',
    });
  });

  describe('a payload nested 40,000 levels deep', () => {
    const DEEP_REFUSAL = 'express-token-required: the payload is nested more than 1000 levels deep; not printed\n';
    // Arrays, 2 characters a level: the token stays under Linux's 128 KiB limit on one argument.
    const arrays = makeToken(`{"a":${'['.repeat(40_000)}${']'.repeat(40_000)}}`);
    const objects = makeToken(`${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`);

    it('is refused by decode with one line, exit 1, as an argument and from a pipe', () => {
      expect(arrays.length).toBeLessThan(128 * 1024);
      expect(spawnCli(['decode', arrays])).toEqual({ code: 1, stdout: '', stderr: DEEP_REFUSAL });
      expect(spawnCli(['decode', '-'], {}, process.execPath, objects)).toEqual({ code: 1, stdout: '', stderr: DEEP_REFUSAL });
    });

    it('is refused by verify with one line, exit 1', () => {
      expect(spawnCli(['verify', arrays], { SECRET_KEY: SECRET })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'Invalid Token: longer than 8192 characters\n',
      });
      expect(spawnCli(['verify', '-'], { SECRET_KEY: SECRET }, process.execPath, objects)).toEqual({
        code: 1,
        stdout: '',
        stderr: 'Invalid Token: longer than 8192 characters\n',
      });
    });

    it('nested as deep as 8192 characters allow (3,000 levels) in a valid token, is refused by verify with one line', () => {
      // 8192 characters hold about 3,000 levels, enough to overflow JSON.stringify's stack in a pretty-print.
      const deepest = makeToken({ a: JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) as unknown, exp: now() + 60 });
      expect(deepest.length).toBeLessThanOrEqual(8192);
      expect(spawnCli(['verify', deepest], { SECRET_KEY: SECRET })).toEqual({ code: 1, stdout: '', stderr: DEEP_REFUSAL });
    });
  });

  it('escapes control and bidi characters in what it prints', () => {
    const token = makeToken({ sub: '\u001b[2J\u009b31m\u202eevil\u2069', exp: now() + 60 });
    const { code, stdout, stderr } = spawnCli(['verify', token], { SECRET_KEY: SECRET });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('  "sub": "\\u001b[2J\\u009b31m\\u202eevil\\u2069",\n');
    expect(stdout).not.toMatch(/[\u009b\u202e\u2069]/);
  });
});
