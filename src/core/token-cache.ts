// The verified-token cache: a repeated token skips the signature check, never the rules.
import type { KeyObject } from 'node:crypto';
import { TwoGenerationMap } from './two-generation-map.js';
import type { TokenPayload } from './types.js';

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
  readonly #entries: TwoGenerationMap<string, Verified>;

  constructor(
    max: number,
    private readonly clockTolerance: number,
    private readonly maxAge: number | undefined,
  ) {
    this.#entries = new TwoGenerationMap(max);
  }

  get(token: string): Verified | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    const now = Math.floor(Date.now() / 1000);
    if (now >= entry.from && now < entry.until) return entry;
    this.#entries.delete(token);
    return undefined;
  }

  set(
    token: string,
    { header, payload }: { readonly header: Readonly<Record<string, unknown>>; readonly payload: TokenPayload },
    key: KeyObject,
  ): void {
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
