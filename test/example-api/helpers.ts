// The example API on a real database file in a temp folder, and the requests tests repeat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterEach, beforeEach } from 'vitest';
import { ensureAdmin } from '../../examples/api/admin.js';
import { createApp, type AppSettings } from '../../examples/api/app.js';
import { openDatabase, type Store } from '../../examples/api/db.js';
import type { Signer } from '../../examples/api/token-keys.js';
import { SECRET, validToken } from '../helpers/tokens.js';

export const ADMIN_PASSWORD = 'correct horse battery';

export interface Api {
  readonly client: ReturnType<typeof request>;
  readonly db: Store;
  /** The database file. */
  readonly file: string;
  /** Lines the app logged. */
  readonly logs: string[];
  /** The admin's UUID, the `sub` of their tokens. */
  readonly adminId: string;
}

/** A temp folder for one test file; removed by the returned cleanup. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'etr-api-'));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app on the database file `file` (created with its admin when new); revocations in that
 * file unless `revocations` is given; on Express 5 unless `express` is given; HS256 tokens with
 * the test SECRET unless a `signer` (a private key) is given.
 */
export async function startApi(
  file: string,
  options: Pick<AppSettings, 'revocations' | 'express' | 'clockTolerance'> & { signer?: Signer } = {},
): Promise<Api> {
  const db = openDatabase(file);
  await ensureAdmin(db, ADMIN_PASSWORD);
  const logs: string[] = [];
  const { signer, ...settings } = options;
  const app = createApp({ ...settings, ...(signer ? { signer } : { secret: SECRET }), db, log: (line) => logs.push(line) });
  return { client: request(app), db, file, logs, adminId: db.users.byName('admin')!.id };
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

/** A user's id: a UUID as `crypto.randomUUID()` writes it. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The `sub` of a token, read without verifying it (for tokens of a server whose secret the test does not hold). */
export const subOf = (token: string): unknown =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown }).sub;

/** A token's header and payload, read without verifying them. */
export function decodeToken(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}

/** A valid token for the user with this id, made without the app (test SECRET, one hour). */
export const tokenFor = (id: string): string => validToken({ sub: id });

export async function login(client: Api['client'], username: string, password: string): Promise<string> {
  const res = await client.post('/login').send({ username, password }).expect(200);
  return (res.body as { token: string }).token;
}

/** Creates a user through the API, as the admin; resolves to its id. */
export async function addUser(api: Api, username: string, password = 'password-of-' + username): Promise<string> {
  const res = await api.client.post('/users').set('token', tokenFor(api.adminId)).send({ username, password }).expect(201);
  return (res.body as { id: string }).id;
}

/** The user names in the database file, read with a connection of its own, in creation order. */
export function storedUsernames(file: string): string[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw
      .prepare<[], { username: string }>('SELECT username FROM users ORDER BY rowid')
      .all()
      .map((row) => row.username);
  } finally {
    raw.close();
  }
}

/** The JSON envelope of every error answer. */
export const envelope = (code: number, status: string, message: string) => ({ code: String(code), status, message });
