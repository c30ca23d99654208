// Step 1: requests the guard lets through untouched.
import { describe, expect, it } from 'vitest';
import { createApp, ENVELOPE, EXPRESS } from './helpers/app.js';
import { validToken } from './helpers/tokens.js';

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
