import type { KeyObject } from 'node:crypto';
import type { TokenPayload } from './types.js';

/**
 * A bounded, approximately least-recently-used map, in two generations: a hit in the young
 * one is a single lookup (no reordering on the hot path); a hit in the old one moves the
 * entry to the young one; when the young one is full it becomes the old one, dropping the
 * previous old one. At most `max` entries, whatever the traffic.
 */
export class Lru<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #generation: number;

  constructor(max: number) {
    this.#generation = Math.ceil(max / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#add(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#add(key, value);
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  #add(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }
}

/** A verified token: its payload and header, the key that verified it, and the seconds (of the clock the verifier reads) between which it stays valid. */
export interface Verified {
  readonly payload: TokenPayload;
  readonly header: Readonly<Record<string, unknown>>;
  /** A hit counts only while this key is still trusted (a resolver must still return it). */
  readonly key: KeyObject;
  readonly from: number;
  readonly until: number;
}

/**
 * Verified tokens keyed by the full token string: no hash or prefix, so two tokens
 * can never share an entry. An entry is used only while the token itself would pass
 * its `nbf`, `exp` and `maxAge` checks; failures are never stored.
 */
export class TokenCache {
  readonly #entries: Lru<string, Verified>;

  constructor(
    max: number,
    private readonly clockTolerance: number,
    private readonly maxAge: number | undefined,
  ) {
    this.#entries = new Lru(max);
  }

  get(token: string): Verified | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    const now = Math.floor(Date.now() / 1000);
    if (now >= entry.from && now < entry.until) return entry;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, { header, payload }: { readonly header: Readonly<Record<string, unknown>>; readonly payload: TokenPayload }, key: KeyObject): void {
    const { nbf, exp, iat } = payload;
    const expires = Math.min(exp ?? Infinity, this.maxAge !== undefined && iat !== undefined ? iat + this.maxAge : Infinity);
    this.#entries.set(token, {
      // Shared by every request that presents this token: frozen, so one handler cannot alter another's req.auth.
      payload: deepFreeze(payload),
      header: deepFreeze(header),
      key,
      from: (nbf ?? -Infinity) - this.clockTolerance,
      until: expires + this.clockTolerance,
    });
  }
}

/**
 * Freezes a parsed JSON value and everything in it. Iterative, with a stack of its own: a
 * validly signed payload may nest thousands of levels deep, and recursion would overflow.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const key of Object.keys(item)) pending.push((item as Record<string, unknown>)[key]);
  }
  return value;
}
