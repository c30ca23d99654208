// SqliteRevocationStore on a real database file: the shared rules, expiry, sweeping, reopening.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteRevocationStore } from '../../examples/api/revocations.js';
import type { TokenPayload } from '../../src/index.js';
import { freezeClock, NOW, thawClock } from '../helpers/clock.js';
import { now } from '../helpers/tokens.js';
import { tempDir } from './helpers.js';

const temp = tempDir();
afterAll(() => {
  temp.remove();
});

let file: string;
let db: Database.Database;
let store: SqliteRevocationStore;
let count = 0;
beforeEach(() => {
  file = join(temp.dir, `revocations-${String(++count)}.db`);
  db = new Database(file);
  store = new SqliteRevocationStore(db, { sweepEvery: 0 });
});
afterEach(() => {
  thawClock();
  store.close();
  if (db.open) db.close();
});

const rows = (handle = db) => handle.prepare('SELECT jti, expires_at FROM revoked_tokens ORDER BY jti').all();
/** A verified payload with this jti; `exp` an hour ahead unless given, none when `null`. */
const token = (jti: string, exp: number | null = now() + 3600): TokenPayload => ({ sub: '1', jti, ...(exp !== null && { exp }) });

describe('revoke and isRevoked', () => {
  it('revokes by jti, kept until the token’s exp', async () => {
    const exp = now() + 3600;
    expect(await store.isRevoked(token('a', exp))).toBe(false);
    await store.revoke(token('a', exp));
    expect(await store.isRevoked(token('a', exp))).toBe(true);
    expect(await store.isRevoked({ jti: 'a' })).toBe(true);
    expect(await store.isRevoked(token('b', exp))).toBe(false);
    expect(rows()).toEqual([{ jti: 'a', expires_at: exp }]);
  });

  it('is idempotent: revoking twice keeps one row', async () => {
    await store.revoke(token('a'));
    await store.revoke(token('a'));
    expect(rows()).toHaveLength(1);
    expect(await store.isRevoked(token('a'))).toBe(true);
  });

  it('never shortens a revocation: the later exp, or for good, wins', async () => {
    const exp = now() + 3600;
    await store.revoke(token('a', exp));
    await store.revoke(token('a', exp - 100));
    await store.revoke(token('b', exp));
    await store.revoke(token('b', null));
    await store.revoke(token('b', exp));
    expect(rows()).toEqual([
      { jti: 'a', expires_at: exp },
      { jti: 'b', expires_at: null },
    ]);
  });

  it('keeps a token without exp revoked for good, and never sweeps it', async () => {
    await store.revoke(token('forever', null));
    freezeClock(now() + 10 * 365 * 86_400);
    expect(store.sweep()).toBe(0);
    expect(await store.isRevoked({ jti: 'forever' })).toBe(true);
    expect(rows()).toEqual([{ jti: 'forever', expires_at: null }]);
  });

  it('writes nothing for a token already expired (it is refused anyway)', async () => {
    await store.revoke(token('old', now() - 1));
    expect(rows()).toEqual([]);
  });

  it('keeps a fractional exp until the next whole second (rounded up, never down)', async () => {
    const exp = now() + 60.25;
    await store.revoke(token('a', exp));
    expect(rows()).toEqual([{ jti: 'a', expires_at: Math.ceil(exp) }]);
  });

  it.each([
    ['no jti', { sub: '1', exp: now() + 60 }],
    ['an empty jti', { sub: '1', jti: '', exp: now() + 60 }],
    ['a numeric jti', { sub: '1', jti: 7, exp: now() + 60 }],
  ])('rejects revoking a token with %s (TypeError, as the Redis store), and answers false for it', async (_case, payload) => {
    await expect(store.revoke(payload as TokenPayload)).rejects.toThrow(TypeError);
    await expect(store.revoke(payload as TokenPayload)).rejects.toThrow(/cannot revoke a token without a 'jti'/);
    expect(await store.isRevoked(payload as TokenPayload)).toBe(false);
    expect(rows()).toEqual([]);
  });

  it('rejects an exp that is not a number, and a payload that is not an object', async () => {
    await expect(store.revoke({ jti: 'a', exp: '1' } as unknown as TokenPayload)).rejects.toThrow(/'exp' is not a number/);
    await expect(store.revoke(undefined as unknown as TokenPayload)).rejects.toThrow(/revoke\(\) needs the verified payload/);
    await expect(store.isRevoked(null as unknown as TokenPayload)).rejects.toThrow(/isRevoked\(\) needs the verified payload/);
  });

  it('rejects (never throws synchronously) when the database is closed', async () => {
    db.close();
    const checking = store.isRevoked(token('a'));
    await expect(checking).rejects.toThrow(/database connection is not open/);
    await expect(store.revoke(token('a'))).rejects.toThrow(/database connection is not open/);
  });
});

describe('expiry and sweeping', () => {
  it('stops counting an entry at the token’s exp, before any sweep', async () => {
    const start = now();
    freezeClock(start);
    await store.revoke(token('a', start + 2));
    freezeClock(start + 1.999);
    expect(await store.isRevoked({ jti: 'a' })).toBe(true);
    freezeClock(start + 2);
    expect(await store.isRevoked({ jti: 'a' })).toBe(false);
    expect(rows()).toHaveLength(1); // still there until swept
  });

  it('sweeps expired rows on each revoke, keeping the others', async () => {
    const start = now();
    freezeClock(start);
    await store.revoke(token('short', start + 2));
    await store.revoke(token('long', start + 3600));
    await store.revoke(token('forever', null));
    freezeClock(start + 3);
    await store.revoke(token('new', start + 3600));
    expect(rows().map((row) => (row as { jti: string }).jti)).toEqual(['forever', 'long', 'new']);
  });

  it('sweep() deletes the expired rows and answers how many', async () => {
    const start = now();
    freezeClock(start);
    await store.revoke(token('a', start + 1));
    await store.revoke(token('b', start + 2));
    await store.revoke(token('c', start + 10));
    freezeClock(start + 2);
    expect(store.sweep()).toBe(2);
    expect(store.sweep()).toBe(0);
    expect(rows()).toEqual([{ jti: 'c', expires_at: start + 10 }]);
  });

  it('sweeps rows left by an earlier run when it opens', async () => {
    const start = now();
    freezeClock(start);
    await store.revoke(token('a', start + 1));
    await store.revoke(token('b', start + 60));
    store.close();
    db.close();
    freezeClock(start + 30);
    db = new Database(file);
    store = new SqliteRevocationStore(db, { sweepEvery: 0 });
    expect(rows()).toEqual([{ jti: 'b', expires_at: start + 60 }]);
  });

  it('sweeps on a timer every sweepEvery ms, with a real token a second ahead', async () => {
    store.close();
    store = new SqliteRevocationStore(db, { sweepEvery: 50 });
    await store.revoke(token('soon', Date.now() / 1000 + 1));
    expect(rows()).toHaveLength(1);
    await vi.waitFor(
      () => {
        expect(rows()).toEqual([]);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('unrefs its timer and clears it on close', () => {
    const unref = vi.spyOn(globalThis, 'setInterval');
    const clear = vi.spyOn(globalThis, 'clearInterval');
    const timed = new SqliteRevocationStore(db, { sweepEvery: 1000 });
    const timer = unref.mock.results[0]!.value as NodeJS.Timeout;
    expect(unref).toHaveBeenCalledWith(expect.any(Function), 1000);
    expect(timer.hasRef()).toBe(false);
    timed.close();
    expect(clear).toHaveBeenCalledWith(timer);
    unref.mockRestore();
    clear.mockRestore();
  });

  it('stops its timer by itself once the database is closed under it', async () => {
    store.close();
    const clear = vi.spyOn(globalThis, 'clearInterval');
    store = new SqliteRevocationStore(db, { sweepEvery: 20 });
    db.close();
    await vi.waitFor(
      () => {
        expect(clear).toHaveBeenCalled();
      },
      { timeout: 2000, interval: 20 },
    );
    clear.mockRestore();
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses sweepEvery %s', (sweepEvery) => {
    expect(() => new SqliteRevocationStore(db, { sweepEvery })).toThrow(TypeError);
  });
});

describe('clockTolerance: revoked for every second a token is accepted', () => {
  const T = NOW; // a whole second, so every edge below is exact
  /** A store with this default tolerance on the same file. */
  const storeWith = (clockTolerance: number): SqliteRevocationStore => {
    store.close();
    store = new SqliteRevocationStore(db, { sweepEvery: 0, clockTolerance });
    return store;
  };

  it('defaults to 0: the entry goes at ceil(exp)', async () => {
    freezeClock(T);
    await store.revoke(token('a', T + 10));
    await store.revoke(token('b', T + 10.2));
    expect(rows()).toEqual([
      { jti: 'a', expires_at: T + 10 },
      { jti: 'b', expires_at: T + 11 },
    ]);
  });

  it.each([
    ['a whole exp and tolerance', T + 10, 30, T + 40],
    ['a fractional exp', T + 10.25, 30, T + 41],
    ['a fractional tolerance', T + 10, 2.5, T + 13],
    ['both fractional, adding up to a whole second', T + 10.5, 0.5, T + 11],
  ])('keeps the entry until ceil(exp + clockTolerance): %s', async (_case, exp, clockTolerance, until) => {
    freezeClock(T);
    await storeWith(clockTolerance).revoke(token('a', exp));
    expect(rows()).toEqual([{ jti: 'a', expires_at: until }]);
    freezeClock(until - 0.001);
    expect(await store.isRevoked({ jti: 'a' })).toBe(true);
    expect(store.sweep()).toBe(0);
    freezeClock(until);
    expect(await store.isRevoked({ jti: 'a' })).toBe(false);
    expect(store.sweep()).toBe(1);
  });

  it('revokes a token past its exp but inside the tolerance (no no-op), and writes nothing once past both', async () => {
    storeWith(30);
    freezeClock(T + 20);
    await store.revoke(token('late', T + 10));
    expect(rows()).toEqual([{ jti: 'late', expires_at: T + 40 }]);
    expect(await store.isRevoked({ jti: 'late' })).toBe(true);
    freezeClock(T + 40);
    await store.revoke(token('too-late', T + 10));
    expect(rows()).toEqual([{ jti: 'late', expires_at: T + 40 }]);
  });

  it('takes a per-call { clockTolerance } over the store’s own, both ways', async () => {
    storeWith(30);
    freezeClock(T);
    await store.revoke(token('wider', T + 10), { clockTolerance: 60 });
    await store.revoke(token('narrower', T + 10), { clockTolerance: 0 });
    await store.revoke(token('default', T + 10), {});
    await store.revoke(token('unset', T + 10), { clockTolerance: undefined });
    expect(rows()).toEqual([
      { jti: 'default', expires_at: T + 40 },
      { jti: 'narrower', expires_at: T + 10 },
      { jti: 'unset', expires_at: T + 40 },
      { jti: 'wider', expires_at: T + 70 },
    ]);
  });

  it('revokes a token past exp with a per-call tolerance, not without one', async () => {
    freezeClock(T + 5);
    await store.revoke(token('a', T), { clockTolerance: 10 });
    await store.revoke(token('b', T));
    expect(rows()).toEqual([{ jti: 'a', expires_at: T + 10 }]);
    expect(await store.isRevoked({ jti: 'a' })).toBe(true);
  });

  it('lengthens an entry revoked again with a wider tolerance, never shortens it', async () => {
    freezeClock(T);
    await store.revoke(token('a', T + 10), { clockTolerance: 30 });
    await store.revoke(token('a', T + 10));
    expect(rows()).toEqual([{ jti: 'a', expires_at: T + 40 }]);
    await store.revoke(token('a', T + 10), { clockTolerance: 50 });
    expect(rows()).toEqual([{ jti: 'a', expires_at: T + 60 }]);
  });

  it('keeps a token without exp revoked for good, whatever the tolerance', async () => {
    await storeWith(30).revoke(token('forever', null), { clockTolerance: 5 });
    expect(rows()).toEqual([{ jti: 'forever', expires_at: null }]);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['30']])(
    'refuses clockTolerance %s in the constructor and per call (TypeError)',
    async (clockTolerance) => {
      expect(() => new SqliteRevocationStore(db, { sweepEvery: 0, clockTolerance: clockTolerance as number })).toThrow(TypeError);
      expect(() => new SqliteRevocationStore(db, { sweepEvery: 0, clockTolerance: clockTolerance as number })).toThrow(/clockTolerance/);
      await expect(store.revoke(token('a'), { clockTolerance: clockTolerance as number })).rejects.toThrow(TypeError);
      expect(rows()).toEqual([]);
    },
  );

  it('refuses per-call options that are not { clockTolerance } (TypeError), writing nothing', async () => {
    await expect(store.revoke(token('a'), { clockTolerence: 30 } as never)).rejects.toThrow(/clockTolerence/);
    await expect(store.revoke(token('a'), 30 as never)).rejects.toThrow(/revoke\(\) options must be an object/);
    expect(rows()).toEqual([]);
  });
});

describe('persistence and sharing', () => {
  it('keeps revocations across closing and reopening the database', async () => {
    await store.revoke(token('a'));
    store.close();
    db.close();
    db = new Database(file);
    store = new SqliteRevocationStore(db, { sweepEvery: 0 });
    expect(await store.isRevoked({ jti: 'a' })).toBe(true);
    expect(await store.isRevoked({ jti: 'b' })).toBe(false);
  });

  it('is shared by two handles on the same file', async () => {
    const other = new Database(file);
    const otherStore = new SqliteRevocationStore(other, { sweepEvery: 0 });
    await store.revoke(token('a'));
    expect(await otherStore.isRevoked({ jti: 'a' })).toBe(true);
    await otherStore.revoke(token('b'));
    expect(await store.isRevoked({ jti: 'b' })).toBe(true);
    otherStore.close();
    other.close();
  });
});
