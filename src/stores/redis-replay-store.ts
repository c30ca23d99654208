// A DPoP ReplayStore on a Redis client the app created (express-token-required/redis): a
// proof's `jti` is claimed with one atomic `SET … NX`, so every instance sharing the Redis
// refuses a proof that any of them has accepted.
import type { ReplayStore } from '../core/dpop-types.js';
import { configError, describeValue } from '../core/options/validate.js';
import {
  setUpStore,
  timedCall,
  type ClientKind,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type StoreSpec,
} from './redis-client.js';

/** Options of `RedisReplayStore`. */
export interface RedisReplayStoreOptions {
  /** Prepended to the proof's `jti` to make the Redis key. Defaults to `'express-token-required:dpop:'`. */
  prefix?: string | undefined;
  /**
   * Milliseconds to wait for Redis on each claim before rejecting, so that an outage is an
   * error (500 through your error handler), never a hanging request. Defaults to `1000`.
   */
  timeout?: number | undefined;
}

/** `SET key 1 NX PXAT at`, in the client's own call style. */
type SetNx = (key: string, at: number) => Promise<unknown>;

const SPEC: StoreSpec = {
  name: 'RedisReplayStore',
  methods: ['set'],
  options: ['prefix', 'timeout'],
  prefix: 'express-token-required:dpop:',
};

/**
 * The shortest time a claim is kept, in milliseconds. The proof check reads its clock in whole
 * seconds, so a proof may still be accepted for the rest of the second in which `expiresAt`
 * falls, after it; and Redis deletes at once a key whose `PXAT` has passed, which would make
 * `SET … NX` answer OK to every replay.
 */
const MIN_CLAIM_MS = 1000;

/**
 * DPoP proofs' `jti`s in Redis, shared by every instance of the app (the `dpop.replay`
 * option): a proof accepted by one instance is refused, as replayed, by all. A claim is one
 * `SET <prefix><jti> 1 NX PXAT <ms>`, where the time is `expiresAt` in milliseconds rounded
 * up, so Redis drops the key when the proof is too old to be accepted anyway; `OK` means the
 * `jti` was new (`true`), a nil reply that it was already claimed (`false`).
 *
 * The key is kept at least one second from now: an `expiresAt` that has already passed, or is
 * less than a second away, is still claimed, for one second, and never answered `true`
 * without a write. (`tokenRequired` refuses a proof whose `iat` is too old before it claims,
 * so this happens only at the very end of a proof's window.)
 *
 * `claim` rejects with an `Error` when Redis fails, does not answer within `timeout`, or
 * answers anything but `OK` or nil, and with a `TypeError` for a `jti` that is not a
 * non-empty string or an `expiresAt` that is not a finite number of seconds: `tokenRequired`
 * then sends the request to your error handler (500), never lets it through. Redis's clock is
 * the one that expires keys: keep it in sync with the app's.
 *
 * @example
 * import { createClient } from 'redis';
 * import { RedisReplayStore } from 'express-token-required/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * app.use(tokenRequired({ secret, dpop: { origin: 'https://api.example.com', replay: new RedisReplayStore(redis) } }));
 */
export class RedisReplayStore implements ReplayStore {
  readonly #setNx: SetNx;
  readonly #prefix: string;
  readonly #timeout: number;

  constructor(client: RedisClientLike, options: RedisReplayStoreOptions = {}) {
    const setup = setUpStore(client, options, SPEC);
    this.#setNx = setNxOf(client, setup.kind);
    this.#prefix = setup.prefix;
    this.#timeout = setup.timeout;
  }

  /**
   * Claims the `jti` until `expiresAt` (seconds since the epoch), atomically: `true` when it
   * was not claimed before, `false` when it was (the proof is a replay). One `SET … NX PXAT`.
   */
  claim = async (jti: string, expiresAt: number): Promise<boolean> => {
    if (typeof jti !== 'string' || jti === '') {
      throw configError(`RedisReplayStore.claim needs the proof's jti, a non-empty string (got ${describeValue(jti)})`);
    }
    const at = claimExpiry(expiresAt);
    const reply = await timedCall('SET', this.#timeout, () => this.#setNx(this.#prefix + jti, at));
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new Error(`express-token-required/redis: SET NX answered ${describeValue(reply)}, not "OK" or null`);
  };
}

/** `ceil(expiresAt * 1000)`, and at least `MIN_CLAIM_MS` from now; a TypeError for a time Redis cannot hold. */
function claimExpiry(expiresAt: unknown): number {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw configError(`RedisReplayStore.claim needs expiresAt in seconds since the epoch (got ${describeValue(expiresAt)})`);
  }
  const at = Math.max(Math.ceil(expiresAt * 1000), Date.now() + MIN_CLAIM_MS);
  // Past 2^53 ms (year 287,396) Redis's PXAT cannot hold the time.
  if (!Number.isSafeInteger(at)) throw configError(`RedisReplayStore.claim cannot keep a jti until ${String(expiresAt)}`);
  return at;
}

function setNxOf(client: RedisClientLike, kind: ClientKind): SetNx {
  if (kind === 'node-redis') {
    const nodeRedis = client as NodeRedisClientLike;
    // node-redis v5+ reads `expiration` and `condition`; v4 reads the flat `PXAT` and `NX`, ignoring the others.
    return (key, at) => nodeRedis.set(key, '1', { expiration: { type: 'PXAT', value: at }, PXAT: at, condition: 'NX', NX: true });
  }
  const ioRedis = client as IoRedisClientLike;
  return (key, at) => ioRedis.set(key, '1', 'PXAT', at, 'NX');
}
