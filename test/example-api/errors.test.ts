// The example API's 404 and 500 answers as envelopes, and the request log.
import { describe, expect, it } from 'vitest';
import { ENVELOPE } from '../helpers/app.js';
import { envelope, freshApiPerTest, tokenFor, type Api } from './helpers.js';

let api: Api;
freshApiPerTest((started) => {
  api = started;
});

const ROUTE_NOT_FOUND = envelope(404, 'Not Found', 'Route not found');

describe('unknown routes', () => {
  it.each([
    ['get', '/nope'],
    ['post', '/me'],
    ['get', '/users'],
    ['patch', '/items/1'],
    ['get', '/login'],
    ['get', '/items/1/parts'],
  ] as const)('answer %s %s with a 404 envelope', async (method, path) => {
    const res = await api.client[method](path).expect(404);
    expect(res.body).toEqual(ROUTE_NOT_FOUND);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('are behind the guard under /items, for the guarded methods', async () => {
    expect((await api.client.delete('/items').expect(400)).body).toEqual(ENVELOPE.missing);
    expect((await api.client.delete('/items').set('token', tokenFor(api.adminId)).expect(404)).body).toEqual(ROUTE_NOT_FOUND);
  });
});

describe('unexpected errors', () => {
  it('answer with a 500 envelope that tells nothing, and are logged', async () => {
    api.db.close(); // every statement now throws
    const res = await api.client.get('/items').expect(500);
    expect(res.body).toEqual(envelope(500, 'Internal Server Error', 'Internal Server Error'));
    expect(res.text).not.toMatch(/database|sqlite|TypeError|at /i);
    expect(api.logs.some((line) => line.startsWith('error: TypeError: The database connection is not open\n    at '))).toBe(true);
  });

  it('in loadUser (a database failure) answer 500, not 401', async () => {
    api.db.close();
    const res = await api.client.get('/me').set('token', tokenFor(api.adminId)).expect(500);
    expect(res.body).toEqual(envelope(500, 'Internal Server Error', 'Internal Server Error'));
  });
});

describe('the request log', () => {
  it('has one line per request: time, method, path, status, duration; never the token', async () => {
    const token = tokenFor(api.adminId);
    await api.client.get('/items?sort=name').expect(200);
    await api.client.post('/items').set('token', token).send({ name: 'apple' }).expect(201);
    await api.client.get('/nope').expect(404);
    expect(api.logs).toHaveLength(3);
    expect(api.logs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET \/items\?sort=name 200 \d+\.\dms$/);
    expect(api.logs[1]).toMatch(/ POST \/items 201 \d+\.\dms$/);
    expect(api.logs[2]).toMatch(/ GET \/nope 404 \d+\.\dms$/);
    expect(api.logs.join('\n')).not.toContain(token);
  });
});

it('does not announce Express', async () => {
  const res = await api.client.get('/items').expect(200);
  expect(res.headers['x-powered-by']).toBeUndefined();
});
