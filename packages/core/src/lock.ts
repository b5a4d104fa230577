/**
 * A cross-process mutual-exclusion lock, used so that only one process fetches a token or ticket on a
 * cold cache. `@wxkit/redis` provides one (`createRedisLock`), built on `SET key owner NX PX ttl`.
 *
 * @example
 * ```ts
 * import { createRedisLock } from '@wxkit/redis'
 * const wechat = new Wechat({ appId, appSecret, cache, lock: createRedisLock('redis://127.0.0.1:6379') })
 * ```
 */
export interface WechatLock {
  /** Try once to take `key` for `ttlMs`; resolve to a release function, or undefined if held elsewhere. */
  acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
}

/** Timings of the cross-process lock (all in milliseconds). */
export interface WechatLockTimings {
  /**
   * How long the lock is held at most (its TTL in the store).
   * @default 15000
   */
  ttlMs?: number | undefined
  /**
   * How long a process that did not get the lock polls the shared cache for the holder's result before
   * fetching itself.
   * @default 10000
   */
  waitMs?: number | undefined
  /**
   * Interval between two polls of the shared cache while waiting.
   * @default 50
   */
  pollMs?: number | undefined
}
