// Revoked tokens in the API's own SQLite file: the embedded default when REDIS_URL is not set.
import type { Database, Statement } from 'better-sqlite3';
import type { RevocationStore, RevokeOptions, TokenPayload } from '../../src/index.js';
// The rules every store shares (by `jti`, until ceil(exp + clockTolerance)), as the Redis store applies them.
import { lookupId, revocableId, revocationExpiry, revokeTolerance, toleranceOption } from '../../src/core/revocation.js';

export interface SqliteRevocationStoreOptions {
  /**
   * Milliseconds between sweeps of expired rows, on a timer that never keeps the process
   * alive and stops on `close()`. `0` turns the timer off (each `revoke` still sweeps).
   * Defaults to one minute.
   */
  readonly sweepEvery?: number;
  /**
   * The `clockTolerance` (seconds) of the `tokenRequired` that checks these tokens, used by
   * every `revoke` that does not pass its own: an entry is kept until `exp + clockTolerance`,
   * rounded up to the second. Defaults to `0`.
   */
  readonly clockTolerance?: number | undefined;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS revoked_tokens (
    jti TEXT PRIMARY KEY NOT NULL,
    -- ceil(exp + clockTolerance), in seconds since the epoch: the first second verification refuses
    -- the token by itself; NULL for a token without exp (revoked for good).
    expires_at REAL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS revoked_tokens_expires_at ON revoked_tokens (expires_at);
`;

/** Seconds since the epoch, from the JavaScript clock (never SQLite's), so tests can move it. */
const nowSeconds = (): number => Date.now() / 1000;

/**
 * A `RevocationStore` in a table of the same better-sqlite3 database, so every app instance
 * on this file sees a logout. A row is `(jti, expires_at)`; a check is one indexed lookup
 * that also ignores rows past their expiry, so a row not yet swept never counts.
 *
 * Expired rows are swept when the store opens, on every `revoke`, and every `sweepEvery` ms.
 */
export class SqliteRevocationStore implements RevocationStore {
  readonly #db: Database;
  readonly #insert: Statement<[string, number | null]>;
  readonly #find: Statement<[string, number], { found: 1 }>;
  readonly #sweep: Statement<[number]>;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #clockTolerance: number;

  constructor(db: Database, options: SqliteRevocationStoreOptions = {}) {
    const { sweepEvery = 60_000 } = options;
    if (!Number.isSafeInteger(sweepEvery) || sweepEvery < 0)
      throw new TypeError(`sweepEvery must be a whole number of milliseconds (got ${String(sweepEvery)})`);
    // Checked as RedisRevocationStore checks it (a finite number of seconds, 0 or more).
    this.#clockTolerance = toleranceOption({ ...options });
    this.#db = db;
    db.exec(SCHEMA);
    // Revoking twice is fine; a revocation is never shortened (NULL, "for good", wins).
    this.#insert = db.prepare<[string, number | null]>(`
      INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)
      ON CONFLICT (jti) DO UPDATE SET expires_at =
        CASE WHEN expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL ELSE max(expires_at, excluded.expires_at) END`);
    this.#find = db.prepare<[string, number], { found: 1 }>(
      'SELECT 1 AS found FROM revoked_tokens WHERE jti = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    this.#sweep = db.prepare<[number]>('DELETE FROM revoked_tokens WHERE expires_at <= ?');
    this.sweep();
    if (sweepEvery > 0) {
      this.#timer = setInterval(() => {
        // Closed under the store (db.close() without store.close()): nothing left to sweep.
        if (db.open) this.sweep();
        else this.close();
      }, sweepEvery);
      this.#timer.unref();
    }
  }

  /**
   * Revokes the token by its `jti` until `exp + clockTolerance` (rounded up to the second), the
   * tolerance of `options` or else the store's. Rejects with a `TypeError` when the token has no
   * `jti`; writes nothing for a token past that time, and revokes one past `exp` but inside it.
   */
  revoke = (payload: TokenPayload, options?: RevokeOptions): Promise<void> =>
    new Promise((resolve) => {
      const jti = revocableId(payload);
      const at = revocationExpiry(payload, revokeTolerance(options, this.#clockTolerance));
      if (at === undefined || at > Date.now()) {
        this.#db.transaction(() => {
          this.sweep();
          this.#insert.run(jti, at === undefined ? null : at / 1000);
        })();
      }
      resolve();
    });

  /** Whether the token's `jti` is revoked and the entry has not expired; `false` for a token without `jti`. */
  isRevoked = (payload: TokenPayload): Promise<boolean> =>
    new Promise((resolve) => {
      const jti = lookupId(payload);
      resolve(jti !== undefined && this.#find.get(jti, nowSeconds()) !== undefined);
    });

  /** Deletes the rows whose token has expired; answers how many went. */
  sweep(): number {
    return this.#sweep.run(nowSeconds()).changes;
  }

  /** Stops the sweep timer (the database stays open: it is not the store's). */
  close(): void {
    clearInterval(this.#timer);
  }
}
