// A RevocationStore on a Redis client the app created (express-token-required/redis).
// Nothing here imports `redis` or `ioredis`: the client is described by the few methods used.
import { describeValue } from '../core/options/validate.js';
import {
  lookupId,
  revocableId,
  revocationExpiry,
  revokeTolerance,
  toleranceOption,
  type RevocationStore,
  type RevokeOptions,
} from '../core/revocation.js';
import type { TokenPayload } from '../core/types.js';
import {
  setUpStore,
  timedCall,
  type ClientKind,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type StoreSpec,
} from './redis-client.js';

/** Options of `RedisRevocationStore`. */
export interface RedisRevocationStoreOptions {
  /** Prepended to the `jti` to make the Redis key. Defaults to `'express-token-required:revoked:'`. */
  prefix?: string | undefined;
  /**
   * Milliseconds to wait for Redis on each call before rejecting, so that an outage is an
   * error (500 through your error handler), never a hanging request. Defaults to `1000`.
   */
  timeout?: number | undefined;
  /**
   * The `clockTolerance` (seconds) of the `tokenRequired` that checks these tokens, used by
   * every `revoke` that does not pass its own: an entry is kept until `exp + clockTolerance`,
   * as long as verification would accept the token. Defaults to `0`.
   */
  clockTolerance?: number | undefined;
}

/** One command per method, in the client's own call style. */
interface Commands {
  /** `SET key 1 PXAT at`, or without expiry when `at` is undefined. */
  set(key: string, at: number | undefined): Promise<unknown>;
  /** `EXISTS key`. */
  exists(key: string): Promise<unknown>;
}

const SPEC: StoreSpec = {
  name: 'RedisRevocationStore',
  methods: ['set', 'exists'],
  options: ['prefix', 'timeout', 'clockTolerance'],
  prefix: 'express-token-required:revoked:',
};

/**
 * Revoked token ids in Redis, shared by every instance of the app. A revoked `jti` is stored
 * as `SET <prefix><jti> 1 PXAT <ms>`, where the time is `ceil(exp + clockTolerance)` seconds,
 * so Redis drops it when verification would refuse the token by itself; a check is one `EXISTS`. Each call rejects with an `Error` when Redis fails or does
 * not answer within `timeout`, so `tokenRequired` answers 500 through your error handler:
 * a revoked token is never let through.
 *
 * @example
 * import { createClient } from 'redis';
 * import { RedisRevocationStore } from 'express-token-required/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const revocations = new RedisRevocationStore(redis);
 * app.use(tokenRequired({ secret, isRevoked: (payload) => revocations.isRevoked(payload) }));
 * app.post('/logout', async (req, res) => {
 *   await revocations.revoke(req.auth);
 *   res.status(204).end();
 * });
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #commands: Commands;
  readonly #prefix: string;
  readonly #timeout: number;
  readonly #clockTolerance: number;

  constructor(client: RedisClientLike, options: RedisRevocationStoreOptions = {}) {
    const setup = setUpStore(client, options, SPEC);
    this.#commands = commandsOf(client, setup.kind);
    this.#prefix = setup.prefix;
    this.#timeout = setup.timeout;
    this.#clockTolerance = toleranceOption(setup.options);
  }

  /**
   * Revokes the token by its `jti` until `exp + clockTolerance` (rounded up to the second),
   * the last moment verification would accept it. Rejects with a `TypeError` when the token
   * has no `jti`, and with an `Error` when Redis fails or times out.
   */
  revoke = async (payload: TokenPayload, options?: RevokeOptions): Promise<void> => {
    const key = this.#prefix + revocableId(payload);
    const at = revocationExpiry(payload, revokeTolerance(options, this.#clockTolerance));
    // Past exp and the tolerance: verification refuses the token anyway, and PXAT in the past would be pointless.
    if (at !== undefined && at <= Date.now()) return;
    await timedCall('SET', this.#timeout, () => this.#commands.set(key, at));
  };

  /**
   * Whether the token's `jti` is revoked: one `EXISTS`. `false` without a call for a token
   * without `jti`. Rejects with an `Error` when Redis fails, times out or answers oddly.
   */
  isRevoked = async (payload: TokenPayload): Promise<boolean> => {
    const jti = lookupId(payload);
    if (jti === undefined) return false;
    const reply = await timedCall('EXISTS', this.#timeout, () => this.#commands.exists(this.#prefix + jti));
    if (typeof reply !== 'number') {
      throw new Error(`express-token-required/redis: EXISTS answered ${describeValue(reply)}, not a number`);
    }
    return reply > 0;
  };
}

/** The client's call style: node-redis takes an options object, ioredis positional tokens. */
function commandsOf(client: RedisClientLike, kind: ClientKind): Commands {
  if (kind === 'node-redis') {
    const nodeRedis = client as NodeRedisClientLike;
    return {
      // `expiration` for node-redis v5+, the flat `PXAT` for v4 (which ignores `expiration`).
      set: (key, at) =>
        at === undefined ? nodeRedis.set(key, '1') : nodeRedis.set(key, '1', { expiration: { type: 'PXAT', value: at }, PXAT: at }),
      exists: (key) => nodeRedis.exists(key),
    };
  }
  const ioRedis = client as IoRedisClientLike;
  return {
    set: (key, at) => (at === undefined ? ioRedis.set(key, '1') : ioRedis.set(key, '1', 'PXAT', at)),
    exists: (key) => ioRedis.exists(key),
  };
}
