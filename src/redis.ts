// express-token-required/redis: the Redis revocation store, apart from the main entry point
// so that apps without Redis load none of it.
export {
  RedisRevocationStore,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type RedisRevocationStoreOptions,
} from './stores/redis-revocation-store.js';
export type { RevocationStore, RevokeOptions } from './core/revocation.js';
export type { TokenPayload } from './core/types.js';
