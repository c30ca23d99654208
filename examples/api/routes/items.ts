// /items: reading is public; writing needs a token (tokenRequired with `methods`, in app.ts).
import type { Router } from 'express';
import { MESSAGES, readId, readItemName } from '../body.js';
import type { Store } from '../db.js';
import { sendError } from '../errors.js';

/** The routes on `router` (made by the app's own Express). */
export function items(store: Store, router: Router): Router {
  router.get('/', (_req, res) => {
    res.json({ items: store.items.list() });
  });

  router.get('/:id', (req, res) => {
    const id = readId(req.params.id);
    const item = id === undefined ? undefined : store.items.byId(id);
    if (item) res.json(item);
    else sendError(res, 404, 'Item not found');
  });

  router.post('/', (req, res) => {
    const name = readItemName(req.body);
    if (name === undefined) {
      sendError(res, 400, MESSAGES.item);
      return;
    }
    const item = store.items.insert(name, req.user!.username);
    res
      .status(201)
      .location(`/items/${String(item.id)}`)
      .json(item);
  });

  router.put('/:id', (req, res) => {
    const name = readItemName(req.body);
    if (name === undefined) {
      sendError(res, 400, MESSAGES.item);
      return;
    }
    const id = readId(req.params.id);
    const item = id === undefined ? undefined : store.items.update(id, name);
    if (item) res.json(item);
    else sendError(res, 404, 'Item not found');
  });

  router.delete('/:id', (req, res) => {
    const id = readId(req.params.id);
    if (id !== undefined && store.items.delete(id)) res.status(204).end();
    else sendError(res, 404, 'Item not found');
  });

  return router;
}
