export { isRedisLockError, RedisLockError } from './errors.js'
export { createRedisCache, type RedisCacheOptions } from './redis-cache.js'
export { createRedisLock, type RedisLock, type RedisLockOptions } from './redis-lock.js'
export type { RedisLockClient } from './redis-lock-client.js'
