import KeyvRedis from '@keyv/redis'
import { createClient, type RedisClientOptions } from '@redis/client'
import Keyv from 'keyv'

/** Options of {@link createRedisCache}. */
export interface RedisCacheOptions {
  /**
   * Key namespace shared by every process of one deployment (keys become `<namespace>::<key>`).
   * Processes that should share tokens must use the same namespace.
   * @default 'wxkit'
   */
  namespace?: string
  /**
   * Longest time in ms a first connect may take before a cache call gives up and reports a miss.
   * @default 1000
   */
  timeout?: number
  /** Extra node-redis options (TLS, credentials, …). */
  clientOptions?: Omit<RedisClientOptions, 'url'>
}

/**
 * Create the shared token store for a cluster: a `Keyv` over `@keyv/redis`, set up to degrade rather
 * than hang while Redis is down.
 *
 * Equivalent to `new Keyv({ store: new KeyvRedis(url), namespace })` except that commands fail at once
 * while disconnected (a plain `KeyvRedis` queues them until Redis returns, so every cache read would wait
 * for the outage to end) and connection errors are never thrown, only emitted as Keyv `'error'` events.
 * `@wxkit/core` then serves from its in-process cache or fetches directly, and uses Redis again once the
 * client has reconnected. Close it with `await cache.disconnect()`.
 *
 * @example
 * ```ts
 * const wechat = new Wechat({ appId, appSecret, cache: createRedisCache(url), lock: createRedisLock(url) })
 * ```
 */
export function createRedisCache(url: string, options: RedisCacheOptions = {}): Keyv {
  const namespace = options.namespace ?? 'wxkit'
  const timeout = options.timeout ?? 1000
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError('@wxkit/redis: createRedisCache option `timeout` must be a positive number of ms')
  }
  const client = createClient({
    ...options.clientOptions,
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: timeout, ...options.clientOptions?.socket },
  })
  const store = new KeyvRedis(client, {
    namespace,
    throwOnConnectError: false,
    throwOnErrors: false,
    connectionTimeout: timeout,
  })
  const keyv = new Keyv({ store, namespace, useKeyPrefix: false })
  // Keyv re-emits store errors; an explicit listener documents that they are expected and ignored here.
  keyv.on('error', () => {})
  return keyv
}
