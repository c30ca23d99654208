// POST /login: a token for good credentials, 401 for bad ones, 400 for a malformed body.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../examples/api/body.js';
import { verifyToken } from '../../src/index.js';
import { now, SECRET } from '../helpers/tokens.js';
import { ADMIN_PASSWORD, envelope, startApi, tempDir, type Api } from './helpers.js';

const temp = tempDir();
let api: Api;
beforeAll(async () => {
  api = await startApi(join(temp.dir, 'api.db'));
});
afterAll(() => {
  api.db.close();
  temp.remove();
});

const BAD_CREDENTIALS = envelope(401, 'Unauthorized', 'Invalid username or password');

describe('POST /login', () => {
  it('answers good credentials with {token}: sub is the user’s UUID, one hour, not cached', async () => {
    const res = await api.client.post('/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body as object)).toEqual(['token']);
    const payload = await verifyToken((res.body as { token: string }).token, { secret: SECRET });
    expect(payload).toEqual({
      sub: api.adminId,
      name: 'admin',
      iat: expect.any(Number),
      exp: payload.iat! + 3600,
      jti: expect.any(String),
    });
    expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(5);
  });

  it('gives a token that the protected routes accept', async () => {
    const { token } = (await api.client.post('/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200)).body as {
      token: string;
    };
    const res = await api.client.get('/me').set('token', token).expect(200);
    expect(res.body).toEqual({ id: api.adminId, username: 'admin', admin: true });
  });

  it('matches user names whatever their case', async () => {
    await api.client.post('/login').send({ username: 'ADMIN', password: ADMIN_PASSWORD }).expect(200);
  });

  it.each([
    ['a wrong password', { username: 'admin', password: 'wrong password' }],
    ['the password in another case', { username: 'admin', password: ADMIN_PASSWORD.toUpperCase() }],
    ['an empty password', { username: 'admin', password: '' }],
    ['an unknown user', { username: 'nobody', password: ADMIN_PASSWORD }],
  ])('answers %s with 401 and the same message', async (_case, body) => {
    const res = await api.client.post('/login').send(body).expect(401);
    expect(res.body).toEqual(BAD_CREDENTIALS);
    expect(res.headers.token).toBeUndefined();
  });

  it.each([
    ['an empty object', {}],
    ['no password', { username: 'admin' }],
    ['no username', { password: ADMIN_PASSWORD }],
    ['a number as username', { username: 1, password: ADMIN_PASSWORD }],
    ['an array password', { username: 'admin', password: [ADMIN_PASSWORD] }],
    ['an array body', [{ username: 'admin', password: ADMIN_PASSWORD }]],
  ])('answers a body with %s with 400', async (_case, body) => {
    const res = await api.client.post('/login').send(body).expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', MESSAGES.credentials));
  });

  it.each([
    ['no body at all', undefined, undefined],
    ['a form body', 'application/x-www-form-urlencoded', `username=admin&password=${ADMIN_PASSWORD}`],
    ['a text body', 'text/plain', JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD })],
  ])('answers %s with 400 (only JSON is read)', async (_case, type, body) => {
    const req = api.client.post('/login');
    const res = await (type === undefined ? req : req.set('Content-Type', type).send(body)).expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', MESSAGES.credentials));
  });

  it.each([
    ['cut short', '{"username": "admin", "pass'],
    ['a bare string', '"admin"'],
    ['null', 'null'],
    ['single quotes', "{'username': 'admin'}"],
  ])('answers invalid JSON (%s) with a 400 envelope, not the parser’s text', async (_case, text) => {
    const res = await api.client.post('/login').set('Content-Type', 'application/json').send(text).expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', 'Malformed JSON body'));
  });

  it('answers a body over 16 KB with 413', async () => {
    const res = await api.client
      .post('/login')
      .send({ username: 'admin', password: 'x'.repeat(17 * 1024) })
      .expect(413);
    expect(res.body).toEqual(envelope(413, 'Payload Too Large', 'Request body too large'));
  });

  it('is not guarded: a bad token header does not stop a login', async () => {
    const res = await api.client.post('/login').set('token', 'garbage').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
    expect(Object.keys(res.body as object)).toEqual(['token']);
  });
});
