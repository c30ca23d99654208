// The default replay store of DPoP proofs: the `jti`s of this process only. Bounded, and when
// full it refuses to decide (an error for the app's handler) rather than forget an entry that
// would let that proof be replayed.
import type { ReplayStore } from '../dpop-types.js';

export const MEMORY_REPLAY_MAX = 100_000;

/** Up to `max` unexpired `jti`s of this process; several instances need a shared store (RedisReplayStore). */
export class MemoryReplayStore implements ReplayStore {
  readonly #max: number;
  /** `jti` → expiry in milliseconds. */
  readonly #seen = new Map<string, number>();
  /** No entry expires before this (ms): a full store with nothing expired is not swept again and again. */
  #earliest = Infinity;

  constructor(max = MEMORY_REPLAY_MAX) {
    this.#max = max;
  }

  claim(jti: string, expiresAt: number): boolean {
    const now = Date.now();
    const known = this.#seen.get(jti);
    // Inclusive: the proof is accepted up to its expiry itself, so its `jti` is kept that long too.
    if (known !== undefined && known >= now) return false;
    if (known === undefined && this.#seen.size >= this.#max && now > this.#earliest) this.#sweep(now);
    if (known === undefined && this.#seen.size >= this.#max) {
      throw new Error(
        `express-token-required: the in-process DPoP replay store holds ${String(this.#max)} unexpired proofs and cannot take more; use a shared store such as RedisReplayStore`,
      );
    }
    // Re-inserted, so the map stays roughly in expiry order.
    this.#seen.delete(jti);
    this.#seen.set(jti, expiresAt * 1000);
    this.#earliest = Math.min(this.#earliest, expiresAt * 1000);
    return true;
  }

  /** Drops every expired entry: only when full, so its cost is spread over `max` claims. */
  #sweep(now: number): void {
    let earliest = Infinity;
    for (const [jti, expiry] of this.#seen) {
      if (expiry < now) this.#seen.delete(jti);
      else earliest = Math.min(earliest, expiry);
    }
    this.#earliest = earliest;
  }
}
