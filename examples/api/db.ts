// The example's storage: one SQLite file through better-sqlite3, schema and prepared statements.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteRevocationStore } from './revocations.js';

export interface UserRow {
  /** A random UUID made when the user is created: the `sub` of their tokens. */
  readonly id: string;
  readonly username: string;
  readonly passwordHash: Buffer;
  readonly salt: Buffer;
  readonly admin: 0 | 1;
}

export interface Item {
  readonly id: number;
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: Buffer;
  readonly salt: Buffer;
  readonly admin: boolean;
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    -- A random UUID made when the user is created, and their tokens' sub: no other user, in this
    -- database or any other, has it, so a token names no one else and a deleted user's tokens stay dead.
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash BLOB NOT NULL,
    salt BLOB NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (${NOW})
  ) STRICT;
  CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (${NOW}),
    updated_at TEXT NOT NULL DEFAULT (${NOW})
  ) STRICT;
`;

const USER = 'id, username, password_hash AS passwordHash, salt, admin';
const ITEM = 'id, name, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt';

/** Users, items and revoked tokens in one database file, through statements prepared once. */
export type Store = ReturnType<typeof openDatabase>;

/** Opens (or creates, with its tables) the database file at `path`. */
export function openDatabase(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  refuseNumericUserIds(db, path);
  db.exec(SCHEMA);

  const userByName = db.prepare<[string], UserRow>(`SELECT ${USER} FROM users WHERE username = ?`);
  const userById = db.prepare<[string], UserRow>(`SELECT ${USER} FROM users WHERE id = ?`);
  const anyAdmin = db.prepare<[], { id: string }>('SELECT id FROM users WHERE admin = 1 LIMIT 1');
  const insertUser = db.prepare<[string, string, Buffer, Buffer, number], { id: string }>(
    'INSERT INTO users (id, username, password_hash, salt, admin) VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING id',
  );
  const deleteUser = db.prepare<[string]>('DELETE FROM users WHERE username = ?');
  const listItems = db.prepare<[], Item>(`SELECT ${ITEM} FROM items ORDER BY id`);
  const itemById = db.prepare<[number], Item>(`SELECT ${ITEM} FROM items WHERE id = ?`);
  const insertItem = db.prepare<[string, string], Item>(`INSERT INTO items (name, created_by) VALUES (?, ?) RETURNING ${ITEM}`);
  const updateItem = db.prepare<[string, number], Item>(`UPDATE items SET name = ?, updated_at = ${NOW} WHERE id = ? RETURNING ${ITEM}`);
  const deleteItem = db.prepare<[number]>('DELETE FROM items WHERE id = ?');
  // Every write runs in a transaction of its own, so that a failed COMMIT (a full disk, any SQLite
  // error) throws and is answered 500, and nothing of it stays. Outside one, `.get()` on
  // `INSERT … RETURNING` hands back the row before the commit and drops the commit's error.
  const write = <A extends unknown[], R>(run: (...args: A) => R): ((...args: A) => R) => db.transaction(run);
  // Its own table in this file; the app's default RevocationStore (REDIS_URL replaces it).
  const revocations = new SqliteRevocationStore(db);

  return {
    users: {
      byName: (username: string): UserRow | undefined => userByName.get(username),
      byId: (id: string): UserRow | undefined => userById.get(id),
      hasAdmin: (): boolean => anyAdmin.get() !== undefined,
      /** The new user's id (a random UUID), or `undefined` when the name is taken (names ignore case). */
      insert: write(
        (user: NewUser): string | undefined =>
          insertUser.get(randomUUID(), user.username, user.passwordHash, user.salt, user.admin ? 1 : 0)?.id,
      ),
      /** Whether a user was deleted. */
      delete: write((username: string): boolean => deleteUser.run(username).changes > 0),
    },
    items: {
      list: (): Item[] => listItems.all(),
      byId: (id: number): Item | undefined => itemById.get(id),
      insert: write((name: string, createdBy: string): Item => insertItem.get(name, createdBy)!),
      /** The updated item, or `undefined` when there is none with this id. */
      update: write((id: number, name: string): Item | undefined => updateItem.get(name, id)),
      /** Whether an item was deleted. */
      delete: write((id: number): boolean => deleteItem.run(id).changes > 0),
    },
    revocations,
    /** Stops the revocations' sweep timer and closes the file. */
    close: (): void => {
      revocations.close();
      db.close();
    },
  };
}

/**
 * A file made before users had UUIDs (numeric ids, which another database gives to someone else)
 * is refused at start-up rather than half used: its tokens' `sub`s cannot be trusted.
 */
function refuseNumericUserIds(db: Database.Database, path: string): void {
  const columns = db.prepare<[], { name: string; type: string }>("SELECT name, type FROM pragma_table_info('users')").all();
  if (columns.some((column) => column.name === 'id' && column.type === 'INTEGER')) {
    db.close();
    throw new Error(
      `${path} was made by an older version of this example, with numeric user ids; move it away (or rm -rf its folder) to start afresh`,
    );
  }
}
