// /items: public reads; writes need a token whose user still exists.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../examples/api/body.js';
import { ENVELOPE } from '../helpers/app.js';
import { makeToken, now, OTHER_SECRET, validToken } from '../helpers/tokens.js';
import { addUser, envelope, freshApiPerTest, tokenFor, type Api } from './helpers.js';

let api: Api;
freshApiPerTest((started) => {
  api = started;
});

const ITEM_NOT_FOUND = envelope(404, 'Not Found', 'Item not found');
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

async function create(name: string, token = tokenFor(api.adminId)) {
  return (await api.client.post('/items').set('token', token).send({ name }).expect(201)).body as { id: number; name: string };
}

describe('reading (public)', () => {
  it('lists items, none at first', async () => {
    expect((await api.client.get('/items').expect(200)).body).toEqual({ items: [] });
  });

  it('lists and gets items without a token, and ignores a bad one', async () => {
    const item = await create('apple');
    await create('pear');
    const list = await api.client.get('/items').set('token', 'garbage').expect(200);
    expect((list.body as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['apple', 'pear']);
    expect((await api.client.get(`/items/${String(item.id)}`).expect(200)).body).toEqual(item);
  });

  it.each([['/items/999'], ['/items/abc'], ['/items/0'], ['/items/1.5'], ['/items/-1']])('answers GET %s with 404', async (path) => {
    expect((await api.client.get(path).expect(404)).body).toEqual(ITEM_NOT_FOUND);
  });
});

describe('writing with a valid token', () => {
  it('creates with 201, a Location and the item, stored in the database', async () => {
    const res = await api.client.post('/items').set('token', tokenFor(api.adminId)).send({ name: '  apple  ' }).expect(201);
    expect(res.body).toEqual({ id: 1, name: 'apple', createdBy: 'admin', createdAt: ISO, updatedAt: ISO });
    expect(res.headers.location).toBe('/items/1');
    expect(api.db.items.list()).toEqual([res.body]);
  });

  it('records who created an item', async () => {
    const id = await addUser(api, 'bob');
    expect((await create('bolt', tokenFor(id))).name).toBe('bolt');
    expect(api.db.items.list().map((item) => item.createdBy)).toEqual(['bob']);
  });

  it('updates with PUT and answers the new item', async () => {
    const { id } = await create('apple');
    const res = await api.client
      .put(`/items/${String(id)}`)
      .set('token', tokenFor(api.adminId))
      .send({ name: 'green apple' })
      .expect(200);
    expect(res.body).toEqual({ id, name: 'green apple', createdBy: 'admin', createdAt: ISO, updatedAt: ISO });
    expect(api.db.items.byId(id)?.name).toBe('green apple');
  });

  it('deletes with DELETE: 204, then 404', async () => {
    const { id } = await create('apple');
    const res = await api.client
      .delete(`/items/${String(id)}`)
      .set('token', tokenFor(api.adminId))
      .expect(204);
    expect(res.text).toBe('');
    expect(api.db.items.list()).toEqual([]);
    expect((await api.client.get(`/items/${String(id)}`).expect(404)).body).toEqual(ITEM_NOT_FOUND);
    expect(
      (
        await api.client
          .delete(`/items/${String(id)}`)
          .set('token', tokenFor(api.adminId))
          .expect(404)
      ).body,
    ).toEqual(ITEM_NOT_FOUND);
  });

  it.each([['put'], ['delete']] as const)('answers %s on a missing item with 404', async (method) => {
    const res = await api.client[method]('/items/42').set('token', tokenFor(api.adminId)).send({ name: 'x' }).expect(404);
    expect(res.body).toEqual(ITEM_NOT_FOUND);
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a number', { name: 5 }],
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['an array', ['apple']],
  ])('answers a body with %s with 400, for POST and PUT', async (_case, body) => {
    const { id } = await create('apple');
    for (const req of [api.client.post('/items'), api.client.put(`/items/${String(id)}`)]) {
      const res = await req.set('token', tokenFor(api.adminId)).send(body).expect(400);
      expect(res.body).toEqual(envelope(400, 'Bad Request', MESSAGES.item));
    }
    expect(api.db.items.list().map((item) => item.name)).toEqual(['apple']);
  });

  it('answers invalid JSON with 400', async () => {
    const res = await api.client
      .post('/items')
      .set('token', tokenFor(api.adminId))
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(res.body).toEqual(envelope(400, 'Bad Request', 'Malformed JSON body'));
  });
});

const ROUTES = [
  ['POST /items', 'post', '/items'],
  ['PUT /items/1', 'put', '/items/1'],
  ['DELETE /items/1', 'delete', '/items/1'],
] as const;

describe.each(ROUTES)('%s without a good token', (_name, method, path) => {
  beforeEach(async () => {
    await create('apple');
  });

  it.each([
    ['no token', undefined, ENVELOPE.missing],
    ['an empty token', '', ENVELOPE.missing],
    ['a bad token', 'not.a.token', ENVELOPE.invalid],
    ['a token signed with another secret', validToken({ sub: '1' }, { secret: OTHER_SECRET }), ENVELOPE.invalid],
    ['an expired token', makeToken({ sub: '1', iat: now() - 7200, exp: now() - 3600 }), ENVELOPE.expired],
    ['a token of a user that does not exist', tokenFor(randomUUID()), ENVELOPE.noUser],
    ['a token without sub', validToken({ sub: undefined }), ENVELOPE.noUser],
    ['a token whose sub is a user name, not a UUID', validToken({ sub: 'admin' }), ENVELOPE.noUser],
    ['a token whose sub is the admin’s row number', validToken({ sub: '1' }), ENVELOPE.noUser],
  ])('refuses %s, changing nothing', async (_case, token, body) => {
    const req = api.client[method](path).send({ name: 'changed' });
    const res = await (token === undefined ? req : req.set('token', token)).expect(Number(body.code));
    expect(res.body).toEqual(body);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(api.db.items.list().map((item) => item.name)).toEqual(['apple']);
  });

  it('refuses the token of a deleted user with 401 User not found', async () => {
    const id = await addUser(api, 'bob');
    const token = tokenFor(id);
    await api.client.delete('/users/bob').set('token', tokenFor(api.adminId)).expect(204);
    const res = await api.client[method](path).set('token', token).send({ name: 'changed' }).expect(401);
    expect(res.body).toEqual(ENVELOPE.noUser);
    expect(api.db.items.list().map((item) => item.name)).toEqual(['apple']);
  });
});
