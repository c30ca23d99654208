// Where verify and decode read TOKEN: the argument, or all of standard input for "-"; never a "Bearer " value.
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/cli/commands.js';
import { MAX_STDIN_BYTES } from '../../src/cli/token.js';
import { frozenClockPerTest, NOW } from '../helpers/clock.js';
import { makeToken, SECRET } from '../helpers/tokens.js';
import { call } from './helpers.js';

const PAYLOAD = { sub: '42', iat: NOW, exp: NOW + 600 };
const TOKEN = makeToken(PAYLOAD);
const VERIFIED = `${JSON.stringify(PAYLOAD, null, 2)}\n`;
const S = ['--secret', SECRET];

frozenClockPerTest(NOW);

describe('"-" reads the token from standard input', () => {
  it.each<[string, string | (string | Buffer)[]]>([
    ['as echo writes it', `${TOKEN}\n`],
    ['with nothing around it', TOKEN],
    ['with spaces, tabs and CRLF around it', ` \t\r\n${TOKEN} \t\r\n\r\n`],
    ['in chunks of strings', [TOKEN.slice(0, 10), TOKEN.slice(10, 50), `${TOKEN.slice(50)}\n`]],
    ['in chunks of bytes', [Buffer.from(TOKEN.slice(0, 7)), Buffer.from(`${TOKEN.slice(7)}\n`)]],
  ])('verify -, %s', async (_case, stdin) => {
    expect(await call(['verify', '-', ...S], {}, stdin)).toEqual({ code: 0, stdout: VERIFIED, stderr: '' });
  });

  it('decode - prints what decode TOKEN prints', async () => {
    const direct = await call(['decode', TOKEN]);
    expect(direct.code).toBe(0);
    expect(await call(['decode', '-'], {}, `${TOKEN}\r\n`)).toEqual(direct);
  });

  it('verify - with flags before it, and after "--"', async () => {
    expect(await call(['verify', ...S, '-'], {}, TOKEN)).toEqual({ code: 0, stdout: VERIFIED, stderr: '' });
    expect(await call(['verify', ...S, '--', '-'], {}, TOKEN)).toEqual({ code: 0, stdout: VERIFIED, stderr: '' });
  });

  it('refuses a token read from stdin as it refuses the argument, with the reason', async () => {
    const expired = makeToken({ exp: NOW - 60 });
    expect(await call(['verify', '-', ...S], {}, expired)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Token expired: expired at 2027-01-15T07:59:00.000Z\n',
    });
    expect(await call(['decode', '-'], {}, 'abc\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'express-token-required: not a JWT: a JWT has three parts separated by dots (got 1)\n',
    });
  });

  it.each<[string, string, string | undefined]>([
    ['verify, empty stdin', 'verify', ''],
    ['verify, only whitespace', 'verify', ' \t\r\n'],
    ['verify, no stdin at all', 'verify', undefined],
    ['decode, empty stdin', 'decode', ''],
    ['decode, only line ends', 'decode', '\n\n'],
  ])('answers %s as bad usage: missing TOKEN, exit 2', async (_case, name, stdin) => {
    const argv = name === 'verify' ? ['verify', '-', ...S] : ['decode', '-'];
    expect(await call(argv, {}, stdin)).toEqual({
      code: 2,
      stdout: '',
      stderr: `express-token-required: missing TOKEN: standard input is empty\n\n${findCommand(name)!.usage}`,
    });
  });

  it(`reads up to ${String(MAX_STDIN_BYTES)} bytes, and refuses one more with one line, exit 1`, async () => {
    const padded = TOKEN + ' '.repeat(MAX_STDIN_BYTES - TOKEN.length);
    expect(Buffer.byteLength(padded)).toBe(MAX_STDIN_BYTES);
    expect(await call(['verify', '-', ...S], {}, [padded.slice(0, 1000), padded.slice(1000)])).toEqual({
      code: 0,
      stdout: VERIFIED,
      stderr: '',
    });
    expect(await call(['verify', '-', ...S], {}, [padded, '\n'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'express-token-required: standard input holds more than 1048576 bytes, too much for a token\n',
    });
    expect((await call(['decode', '-'], {}, `${padded}x`)).code).toBe(1);
  });

  it('does not read stdin for a token given as an argument', async () => {
    expect(await call(['verify', TOKEN, ...S], {}, 'not read')).toEqual({ code: 0, stdout: VERIFIED, stderr: '' });
  });
});

describe('a token given with its "Bearer " prefix', () => {
  const REFUSED = {
    code: 1,
    stdout: '',
    stderr: 'express-token-required: the token starts with "Bearer ": drop the "Bearer " prefix and pass the token alone\n',
  };

  it.each([
    ['verify TOKEN', ['verify', `Bearer ${TOKEN}`, ...S], undefined],
    ['verify TOKEN, lower case', ['verify', `bearer ${TOKEN}`, ...S], undefined],
    ['verify TOKEN, a tab after it', ['verify', `BEARER\t${TOKEN}`, ...S], undefined],
    ['verify TOKEN, spaces before it', ['verify', `  Bearer ${TOKEN}`, ...S], undefined],
    ['verify -', ['verify', '-', ...S], `Bearer ${TOKEN}\n`],
    ['decode TOKEN', ['decode', `Bearer ${TOKEN}`], undefined],
    ['decode -', ['decode', '-'], `bEaReR ${TOKEN}\n`],
  ])('is refused by %s with a hint, exit 1, never echoing the token', async (_case, argv, stdin) => {
    const result = await call(argv, {}, stdin);
    expect(result).toEqual(REFUSED);
    expect(result.stderr).not.toContain(TOKEN.split('.')[1]);
  });

  it('is refused even when the token behind it is garbage (the hint is what helps)', async () => {
    expect(await call(['verify', 'Bearer x', ...S])).toEqual(REFUSED);
  });

  it.each([
    ['"Bearer" glued to the token', `Bearer${TOKEN}`],
    ['a word that only starts like it', `Bearerish ${TOKEN}`],
  ])('is not seen in %s: that is a malformed token', async (_case, token) => {
    expect(await call(['verify', token, ...S])).toEqual({ code: 1, stdout: '', stderr: 'Invalid Token: jwt malformed\n' });
  });
});
