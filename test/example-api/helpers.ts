// The example API on a real database file in a temp folder, and the requests tests repeat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach } from 'vitest';
import { ensureAdmin } from '../../examples/api/admin.js';
import { createApp, type AppOptions } from '../../examples/api/app.js';
import { openDatabase, type Store } from '../../examples/api/db.js';
import { SECRET, validToken } from '../helpers/tokens.js';

export const ADMIN_PASSWORD = 'correct horse battery';

export interface Api {
  readonly client: ReturnType<typeof request>;
  readonly db: Store;
  /** The database file. */
  readonly file: string;
  /** Lines the app logged. */
  readonly logs: string[];
}

/** A temp folder for one test file; removed by the returned cleanup. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'etr-api-'));
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * The app on the database file `file` (created with its admin when new); revocations in that
 * file unless `revocations` is given; on Express 5 unless `express` is given.
 */
export async function startApi(file: string, options: Pick<AppOptions, 'revocations' | 'express'> = {}): Promise<Api> {
  const db = openDatabase(file);
  await ensureAdmin(db, ADMIN_PASSWORD);
  const logs: string[] = [];
  const app = createApp({ ...options, db, secret: SECRET, log: (line) => logs.push(line) });
  return { client: request(app), db, file, logs };
}

/** A fresh API on a new database file in a temp folder for each test of the calling file. */
export function freshApiPerTest(use: (api: Api) => void): void {
  let temp: ReturnType<typeof tempDir>;
  let api: Api;
  beforeEach(async () => {
    temp = tempDir();
    api = await startApi(join(temp.dir, 'api.db'));
    use(api);
  });
  afterEach(() => {
    api.db.close();
    temp.remove();
  });
}

/** The admin is the first user: id 1. */
export const ADMIN_ID = 1;

/** A valid token for the user with this id, made without the app (test SECRET, one hour). */
export const tokenFor = (id: number): string => validToken({ sub: String(id) });

export async function login(client: Api['client'], username: string, password: string): Promise<string> {
  const res = await client.post('/login').send({ username, password }).expect(200);
  return (res.body as { token: string }).token;
}

/** Creates a user through the API, as the admin; resolves to its id. */
export async function addUser(client: Api['client'], username: string, password = 'password-of-' + username): Promise<number> {
  const res = await client.post('/users').set('token', tokenFor(ADMIN_ID)).send({ username, password }).expect(201);
  return (res.body as { id: number }).id;
}

/** The JSON envelope of every error answer. */
export const envelope = (code: number, status: string, message: string) => ({ code: String(code), status, message });
