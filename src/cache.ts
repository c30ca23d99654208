import type { TokenPayload } from './types.js';

/** A bounded least-recently-used map: memory stays bounded whatever the traffic. */
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}

/** A verified payload and the seconds (the clock jsonwebtoken reads) between which it stays valid. */
interface Verified {
  readonly payload: TokenPayload;
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

  get(token: string): TokenPayload | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    const now = Math.floor(Date.now() / 1000);
    if (now >= entry.from && now < entry.until) return entry.payload;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, payload: TokenPayload): void {
    const { nbf, exp, iat } = payload;
    const expires = Math.min(exp ?? Infinity, this.maxAge !== undefined && iat !== undefined ? iat + this.maxAge : Infinity);
    this.#entries.set(token, {
      // Shared by every request that presents this token: frozen, so one handler cannot alter another's req.auth.
      payload: deepFreeze(payload),
      from: (nbf ?? -Infinity) - this.clockTolerance,
      until: expires + this.clockTolerance,
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
