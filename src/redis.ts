// express-token-required/redis: the Redis stores (revocation, DPoP replay), apart from the main
// entry point so that apps without Redis load none of it.
export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from './stores/redis-client.js';
export { RedisReplayStore, type RedisReplayStoreOptions } from './stores/redis-replay-store.js';
export { RedisRevocationStore, type RedisRevocationStoreOptions } from './stores/redis-revocation-store.js';
export type { ReplayStore } from './core/dpop-types.js';
export type { RevocationStore, RevokeOptions } from './core/revocation.js';
export type { TokenPayload } from './core/types.js';
