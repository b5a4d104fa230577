/**
 * Why a Redis lock operation failed: Redis unreachable, not ready, too slow, or the lock closed.
 *
 * `@wxkit/core` treats a rejected `acquire` like "no lock configured" and fetches the token itself, so
 * this error is for logs, not for control flow. Its message never holds the Redis URL (which may carry a
 * password); the underlying client error, if any, is in `cause`.
 */
export class RedisLockError extends Error {
  override readonly name = 'RedisLockError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(`@wxkit/redis: ${message}`, options)
  }
}

/**
 * True when `error` is a {@link RedisLockError}, also across realms and duplicate package copies.
 *
 * @example
 * ```ts
 * lock.acquire('k', 1000).catch((err) => { if (isRedisLockError(err)) log.warn(err.message) })
 * ```
 */
export function isRedisLockError(error: unknown): error is RedisLockError {
  return error instanceof RedisLockError || (error instanceof Error && error.name === 'RedisLockError')
}
