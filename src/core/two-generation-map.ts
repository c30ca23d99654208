// A bounded map for the caches: no timer, no per-hit reordering, at most `max` entries.

/**
 * A bounded, approximately least-recently-used map, in two generations: a hit in the young
 * one is a single lookup (no reordering on the hot path); a hit in the old one moves the
 * entry to the young one; when the young one is full it becomes the old one, dropping the
 * previous old one. At most `max` entries, whatever the traffic.
 */
export class TwoGenerationMap<K, V> {
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
