import { RedisLockError } from './errors.js'

/**
 * Settle like `promise`, or reject with a {@link RedisLockError} after `ms`, whichever comes first.
 *
 * `onLate` receives the value if the promise fulfils after the deadline, so a lock taken too late can
 * still be released instead of blocking others until it expires.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false
    const timer = setTimeout(() => {
      late = true
      reject(new RedisLockError(`${what} took longer than ${ms} ms`))
    }, ms)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        if (late) onLate?.(value)
        else resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        if (!late) reject(new RedisLockError(`${what} failed: ${describe(error)}`, { cause: error }))
      },
    )
  })
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
