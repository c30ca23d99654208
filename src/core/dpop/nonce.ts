// Server nonces (RFC 9449 §8) without shared state: time is cut into windows of `rotate`
// seconds, and a window's nonce is an HMAC of the window's number under the shared secret, so
// every instance that holds the secret computes the same nonce, and no client can compute it.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { parsePositiveDuration } from '../options/duration.js';
import { checkNames, configError, describeValue, isRecord } from '../options/validate.js';

const MIN_SECRET_BYTES = 32;

/** How a proof's nonce compares with the server's. */
export type NonceCheck = 'current' | 'previous' | 'wrong';

export class NonceIssuer {
  readonly #key: KeyObject;
  /** Seconds. */
  readonly #rotate: number;
  #window = NaN;
  #current = '';
  #previous = '';

  constructor(key: KeyObject, rotate: number) {
    this.#key = key;
    this.#rotate = rotate;
  }

  /** The nonce of the window `now` (seconds) falls in. */
  current(now: number): string {
    this.#advance(now);
    return this.#current;
  }

  /** The current window's nonce or the previous one's pass; anything else (none included) does not. */
  check(nonce: unknown, now: number): NonceCheck {
    this.#advance(now);
    if (nonce === this.#current) return 'current';
    return nonce === this.#previous ? 'previous' : 'wrong';
  }

  #advance(now: number): void {
    const window = Math.floor(now / this.#rotate);
    if (window === this.#window) return;
    // Two HMACs per window and instance; a clock set back recomputes, it never reuses a future window.
    this.#previous = window === this.#window + 1 ? this.#current : this.#nonceOf(window - 1);
    this.#current = this.#nonceOf(window);
    this.#window = window;
  }

  #nonceOf(window: number): string {
    return createHmac('sha256', this.#key)
      .update(`express-token-required dpop nonce ${String(window)}`)
      .digest('base64url');
  }
}

/** The `dpop.nonce` option: `{ secret, rotate = '5m' }`, the secret at least 32 bytes. */
export function resolveNonce(value: unknown): NonceIssuer | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw configError(`option 'dpop.nonce' must be an object { secret, rotate } (got ${describeValue(value)})`);
  checkNames(value, `option 'dpop.nonce'`, ['secret', 'rotate']);
  const { secret } = value;
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw configError(
      `option 'dpop.nonce.secret' must be a string or a Buffer of at least ${String(MIN_SECRET_BYTES)} bytes (got ${describeValue(secret)})`,
    );
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw configError(`option 'dpop.nonce.secret' is ${String(bytes.length)} bytes; it needs at least ${String(MIN_SECRET_BYTES)}`);
  }
  const rotate = parsePositiveDuration(value.rotate ?? '5m', 'dpop.nonce.rotate');
  return new NonceIssuer(createSecretKey(bytes), rotate);
}
