// Where the token is found (the token header, Bearer, getToken, optional) and the answer when it is missing or ambiguous.
import { describe, expect, it } from 'vitest';
import { createApp, ENVELOPE, EXPRESS } from './helpers/app.js';
import { validToken } from './helpers/tokens.js';

const token = validToken();

describe.each(EXPRESS)('%s: finding the token', (_name, express) => {
  it('accepts a valid token in the `token` header: payload on req.auth, handler runs once', async () => {
    const { client, handled } = createApp(express);
    const res = await client.get('/protected').set('token', token).expect(200);
    expect(res.body).toEqual({ ran: true, auth: { sub: '42', iat: expect.any(Number), exp: expect.any(Number) }, user: null });
    expect(handled).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['whitespace only', '   '],
  ])('answers 400 "Token header is required" when the header is %s, handler not run', async (_case, value) => {
    const { client, handled } = createApp(express);
    const req = client.post('/protected');
    if (value !== undefined) req.set('token', value);
    const res = await req.expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(handled).toHaveLength(0);
  });

  it('trims surrounding whitespace from the header value', async () => {
    const { client } = createApp(express);
    await client.get('/protected').set('token', `  ${token}\t `).expect(200);
  });

  it('treats header names case-insensitively, as HTTP does', async () => {
    const { client } = createApp(express, { header: 'X-Auth-Token' });
    await client.get('/protected').set('x-auth-token', token).expect(200);
    await client.get('/protected').set('X-AUTH-TOKEN', token).expect(200);
    const res = await client.get('/protected').set('token', token).expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
  });

  it('answers repeated `token` headers with 401 Invalid Token', async () => {
    const { client, handled } = createApp(express);
    const res = await client
      .get('/protected')
      .set('token', [token, token] as unknown as string)
      .expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(0);
  });

  // RFC 9110 §5.6.3: only spaces and horizontal tabs are HTTP whitespace.
  it.each([
    ['a no-break space (U+00A0)', '\u00a0'],
    ['a no-break space inside tabs', '\t\u00a0'],
    ['a next-line control (U+0085)', '\u0085'],
  ])('does not trim %s around the token: 401 Invalid Token', async (_case, space) => {
    const { client, handled } = createApp(express);
    const res = await client.get('/protected').set('token', `${space}${token}${space}`).expect(401);
    expect(res.body).toEqual(ENVELOPE.invalid);
    expect(handled).toHaveLength(0);
  });

  describe('bearer: true', () => {
    it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts `Authorization: %s <jwt>`', async (scheme) => {
      const { client, handled } = createApp(express, { bearer: true });
      await client.get('/protected').set('Authorization', `${scheme} ${token}`).expect(200);
      expect(handled[0]?.auth?.sub).toBe('42');
    });

    it('trims whitespace around a Bearer token', async () => {
      const { client } = createApp(express, { bearer: true });
      await client.get('/protected').set('Authorization', `  Bearer    ${token}  `).expect(200);
    });

    it.each([
      ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['no token after the scheme', 'Bearer'],
      ['only spaces after the scheme', 'Bearer    '],
      ['a scheme glued to the token', `Bearer${token}`],
      ['a scheme with a prefix', `xBearer ${token}`],
    ])('answers 400 for %s, without WWW-Authenticate', async (_case, value) => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client.get('/protected').set('Authorization', value).expect(400);
      expect(res.body).toEqual(ENVELOPE.missing);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(handled).toHaveLength(0);
    });

    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
    it.each([
      ['a tab', `Bearer\t${token}`],
      ['a no-break space', `Bearer\u00a0${token}`],
      ['a space then a tab', `Bearer \t${token}`],
      ['a comma', `Bearer,${token}`],
    ])('answers 401 Invalid Token with the challenge for %s after the scheme', async (_case, value) => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client.get('/protected').set('Authorization', value).expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(handled).toHaveLength(0);
    });

    // The scheme is exactly `Bearer`: another one of six letters, or one that starts alike, is no Bearer token.
    it.each([
      ['another six-letter scheme', () => `Beaver ${token}`],
      ['a six-letter scheme then two spaces', () => `Bearex  ${token}`],
      ['a longer scheme that starts with Bearer', () => `Bearerx ${token}`],
      ['a shorter scheme', () => `Bear ${token}`],
    ])('answers 400 for %s, as for no token', async (_case, value) => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client.get('/protected').set('Authorization', value()).expect(400);
      expect(res.body).toEqual(ENVELOPE.missing);
      expect(handled).toHaveLength(0);
    });

    it('counts only Authorization lines, not other headers of the same length', async () => {
      const { client, handled } = createApp(express, { bearer: true });
      await client
        .get('/protected')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Trace-Token', 'abc')
        .set('X-Request-Ids', 'def')
        .expect(200);
      expect(handled).toHaveLength(1);
    });

    // Node keeps the first Authorization line and drops the rest: answering from it would hide the others.
    it.each([
      ['the same Bearer token twice', () => [`Bearer ${token}`, `Bearer ${token}`]],
      ['two different Bearer tokens', () => [`Bearer ${token}`, `Bearer ${validToken({ sub: 'admin' })}`]],
      ['Basic, then Bearer', () => [`Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${token}`]],
      ['Bearer, then Basic', () => [`Bearer ${token}`, `Basic ${Buffer.from('a:b').toString('base64')}`]],
    ])('answers 401 Invalid Token with the challenge for two Authorization lines: %s', async (_case, lines) => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client
        .get('/protected')
        .set('Authorization', lines() as unknown as string)
        .expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(handled).toHaveLength(0);
    });

    it('answers two Authorization lines with 401 even beside a valid token header', async () => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client
        .get('/protected')
        .set('token', token)
        .set('Authorization', [`Bearer ${token}`, `Bearer ${token}`] as unknown as string)
        .expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(handled).toHaveLength(0);
    });

    it('refuses different tokens in both places with 400 "Token must be sent in one place"', async () => {
      const { client, handled } = createApp(express, { bearer: true });
      const res = await client
        .get('/protected')
        .set('token', token)
        .set('Authorization', `Bearer ${validToken({ sub: '7' })}`)
        .expect(400);
      expect(res.body).toEqual(ENVELOPE.ambiguous);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(handled).toHaveLength(0);
    });

    it('accepts the same token in both places', async () => {
      const { client } = createApp(express, { bearer: true });
      await client.get('/protected').set('token', token).set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('ignores a non-Bearer Authorization beside the token header', async () => {
      const { client } = createApp(express, { bearer: true });
      await client.get('/protected').set('token', token).set('Authorization', 'Basic YTpi').expect(200);
    });

    it('still accepts the `token` header', async () => {
      const { client } = createApp(express, { bearer: true });
      await client.get('/protected').set('token', token).expect(200);
    });

    it('challenges a refused Bearer token with WWW-Authenticate (RFC 6750 §3)', async () => {
      const { client } = createApp(express, { bearer: true });
      const res = await client.get('/protected').set('Authorization', 'Bearer not.a.token').expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('does not challenge a refused token that came in the `token` header', async () => {
      const { client } = createApp(express, { bearer: true });
      const res = await client.get('/protected').set('token', 'not.a.token').expect(401);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });
  });

  it('ignores repeated Authorization lines when bearer is off', async () => {
    const { client, handled } = createApp(express);
    await client
      .get('/protected')
      .set('token', token)
      .set('Authorization', ['Basic a', 'Basic b'] as unknown as string)
      .expect(200);
    expect(handled).toHaveLength(1);
  });

  it('ignores Authorization when bearer is off (the default)', async () => {
    const { client } = createApp(express);
    const res = await client.get('/protected').set('Authorization', `Bearer ${token}`).expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
  });

  describe('getToken', () => {
    it.each([
      ['a string', (value: string) => value],
      ['a promise of a string', (value: string) => Promise.resolve(value)],
    ])('uses what it returns: %s, trimmed', async (_case, wrap) => {
      const { client } = createApp(express, { getToken: (req) => wrap(` ${req.query.t as string} `) });
      await client.get('/protected').query({ t: token }).expect(200);
    });

    it.each([
      ['a no-break space', '\u00a0'],
      ['a newline', '\n'],
    ])('does not trim %s from what it returns: 401 Invalid Token', async (_case, space) => {
      const { client, handled } = createApp(express, { getToken: () => `${space}${token}${space}` });
      const res = await client.get('/protected').expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(handled).toHaveLength(0);
    });

    it.each([
      ['undefined', () => undefined],
      ['null', () => null],
      ['an empty string', () => ''],
      ['a promise of undefined', () => Promise.resolve(undefined)],
    ])('answers 400 when it returns %s', async (_case, getToken) => {
      const { client, handled } = createApp(express, { getToken });
      const res = await client.get('/protected').expect(400);
      expect(res.body).toEqual(ENVELOPE.missing);
      expect(handled).toHaveLength(0);
    });

    it('replaces the header and Bearer sources', async () => {
      const { client } = createApp(express, { bearer: true, getToken: () => undefined });
      await client.get('/protected').set('token', token).set('Authorization', `Bearer ${token}`).expect(400);
    });

    it('never challenges: the token did not come from Authorization', async () => {
      const { client } = createApp(express, { getToken: () => 'x.y.z' });
      const res = await client.get('/protected').expect(401);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('hands a non-string result to the error handler as a TypeError', async () => {
      const { client, errors, handled } = createApp(express, { getToken: () => 42 as unknown as string });
      await client.get('/protected').expect(500);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect((errors[0] as Error).message).toMatch(/getToken must return a string/);
      expect(handled).toHaveLength(0);
    });
  });

  describe('optional: true', () => {
    it('lets a request without a token through, without req.auth', async () => {
      const { client, handled } = createApp(express, { optional: true });
      const res = await client.get('/protected').expect(200);
      expect(res.body).toEqual({ ran: true, auth: null, user: null });
      expect(handled[0]).not.toHaveProperty('auth');
    });

    it('still verifies a token that is present', async () => {
      const { client } = createApp(express, { optional: true });
      await client.get('/protected').set('token', token).expect(200);
      const res = await client.get('/protected').set('token', 'bad').expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
    });

    it('does not call loadUser when there is no token', async () => {
      let calls = 0;
      const { client } = createApp(express, { optional: true, loadUser: () => ++calls });
      await client.get('/protected').expect(200);
      expect(calls).toBe(0);
    });
  });
});
