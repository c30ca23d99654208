// Which requests the guard checks: the `methods` filter and CORS preflights.
// HEAD is guarded with GET, method names are checked at start-up, and preflights pass untouched.
import { describe, expect, it } from 'vitest';
import { tokenRequired, type TokenRequiredOptions } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from './helpers/app.js';
import { SECRET, validToken } from './helpers/tokens.js';

describe.each(EXPRESS)('%s: methods and CORS preflight', (_name, express) => {
  it.each(['GET', 'HEAD', 'PATCH'] as const)('lets %s through untouched when methods lists others', async (method) => {
    const { client, handled } = createApp(express, { methods: ['post', 'Put', 'DELETE'] });
    const req = method === 'GET' ? client.get('/protected') : method === 'HEAD' ? client.head('/protected') : client.patch('/protected');
    await req.set('token', 'garbage').expect(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]).not.toHaveProperty('auth');
  });

  it.each(['POST', 'PUT', 'DELETE'] as const)('guards %s, listed in any case', async (method) => {
    const { client, handled } = createApp(express, { methods: ['post', 'Put', 'DELETE'] });
    const call = method === 'POST' ? client.post('/protected') : method === 'PUT' ? client.put('/protected') : client.delete('/protected');
    const res = await call.expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
    expect(handled).toHaveLength(0);
    const ok = method === 'POST' ? client.post('/protected') : method === 'PUT' ? client.put('/protected') : client.delete('/protected');
    await ok.set('token', validToken()).expect(200);
  });

  it('lets a CORS preflight through untouched, even when OPTIONS is guarded', async () => {
    const { client, handled } = createApp(express, { methods: ['OPTIONS', 'POST'] });
    await client.options('/protected').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST').expect(200);
    expect(handled).toHaveLength(1);
  });

  it('guards a plain OPTIONS request (no Access-Control-Request-Method) like any other', async () => {
    const { client, handled } = createApp(express);
    const res = await client.options('/protected').expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
    expect(handled).toHaveLength(0);
  });

  // Only OPTIONS with the header is a preflight: the header on another method buys nothing.
  it.each(['GET', 'POST', 'DELETE'] as const)('guards a %s that carries Access-Control-Request-Method', async (method) => {
    const { client, handled } = createApp(express);
    const res = await client[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete']('/protected')
      .set('Access-Control-Request-Method', method)
      .expect(400);
    expect(res.body).toEqual(ENVELOPE.missing);
    expect(handled).toHaveLength(0);
  });

  it('guards every method when methods is not given', async () => {
    const { client } = createApp(express);
    await client.get('/protected').expect(400);
    await client.patch('/protected').expect(400);
  });
});

describe.each(EXPRESS)('%s: HEAD is guarded with GET', (_name, express) => {
  // Express runs GET handlers for HEAD requests: an unguarded HEAD would run the handler and leak its headers.
  it.each([['GET'], ['get'], ['Get']])('methods: [%j] guards HEAD as it guards GET', async (method) => {
    const { client, handled } = createApp(express, { methods: [method] });
    const res = await client.head('/protected').expect(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(JSON.stringify(ENVELOPE.missing).length));
    expect(handled).toHaveLength(0);
    const bad = await client.head('/protected').set('token', 'garbage').expect(401);
    expect(bad.headers['content-length']).toBe(String(JSON.stringify(ENVELOPE.invalid).length));
    expect(handled).toHaveLength(0);
    await client.head('/protected').set('token', validToken()).expect(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]?.auth).toMatchObject({ sub: '42' });
  });

  it('methods: [HEAD] alone guards HEAD only', async () => {
    const { client, handled } = createApp(express, { methods: ['HEAD'] });
    await client.head('/protected').expect(400);
    expect(handled).toHaveLength(0);
    const res = await client.get('/protected').expect(200);
    expect(res.body).toEqual({ ran: true, auth: null, user: null });
    expect(handled).toHaveLength(1);
  });

  it('a HEAD refused with a Bearer token carries the challenge', async () => {
    const { client } = createApp(express, { methods: ['GET'], bearer: true });
    const res = await client.head('/protected').set('Authorization', 'Bearer garbage').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });
});

describe('method names are checked at start-up', () => {
  const build = (methods: unknown) => () => tokenRequired({ secret: SECRET, methods } as TokenRequiredOptions);

  it.each<[unknown[], RegExp]>([
    [
      ['POST', 'PUT', 'DELTE'],
      /^express-token-required: option 'methods' has "DELTE", which is not an HTTP method; did you mean 'DELETE'\?$/,
    ],
    [['GET '], /^express-token-required: option 'methods' has "GET ", which is not an HTTP method; did you mean 'GET'\?$/],
    [['*'], /^express-token-required: option 'methods' has "\*", which is not an HTTP method; to guard every method, leave 'methods' out$/],
    [
      ['ALL'],
      /^express-token-required: option 'methods' has "ALL", which is not an HTTP method; to guard every method, leave 'methods' out$/,
    ],
    [['all'], /option 'methods' has "all", which is not an HTTP method; to guard every method/],
    [
      ['POST,PUT'],
      /^express-token-required: option 'methods' has "POST,PUT", which is not an HTTP method; list each method as its own entry, e.g. \['POST', 'PUT'\]$/,
    ],
    [['pots'], /option 'methods' has "pots", which is not an HTTP method; did you mean 'POST'\?$/],
    [['FETCH-EVERYTHING'], /option 'methods' has "FETCH-EVERYTHING", which is not an HTTP method; use one of Node's http.METHODS/],
    [['GET', null], /option 'methods' has null, which is not an HTTP method/],
  ])('methods: %j is a TypeError naming the entry', (methods, message) => {
    expect(build(methods)).toThrow(TypeError);
    expect(build(methods)).toThrow(message);
  });
});
