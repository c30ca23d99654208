// Verification by the middleware: signature, algorithm, the token's shape and length, and the exact 401 it answers.
// Claim rules are in claims.test.ts.
import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp, ENVELOPE, EXPRESS, expectRefusal } from './helpers/app.js';
import { b64url, makeToken, now, OTHER_SECRET, validToken } from './helpers/tokens.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function rs256Token(payload: object): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

const good = validToken();
const [h, p, s] = good.split('.') as [string, string, string];
const flip = (text: string, at: number): string => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

/** Tokens that must be 401 Invalid Token, handler not run, with default options. */
const INVALID: [string, string][] = [
  ['signed with another secret', validToken({}, { secret: OTHER_SECRET })],
  ['alg none, no signature', `${b64url('{"alg":"none","typ":"JWT"}')}.${p}.`],
  ['alg None, no signature', `${b64url('{"alg":"None"}')}.${p}.`],
  ['alg NONE, with the original signature', `${b64url('{"alg":"NONE"}')}.${p}.${s}`],
  ['HS512 when only HS256 is allowed', validToken({}, { header: { alg: 'HS512' } })],
  ['HS384 when only HS256 is allowed', validToken({}, { header: { alg: 'HS384' } })],
  ['RS256', rs256Token({ sub: '42', exp: now() + 3600 })],
  ['a tampered payload', `${h}.${b64url(JSON.stringify({ sub: '1', exp: now() + 3600 }))}.${s}`],
  ['a tampered signature', `${h}.${p}.${flip(s, 5)}`],
  ['a truncated token', good.slice(0, -10)],
  ['a token without its signature', `${h}.${p}`],
  ['four segments', `${good}.${s}`],
  ['non-base64url characters', `${h}.${p}.${s.slice(0, -2)}+/`],
  ['a 9 KB header', makeToken({ sub: '42', exp: now() + 3600 }, { header: { pad: 'x'.repeat(9 * 1024) } })],
  ['a JSON array payload', makeToken([1, 2, 3])],
  ['a JSON string payload', makeToken('"hello"')],
  ['a non-JSON payload', makeToken('not json')],
  ['a null payload', makeToken('null')],
  ['a header that is not JSON', `${b64url('nope')}.${p}.${s}`],
  ['a crit header parameter', validToken({}, { header: { crit: ['exp'] } })],
  ['three empty segments', '..'],
  ['random text', 'hello world'],
];

describe.each(EXPRESS)('%s: verification', (_name, express) => {
  it.each(INVALID)('answers 401 Invalid Token for %s, handler not run', async (_case, token) => {
    const { client, handled } = createApp(express);
    const res = await client.post('/protected').set('token', token).expect(401);
    expectRefusal(res, ENVELOPE.invalid, token);
    expect(handled).toHaveLength(0);
  });

  it('checks the signature before expiry: a forged expired token is Invalid Token', async () => {
    const { client } = createApp(express);
    const res = await client
      .get('/protected')
      .set('token', validToken({ exp: now() - 10 }, { secret: OTHER_SECRET }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it.each([
    ['a JSON string', '"hello"'],
    ['a JSON array', '[1,2]'],
    ['a JSON number', '42'],
  ])('refuses %s payload even when requireExpiry is false', async (_case, payload) => {
    const { client, handled } = createApp(express, { requireExpiry: false });
    const res = await client.get('/protected').set('token', makeToken(payload)).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(0);
  });

  it('accepts HS384 and HS512 when listed, with a key long enough for HS512', async () => {
    const secret = 'k'.repeat(64);
    const { client } = createApp(express, { secret, algorithms: ['HS256', 'HS384', 'HS512'] });
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      await client
        .get('/protected')
        .set('token', validToken({}, { secret, header: { alg } }))
        .expect(200);
    }
  });

  it('refuses tokens longer than maxTokenLength before decoding them', async () => {
    const token = validToken();
    const { client } = createApp(express, { maxTokenLength: token.length });
    await client.get('/protected').set('token', token).expect(200);
    const res = await client
      .get('/protected')
      .set('token', validToken({ name: 'x' }))
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
  });

  it('keeps unknown claims on req.auth as they were signed', async () => {
    const { client, handled } = createApp(express);
    const claims = { admin: true, roles: ['a', 'b'], nested: { deep: [1, null] } };
    await client.get('/protected').set('token', validToken(claims)).expect(200);
    expect(handled[0]?.auth).toMatchObject(claims);
  });

  it('keeps __proto__ in a payload as plain data', async () => {
    const token = makeToken(`{"sub":"42","exp":${String(now() + 60)},"__proto__":{"admin":true}}`);
    const { client, handled } = createApp(express);
    await client.get('/protected').set('token', token).expect(200);
    const auth = handled[0]?.auth;
    expect(Object.getPrototypeOf(auth)).toBe(Object.prototype);
    expect(Object.hasOwn(auth ?? {}, '__proto__')).toBe(true);
    expect((auth as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it('uses the secret string as its UTF-8 bytes (as PyJWT and others do)', async () => {
    const secret = 'ünïcødé-secret-with-more-than-32-bytes!';
    const { client } = createApp(express, { secret });
    await client
      .get('/protected')
      .set('token', validToken({}, { secret: Buffer.from(secret, 'utf8') }))
      .expect(200);
  });
});
