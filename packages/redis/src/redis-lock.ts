import { randomBytes } from 'node:crypto'
import { createClient, type RedisClientOptions } from '@redis/client'
import { Connection } from './connection.js'
import { withDeadline } from './deadline.js'
import { RedisLockError } from './errors.js'
import type { RedisLockClient } from './redis-lock-client.js'
import { RELEASE_SCRIPT } from './release-script.js'

/** Options of {@link createRedisLock}. */
export interface RedisLockOptions {
  /**
   * Longest time in ms `acquire` waits for Redis (first connect included) before it rejects. While Redis
   * is known to be down, `acquire` rejects at once instead. Keep it well below the request timeout.
   * @default 1000
   */
  timeout?: number
  /**
   * Prepended to every key `acquire` receives, so lock keys never collide with cache keys.
   * @default 'wxkit:lock:'
   */
  keyPrefix?: string
  /**
   * Called with connection errors of the client (and failed releases). Without it they are swallowed:
   * `@wxkit/core` already warns once through its logger when the lock fails.
   */
  onError?: (error: unknown) => void
  /**
   * Extra node-redis options for the client the lock creates when given a URL (TLS, credentials,
   * `socket.reconnectStrategy`, …). Ignored when you pass your own client.
   */
  clientOptions?: Omit<RedisClientOptions, 'url'>
}

/** A {@link createRedisLock} lock: fits `@wxkit/core`'s `WechatLock` and can be closed. */
export interface RedisLock {
  /**
   * Try once to take `key` for `ttlMs` with `SET key owner NX PX ttlMs`.
   * Resolves to a release function when taken, to `undefined` when another owner holds the key, and
   * rejects with a {@link RedisLockError} when Redis cannot answer within `timeout`.
   * The release function deletes the key only if this owner still holds it, never rejects, and is
   * harmless to call twice.
   */
  acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
  /**
   * Close the connection the lock opened from a URL (graceful when healthy, immediate otherwise).
   * For a client you passed in, only stops the lock from using it: the client stays yours to close.
   */
  close(): Promise<void>
}

const DEFAULT_TIMEOUT = 1000
const DEFAULT_KEY_PREFIX = 'wxkit:lock:'

/**
 * Create a distributed refresh lock on Redis for `@wxkit/core`, so a cluster makes one token call.
 *
 * Pass a Redis URL (the lock then owns its connection: it connects on first use, reconnects by itself and
 * is closed with `close()`), or a connected node-redis 5.x client to share one connection, for example
 * the one inside your `KeyvRedis` store.
 *
 * @example
 * ```ts
 * import KeyvRedis from '@keyv/redis'
 * import { Wechat } from '@wxkit/core'
 * import { createRedisLock } from '@wxkit/redis'
 * import Keyv from 'keyv'
 *
 * const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
 * const wechat = new Wechat({
 *   appId, appSecret,
 *   cache: new Keyv({ store: new KeyvRedis(url) }),
 *   lock: createRedisLock(url),
 * })
 * ```
 */
export function createRedisLock(
  clientOrUrl: string | RedisLockClient,
  options: RedisLockOptions = {},
): RedisLock {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError('@wxkit/redis: createRedisLock option `timeout` must be a positive number of ms')
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  if (typeof keyPrefix !== 'string') {
    throw new TypeError('@wxkit/redis: createRedisLock option `keyPrefix` must be a string')
  }
  const onError = options.onError

  const owned = typeof clientOrUrl === 'string'
  const client = owned ? createOwnedClient(clientOrUrl, timeout, options.clientOptions) : clientOrUrl
  if (!owned && !looksLikeClient(client)) {
    throw new TypeError('@wxkit/redis: createRedisLock expects a Redis URL or a node-redis client')
  }
  const connection = new Connection(client, timeout, onError)
  let connecting: Promise<unknown> | undefined
  let closed = false

  const connectOwned = (): void => {
    if (!owned || connecting || client.isOpen || closed) return
    // node-redis keeps retrying a failed first connect; the promise settles when it is ready or closed.
    connecting = (client as ReturnType<typeof createClient>).connect().catch(() => undefined)
  }

  const release = (key: string, owner: string): (() => Promise<void>) => {
    let released = false
    return async () => {
      if (released) return
      released = true
      try {
        await withDeadline(
          client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [owner] }),
          timeout,
          'releasing the lock',
        )
      } catch (error) {
        // The key expires after its ttl anyway; a failed release only delays the next refresh.
        onError?.(error)
      }
    }
  }

  return {
    async acquire(key, ttlMs) {
      if (typeof key !== 'string' || key === '') {
        throw new TypeError('@wxkit/redis: acquire(key) needs a non-empty string key')
      }
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw new TypeError('@wxkit/redis: acquire(key, ttlMs) needs a positive ttlMs')
      }
      connectOwned()
      await connection.ready()
      const fullKey = keyPrefix + key
      const owner = randomBytes(16).toString('base64url')
      const px = Math.max(1, Math.ceil(ttlMs))
      const reply = await withDeadline(
        client.set(fullKey, owner, { condition: 'NX', expiration: { type: 'PX', value: px } }),
        timeout,
        'taking the lock',
        (late) => {
          // Taken after we gave up: hand it back so others need not wait for the ttl.
          if (late === 'OK') void release(fullKey, owner)()
        },
      )
      return reply === 'OK' ? release(fullKey, owner) : undefined
    },

    async close() {
      if (closed) return
      closed = true
      connection.detach({ keepErrorListener: owned })
      if (!owned || !client.isOpen) return
      const redis = client as ReturnType<typeof createClient>
      if (redis.isReady) await redis.close()
      else redis.destroy()
      await connecting
    },
  }
}

function createOwnedClient(
  url: string,
  timeout: number,
  clientOptions: Omit<RedisClientOptions, 'url'> | undefined,
): RedisLockClient {
  let protocol: string
  try {
    protocol = new URL(url).protocol
  } catch {
    // Never echo the URL: it may hold a password.
    throw new TypeError('@wxkit/redis: createRedisLock expects a valid redis:// or rediss:// URL')
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new TypeError('@wxkit/redis: createRedisLock expects a redis:// or rediss:// URL')
  }
  return createClient({
    ...clientOptions,
    url,
    // Fail commands at once while disconnected instead of queueing them until Redis returns.
    disableOfflineQueue: true,
    socket: { connectTimeout: timeout, ...clientOptions?.socket },
  }) as unknown as RedisLockClient
}

function looksLikeClient(value: unknown): value is RedisLockClient {
  const candidate = value as Partial<Record<keyof RedisLockClient, unknown>> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.set === 'function' &&
    typeof candidate.eval === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.off === 'function'
  )
}
