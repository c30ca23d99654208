// What verify and decode print of a token: nothing that drives the terminal, nothing too deep to print.
import { describe, expect, it } from 'vitest';
import { deeperThan, escapeControls, MAX_DEPTH } from '../../src/cli/output.js';
import { signToken } from '../../src/index.js';
import { frozenClockPerTest, NOW } from '../helpers/clock.js';
import { b64url, makeToken, SECRET } from '../helpers/tokens.js';
import { call } from './helpers.js';

frozenClockPerTest(NOW);

const hex = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const named = (codes: number[]): [string, number][] => codes.map((code) => [code.toString(16).toUpperCase().padStart(4, '0'), code]);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
// Nothing JSON.stringify leaves raw and a terminal obeys: DEL, C1, the bidi marks, embeddings,
// overrides and isolates, and the line and paragraph separators.
const RAW_UNSAFE = [0x7f, ...range(0x80, 0x9f), 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];
const UNSAFE_RE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/; // eslint-disable-line no-control-regex

describe('escapeControls', () => {
  it.each(named([...range(0x00, 0x09), ...range(0x0b, 0x1f), ...RAW_UNSAFE]))('writes U+%s as \\uXXXX', (_name, code) => {
    expect(escapeControls(`a${String.fromCharCode(code)}b`)).toBe(`a${hex(code)}b`);
  });

  it.each(named([0x0a, 0x20, 0x7e, 0xa0, 0xe9, 0x2027, 0x202f, 0x2065, 0x206a, 0x200d, 0x1f600]))('keeps U+%s as it is', (_name, code) => {
    const text = `a${String.fromCodePoint(code)}b`;
    expect(escapeControls(text)).toBe(text);
  });

  it('keeps JSON what was JSON, with the same value', () => {
    const value = { [`k\u202e`]: `\u001b]0;title\u0007 \u009b2J \u2066x\u2069 é` };
    const printed = escapeControls(JSON.stringify(value, null, 2));
    expect(printed).not.toMatch(UNSAFE_RE);
    expect(JSON.parse(printed)).toEqual(value);
  });
});

describe('deeperThan', () => {
  const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  it.each<[string, unknown, number, boolean]>([
    ['a number', 1, 0, false],
    ['{} at limit 1', {}, 1, false],
    ['{} at limit 0', {}, 0, true],
    ['10 arrays at limit 10', nested(10), 10, false],
    ['11 arrays at limit 10', nested(11), 10, true],
    ['a deep branch after a shallow one', { a: 1, b: { c: { d: [] } } }, 3, true],
    ['40,000 levels', nested(40_000), MAX_DEPTH, true],
  ])('%s', (_case, value, limit, deeper) => {
    expect(deeperThan(value, limit)).toBe(deeper);
  });
});

describe('printed output', () => {
  // U+001B (ESC) is escaped by JSON.stringify already; the rest only by the command.
  const EVIL = '\u001b[2J\u009b31m\u007f\u202eevil\u202c\u2067x\u2069';
  const ESCAPED = '\\u001b[2J\\u009b31m\\u007f\\u202eevil\\u202c\\u2067x\\u2069';

  it('decode escapes controls and bidi characters in the header, the payload, its keys and the time lines', async () => {
    const token = makeToken({ [`n\u202e`]: EVIL, exp: `soon\u2066` }, { header: { kid: `k\u009b` } });
    const { code, stdout, stderr } = await call(['decode', token]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).not.toMatch(UNSAFE_RE);
    expect(stdout).toContain('  "kid": "k\\u009b"\n');
    expect(stdout).toContain(`  "n\\u202e": "${ESCAPED}",\n`);
    expect(stdout).toContain('  "exp": "soon\\u2066"\n');
    expect(stdout).toContain('\nExpires:    not a number of seconds ("soon\\u2066")\n');
  });

  it('verify escapes them in the payload it prints, which parses back to the payload', async () => {
    const payload = { sub: EVIL, iat: NOW, exp: NOW + 60 };
    const { code, stdout, stderr } = await call(['verify', makeToken(payload), '--secret', SECRET]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`{\n  "sub": "${ESCAPED}",\n  "iat": ${String(NOW)},\n  "exp": ${String(NOW + 60)}\n}\n`);
    expect(JSON.parse(stdout)).toEqual(payload);
  });

  it('verify escapes them in the reason on stderr', async () => {
    const token = makeToken({ iss: 'them', exp: NOW + 60 });
    expect(await call(['verify', token, '--secret', SECRET, '--iss', 'us\u202e\u0085'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Invalid Token: jwt issuer invalid. expected: us\\u202e\\u0085\n',
    });
  });
});

describe('deep payloads', () => {
  const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const deepArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
  const refusal = (part: string) => ({
    code: 1,
    stdout: '',
    stderr: `express-token-required: the ${part} is nested more than 1000 levels deep; not printed\n`,
  });

  it('decode refuses a payload nested 40,000 levels deep with one line, exit 1', async () => {
    expect(await call(['decode', makeToken(deepObject(40_000))])).toEqual(refusal('payload'));
  });

  it('decode refuses a header nested 40,000 levels deep with one line, exit 1', async () => {
    expect(await call(['decode', `${b64url(deepObject(40_000))}.${b64url('{}')}.`])).toEqual(refusal('header'));
  });

  it('decode refuses a claim nested 40,000 levels deep in a time claim too', async () => {
    expect(await call(['decode', makeToken(`{"exp":${deepObject(40_000)}}`)])).toEqual(refusal('payload'));
  });

  it('verify refuses a token with a payload nested 40,000 levels deep for its length, exit 1', async () => {
    expect(await call(['verify', makeToken(deepObject(40_000)), '--secret', SECRET])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Invalid Token: longer than 8192 characters\n',
    });
  });

  it(`prints a payload ${String(MAX_DEPTH)} levels deep, and refuses one more`, async () => {
    const at = { a: deepArrays(MAX_DEPTH - 1) };
    const past = { a: deepArrays(MAX_DEPTH) };
    const decoded = await call(['decode', makeToken({ ...at, exp: NOW + 60 })]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain(`Payload:\n${JSON.stringify({ ...at, exp: NOW + 60 }, null, 2)}\n`);
    expect(await call(['decode', makeToken(past)])).toEqual(refusal('payload'));
    const valid = signToken(at, { secret: SECRET });
    const verified = await call(['verify', valid, '--secret', SECRET]);
    expect(verified).toEqual({
      code: 0,
      stdout: `${JSON.stringify(JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()), null, 2)}\n`,
      stderr: '',
    });
    expect(await call(['verify', signToken(past, { secret: SECRET }), '--secret', SECRET])).toEqual(refusal('payload'));
  });
});
