import { RedisLockError } from './errors.js'
import type { RedisLockClient } from './redis-lock-client.js'

/**
 * Watches one client's health so `acquire` can fail at once while Redis is down instead of waiting.
 *
 * node-redis reconnects on its own; between an `'error'` and the next `'ready'` the connection is known
 * bad and callers are turned away immediately. Only a connection that has not failed yet (the first
 * connect, which takes a few milliseconds) is waited for, and never longer than `timeout`.
 * The `'error'` listener also keeps connection errors from becoming unhandled `'error'` events.
 */
export class Connection {
  readonly #client: RedisLockClient
  readonly #timeout: number
  readonly #onError: ((error: unknown) => void) | undefined
  #failed = false
  #closed = false
  #pending: Promise<void> | undefined

  readonly #handleError = (error: unknown): void => {
    this.#failed = true
    this.#onError?.(error)
  }

  readonly #handleReady = (): void => {
    this.#failed = false
  }

  constructor(client: RedisLockClient, timeout: number, onError: ((error: unknown) => void) | undefined) {
    this.#client = client
    this.#timeout = timeout
    this.#onError = onError
    client.on('error', this.#handleError)
    client.on('ready', this.#handleReady)
  }

  get client(): RedisLockClient {
    return this.#client
  }

  /** Resolve when commands can be sent; reject quickly when they cannot. */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new RedisLockError('the lock was closed'))
    if (this.#client.isReady) return Promise.resolve()
    if (!this.#client.isOpen) {
      return Promise.reject(
        new RedisLockError('the Redis client is not connected; call connect() on it first'),
      )
    }
    if (this.#failed) return Promise.reject(new RedisLockError('Redis is unavailable (reconnecting)'))
    this.#pending ??= this.#waitForReady().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  /** One shared wait, however many callers arrive during the first connect. */
  #waitForReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: RedisLockError): void => {
        clearTimeout(timer)
        this.#client.off('ready', onReady)
        this.#client.off('error', onError)
        if (error) reject(error)
        else resolve()
      }
      const onReady = (): void => settle()
      const onError = (cause: unknown): void =>
        settle(new RedisLockError('could not connect to Redis', { cause }))
      const timer = setTimeout(
        () => settle(new RedisLockError(`Redis was not ready within ${this.#timeout} ms`)),
        this.#timeout,
      )
      timer.unref()
      this.#client.on('ready', onReady)
      this.#client.on('error', onError)
    })
  }

  /**
   * Stop using the client: later `ready()` calls reject. For a borrowed client the listeners are removed;
   * a client we own keeps its `'error'` listener so nothing emitted while it shuts down goes unhandled.
   */
  detach(options: { keepErrorListener: boolean }): void {
    this.#closed = true
    this.#client.off('ready', this.#handleReady)
    if (!options.keepErrorListener) this.#client.off('error', this.#handleError)
  }
}
