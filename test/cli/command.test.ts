// The built command, spawned as a user runs it: stdout, stderr and exit codes.
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
    expect(stdout).toMatch(/^Usage: express-token-required <command> \[options\]\n[\s\S]*\n {2}secret {2}[\s\S]*\n {2}sign {4}[\s\S]*\n {2}verify {2}[\s\S]*\n {2}decode {2}/);
  });

  it('signs, then verifies what it signed (round trip), with the secret from a flag or SECRET_KEY', () => {
    const signed = spawnCli(['sign', '--sub', '42', '--iss', 'cli', '--aud', 'api', '--exp', '10m', '--claim', 'admin=true', '--claim', 'name=Ada'], { SECRET_KEY: SECRET });
    expect(signed.code).toBe(0);
    expect(signed.stderr).toBe('');
    const token = signed.stdout.trimEnd();
    const verified = spawnCli(['verify', token, '--secret', SECRET, '--iss', 'cli', '--aud', 'api']);
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    const payload = JSON.parse(verified.stdout) as Record<string, number>;
    expect(payload).toEqual({ sub: '42', iss: 'cli', aud: 'api', admin: true, name: 'Ada', iat: expect.any(Number), exp: payload.iat! + 600, jti: expect.any(String) });
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
    ['an expired token', makeToken({ sub: '1', exp: now() - 10 }), 'Token expired'],
    ['a token signed with another secret', makeToken({ sub: '1', exp: now() + 60 }, { secret: OTHER_SECRET }), 'Invalid Token'],
    ['garbage', 'abc.def.ghi', 'Invalid Token'],
  ])('verify refuses %s: the message on stderr, exit 1', (_case, token, message) => {
    expect(spawnCli(['verify', token], { SECRET_KEY: SECRET })).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it.each([
    ['an unknown command', ['mint'], {}, "unknown command 'mint'", 'Usage: express-token-required <command>'],
    ['an unknown flag', ['sign', '--secret', SECRET, '--expires', '1h'], {}, "unknown option '--expires'", 'Usage: express-token-required sign '],
    ['a missing secret (sign)', ['sign', '--sub', '1'], {}, 'missing secret: pass --secret or set SECRET_KEY', 'Usage: express-token-required sign '],
    ['a missing secret (verify)', ['verify', makeToken({})], {}, 'missing secret: pass --secret or set SECRET_KEY', 'Usage: express-token-required verify '],
    ['a short secret (flag)', ['sign', '--secret', 'short-secret'], {}, 'secret must be at least 32 bytes for HS256 (got 12); generate one with: express-token-required secret', 'Usage: express-token-required sign '],
    ['a short secret (SECRET_KEY)', ['verify', makeToken({})], { SECRET_KEY: 'short-secret' }, 'secret must be at least 32 bytes for HS256 (got 12); generate one with: express-token-required secret', 'Usage: express-token-required verify '],
    ['a missing TOKEN', ['decode'], {}, 'missing TOKEN', 'Usage: express-token-required decode TOKEN'],
    ['a bad --bytes', ['secret', '--bytes', '16'], {}, '--bytes must be a whole number from 32 to 1024 (got "16")', 'Usage: express-token-required secret '],
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
    expect(spawnCli(['decode', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'express-token-required: not a JWT: a JWT has three parts separated by dots (got 1)\n' });
  });
});
