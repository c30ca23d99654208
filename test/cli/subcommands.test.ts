// The subcommands in-process (secret, sign, verify, decode): what each prints, checked with the test token maker.
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, type AlgorithmOf } from '../../src/core/algorithms.js';

type Algorithm = AlgorithmOf<'HMAC'>;
import { findCommand } from '../../src/cli/commands.js';
import { decodeUnverified } from '../../src/cli/decode.js';
import { frozenClockPerTest, NOW } from '../helpers/clock.js';
import { b64url, hmac, makeToken, OTHER_SECRET, SECRET } from '../helpers/tokens.js';
import { call } from './helpers.js';

// signToken gives every token a random jti (a UUID), so it can be revoked.
const JTI = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

const SECRET_64 = 'c'.repeat(64);

frozenClockPerTest(NOW); // 2027-01-15T08:00:00.000Z

/** Header and payload of a token whose signature holds for `secret`; throws otherwise. */
function checked(token: string, secret: string, alg: Algorithm = 'HS256'): { header: unknown; payload: Record<string, unknown> } {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  expect(hmac(`${header}.${payload}`, secret, alg)).toBe(signature);
  const parse = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: parse(header), payload: parse(payload) as Record<string, unknown> };
}

async function signed(argv: string[], env: Record<string, string> = {}): Promise<string> {
  const { code, stdout, stderr } = await call(['sign', ...argv], env);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return stdout.trimEnd();
}

describe('secret', () => {
  it('prints 32 random bytes as hex by default, a new one each time', async () => {
    const first = await call(['secret']);
    const second = await call(['secret']);
    expect(first).toEqual({ code: 0, stdout: expect.stringMatching(/^[0-9a-f]{64}\n$/), stderr: '' });
    expect(second.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(second.stdout).not.toBe(first.stdout);
  });

  it.each([[32], [64], [1024]])('prints --bytes %i bytes', async (bytes) => {
    const { code, stdout } = await call(['secret', '--bytes', String(bytes)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^[0-9a-f]{${String(bytes * 2)}}\\n$`));
  });

  it('prints a secret that sign accepts', async () => {
    const secret = (await call(['secret'])).stdout.trimEnd();
    expect(checked(await signed(['--secret', secret]), secret).payload).toEqual({ iat: NOW, exp: NOW + 3600, jti: JTI });
  });
});

describe('sign', () => {
  it('signs with HS256 for one hour by default, iat set', async () => {
    const token = await signed(['--secret', SECRET]);
    expect(checked(token, SECRET)).toEqual({ header: { alg: 'HS256', typ: 'JWT' }, payload: { iat: NOW, exp: NOW + 3600, jti: JTI } });
  });

  it('takes the secret from SECRET_KEY, and --secret over it', async () => {
    expect(checked(await signed([], { SECRET_KEY: SECRET }), SECRET).payload.exp).toBe(NOW + 3600);
    expect(checked(await signed(['--secret', OTHER_SECRET], { SECRET_KEY: SECRET }), OTHER_SECRET).payload.exp).toBe(NOW + 3600);
  });

  it('writes --sub, --iss, --aud and --exp as claims', async () => {
    const token = await signed(['--secret', SECRET, '--sub', '42', '--iss', 'https://issuer.example', '--aud', 'api', '--exp', '30m']);
    expect(checked(token, SECRET).payload).toEqual({
      iat: NOW,
      exp: NOW + 1800,
      sub: '42',
      iss: 'https://issuer.example',
      aud: 'api',
      jti: JTI,
    });
  });

  it.each([
    ['90', 90],
    ['2h', 7200],
    ['7d', 7 * 86_400],
  ])('reads --exp %s as %i seconds', async (exp, seconds) => {
    expect(checked(await signed(['--secret', SECRET, '--exp', exp]), SECRET).payload.exp).toBe(NOW + seconds);
  });

  it('writes a repeated --aud as an array', async () => {
    expect(checked(await signed(['--secret', SECRET, '--aud', 'a', '--aud', 'b']), SECRET).payload.aud).toEqual(['a', 'b']);
  });

  it('reads --claim values as JSON when they parse, else as strings', async () => {
    const claims = [
      'admin=true',
      'n=7',
      'none=null',
      'roles=["a","b"]',
      'obj={"k":1}',
      'name=Ada',
      'text=not {json',
      'eq=a=b',
      'quoted="42"',
      'empty=',
    ];
    const token = await signed(['--secret', SECRET, ...claims.flatMap((claim) => ['--claim', claim])]);
    expect(checked(token, SECRET).payload).toEqual({
      admin: true,
      n: 7,
      none: null,
      roles: ['a', 'b'],
      obj: { k: 1 },
      name: 'Ada',
      text: 'not {json',
      eq: 'a=b',
      quoted: '42',
      empty: '',
      iat: NOW,
      exp: NOW + 3600,
      jti: JTI,
    });
  });

  it('keeps a __proto__ claim as a claim', async () => {
    const { payload } = checked(await signed(['--secret', SECRET, '--claim', '__proto__={"admin":true}']), SECRET);
    expect(Object.hasOwn(payload, '__proto__')).toBe(true);
    expect(payload.admin).toBeUndefined();
  });

  it('lets an exp claim replace the default lifetime', async () => {
    expect(checked(await signed(['--secret', SECRET, '--claim', `exp=${String(NOW + 60)}`]), SECRET).payload).toEqual({
      iat: NOW,
      exp: NOW + 60,
      jti: JTI,
    });
  });

  it.each([
    ['99999999999999999999', '100000000001800000000'],
    ['9007197454740992', '9007199254740992'],
    ['99999999999999999999d', '8.640000000000002e+24'],
  ])('refuses --exp %s, whose exp %s is no safe integer: one line and the usage, exit 2', async (exp, date) => {
    expect(await call(['sign', '--secret', SECRET, '--exp', exp])).toEqual({
      code: 2,
      stdout: '',
      stderr: `express-token-required: --exp puts 'exp' at ${date} seconds since the epoch, not a safe integer; use a shorter duration in whole seconds\n\n${findCommand('sign')!.usage}`,
    });
  });

  it('signs --exp up to exp = 2^53 - 1', async () => {
    expect(checked(await signed(['--secret', SECRET, '--exp', String(Number.MAX_SAFE_INTEGER - NOW)]), SECRET).payload.exp).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it.each([
    ['HS384', 'sha384'],
    ['HS512', 'sha512'],
  ] as const)('signs with --alg %s (HMAC with %s)', async (alg, hash) => {
    expect(ALGORITHMS[alg].hash).toBe(hash);
    expect(checked(await signed(['--secret', SECRET_64, '--alg', alg]), SECRET_64, alg).header).toEqual({ alg, typ: 'JWT' });
  });
});

describe('verify', () => {
  const token = (claims: Record<string, unknown>, secret = SECRET) => makeToken({ iat: NOW, exp: NOW + 600, ...claims }, { secret });

  it('prints the payload as JSON and exits 0', async () => {
    const payload = { sub: '42', admin: true, iat: NOW, exp: NOW + 600 };
    expect(await call(['verify', makeToken(payload), '--secret', SECRET])).toEqual({
      code: 0,
      stdout: `${JSON.stringify(payload, null, 2)}\n`,
      stderr: '',
    });
  });

  it('verifies what sign made (SECRET_KEY for both)', async () => {
    const made = await signed(['--sub', '7', '--claim', 'role=admin'], { SECRET_KEY: SECRET });
    const { code, stdout } = await call(['verify', made], { SECRET_KEY: SECRET });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ sub: '7', role: 'admin', iat: NOW, exp: NOW + 3600, jti: JTI });
  });

  it.each([
    ['an expired token', token({ exp: NOW - 1 }), ['--secret', SECRET], 'Token expired: expired at 2027-01-15T07:59:59.000Z'],
    ['a token expiring now', token({ exp: NOW }), ['--secret', SECRET], 'Token expired: expired at 2027-01-15T08:00:00.000Z'],
    ['another secret', token({}, OTHER_SECRET), ['--secret', SECRET], 'Invalid Token: invalid signature'],
    ['garbage', 'not-a-token', ['--secret', SECRET], 'Invalid Token: jwt malformed'],
    ['no exp', makeToken({ sub: '1' }), ['--secret', SECRET], 'Invalid Token: exp required'],
    ['nbf in the future', token({ nbf: NOW + 60 }), ['--secret', SECRET], 'Invalid Token: not active before 2027-01-15T08:01:00.000Z'],
    [
      'alg none',
      `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ exp: NOW + 60 }))}.`,
      ['--secret', SECRET],
      'Invalid Token: invalid algorithm',
    ],
    [
      'HS512 without --alg HS512',
      makeToken({ exp: NOW + 60 }, { header: { alg: 'HS512' }, secret: SECRET_64 }),
      ['--secret', SECRET_64],
      'Invalid Token: invalid algorithm',
    ],
    ['another issuer', token({ iss: 'them' }), ['--secret', SECRET, '--iss', 'us'], 'Invalid Token: jwt issuer invalid. expected: us'],
    [
      'another issuer than several',
      token({ iss: 'them' }),
      ['--secret', SECRET, '--iss', 'us', '--iss', 'we'],
      'Invalid Token: jwt issuer invalid. expected: us,we',
    ],
    ['no issuer', token({}), ['--secret', SECRET, '--iss', 'us'], 'Invalid Token: jwt issuer invalid. expected: us'],
    ['another audience', token({ aud: 'them' }), ['--secret', SECRET, '--aud', 'us'], 'Invalid Token: jwt audience invalid. expected: us'],
    [
      'another audience than several',
      token({ aud: ['them'] }),
      ['--secret', SECRET, '--aud', 'us', '--aud', 'we'],
      'Invalid Token: jwt audience invalid. expected: us or we',
    ],
    ['a token of 8192 characters that is none', 'a'.repeat(8192), ['--secret', SECRET], 'Invalid Token: jwt malformed'],
    [
      'a token longer than 8192 characters, as the middleware',
      'a'.repeat(8193),
      ['--secret', SECRET],
      'Invalid Token: longer than 8192 characters',
    ],
  ])('refuses %s: the message and why on stderr, never the token, exit 1', async (_case, refused, flags, message) => {
    const result = await call(['verify', refused, ...flags]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
    for (const part of refused.split('.').filter((segment) => segment.length > 8)) expect(result.stderr).not.toContain(part);
  });

  it.each([
    ['--iss', { iss: 'b' }, ['--iss', 'a', '--iss', 'b']],
    ['--aud', { aud: ['x', 'y'] }, ['--aud', 'y']],
    ['--aud repeated', { aud: 'x' }, ['--aud', 'x', '--aud', 'z']],
  ])('accepts a token matching %s', async (_case, claims, flags) => {
    expect((await call(['verify', token(claims), '--secret', SECRET, ...flags])).code).toBe(0);
  });

  it('accepts HS512 with --alg HS512', async () => {
    const hs512 = makeToken({ exp: NOW + 60 }, { header: { alg: 'HS512' }, secret: SECRET_64 });
    expect(await call(['verify', hs512, '--secret', SECRET_64, '--alg', 'HS256', '--alg', 'HS512'])).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ exp: NOW + 60 }, null, 2)}\n`,
      stderr: '',
    });
  });
});

describe('decode', () => {
  const LABEL = 'UNVERIFIED: the signature was not checked; anyone can make a token that decodes.\n';

  it('prints header, payload and times, labelled unverified, whatever the secret', async () => {
    const token = makeToken(
      { sub: '42', iat: NOW - 120, nbf: NOW - 60, exp: NOW + 3 * 3600 },
      { header: { kid: 'k1' }, secret: OTHER_SECRET },
    );
    const { code, stdout, stderr } = await call(['decode', token]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      `${LABEL}\nHeader:\n{\n  "alg": "HS256",\n  "typ": "JWT",\n  "kid": "k1"\n}\n\n` +
        `Payload:\n{\n  "sub": "42",\n  "iat": ${String(NOW - 120)},\n  "nbf": ${String(NOW - 60)},\n  "exp": ${String(NOW + 3 * 3600)}\n}\n\n` +
        'Expires:    2027-01-15T11:00:00.000Z (in 3 hours)\n' +
        'Not before: 2027-01-15T07:59:00.000Z (60 seconds ago)\n' +
        'Issued:     2027-01-15T07:58:00.000Z (2 minutes ago)\n',
    );
  });

  it.each([
    [{ exp: NOW - 2 * 86_400 }, 'Expires:    2027-01-13T08:00:00.000Z (2 days ago, expired)'],
    [{ exp: NOW }, 'Expires:    2027-01-15T08:00:00.000Z (in 0 seconds, expired)'],
    [{ exp: NOW + 1 }, 'Expires:    2027-01-15T08:00:01.000Z (in 1 second)'],
    [{}, 'Expires:    never: no exp claim (verify and the middleware refuse such tokens by default)'],
    [{ exp: 'soon' }, 'Expires:    not a number of seconds ("soon")'],
    [{ exp: 1e15 }, 'Expires:    out of range (1000000000000000)'],
    [{ exp: NOW + 60, iat: 'x' }, 'Issued:     not a number of seconds ("x")'],
  ])('describes %j as "%s"', async (payload, line) => {
    const { code, stdout } = await call(['decode', makeToken(payload)]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toContain(line);
  });

  it('decodes a token it could never verify (alg none, no signature)', async () => {
    const { code, stdout } = await call(['decode', `${b64url('{"alg":"none"}')}.${b64url('{"sub":"x"}')}.`]);
    expect(code).toBe(0);
    expect(stdout).toContain('Header:\n{\n  "alg": "none"\n}');
  });

  it.each([
    ['one part', 'abc', 'a JWT has three parts separated by dots (got 1)'],
    ['two parts', 'abc.def', 'a JWT has three parts separated by dots (got 2)'],
    ['four parts', 'a.b.c.d', 'a JWT has three parts separated by dots (got 4)'],
    ['a header that is not base64url', `@@.${b64url('{}')}.sig`, 'the header is not a base64url-encoded JSON object'],
    ['a header that is not JSON', `${b64url('nope')}.${b64url('{}')}.sig`, 'the header is not a base64url-encoded JSON object'],
    ['an empty header', `.${b64url('{}')}.sig`, 'the header is not a base64url-encoded JSON object'],
    ['a payload that is an array', makeToken([1, 2]), 'the payload is not a base64url-encoded JSON object'],
    ['a payload that is null', makeToken('null'), 'the payload is not a base64url-encoded JSON object'],
    ['a payload that is a string', makeToken('"hi"'), 'the payload is not a base64url-encoded JSON object'],
  ])('refuses %s: exit 1 and why on stderr', async (_case, token, why) => {
    expect(await call(['decode', token])).toEqual({ code: 1, stdout: '', stderr: `express-token-required: not a JWT: ${why}\n` });
  });

  it('gives the same header and payload as the token holds', () => {
    expect(decodeUnverified(` ${makeToken({ a: 1 })}\n`)).toEqual({ header: { alg: 'HS256', typ: 'JWT' }, payload: { a: 1 } });
  });
});
