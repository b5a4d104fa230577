import type Keyv from 'keyv'
import { WechatRouteError } from '../errors.js'

/** Where the middleware reports a store outage: once when it starts, once when it ends. */
export interface StoreLogger {
  warn(message: string): void
}

/** What a store outage is called: in the log when it starts and ends, and in the error it raises. */
export interface StoreOutageMessages {
  down: string
  up: string
  unavailable: string
}

const SESSION_STORE_OUTAGE: StoreOutageMessages = {
  down: '@wxkit/express: the session store failed or did not answer in time; requests carry on signed out and routes that need the store answer 503 store_unavailable until it answers again',
  up: '@wxkit/express: the session store answers again',
  unavailable: 'The session store is unavailable; try again shortly',
}

/**
 * The session store seen through checked, time-bounded operations. Keyv swallows store errors (a failed
 * `get` answers `undefined`, a failed `set` answers `false`, a failed `delete` only emits `'error'`), and a
 * Redis client that lost its server queues commands for as long as it retries. Here every operation
 * answers within `timeoutMs` or fails with `503 store_unavailable`, and a write or delete the store did not
 * confirm fails too: never a dead cookie or a false "ok".
 */
export class StoreClient {
  readonly keyv: Keyv
  readonly #timeoutMs: number
  readonly #logger: StoreLogger
  readonly #outage: StoreOutageMessages
  #errorEvents = 0
  #down = false

  constructor(
    keyv: Keyv,
    timeoutMs: number,
    logger: StoreLogger,
    outage: StoreOutageMessages = SESSION_STORE_OUTAGE,
  ) {
    this.keyv = keyv
    this.#timeoutMs = timeoutMs
    this.#logger = logger
    this.#outage = outage
    try {
      keyv.on('error', () => {
        this.#errorEvents++
      })
    } catch {
      // A Keyv-like store without events: rejections and answers are all we can check.
    }
  }

  /** The value under `key`, or `undefined`. @throws WechatRouteError `store_unavailable`. */
  get(key: string): Promise<unknown> {
    return this.#run((keyv) => keyv.get(key))
  }

  /** Stores `value` for `ttlMs`. @throws WechatRouteError `store_unavailable` unless the store confirmed it. */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const stored = await this.#run((keyv) => keyv.set(key, value, Math.max(1, Math.floor(ttlMs))))
    if (stored === false) throw this.#failed()
  }

  /** Deletes `key` (absent is fine). @throws WechatRouteError `store_unavailable` when the store failed. */
  async delete(key: string): Promise<void> {
    await this.#run((keyv) => keyv.delete(key))
  }

  /** Runs another store-side operation (a lock on the same server) under the same bound and checks. */
  bounded<T>(operation: () => Promise<T>): Promise<T> {
    return this.#run(() => operation())
  }

  async #run<T>(operation: (keyv: Keyv) => Promise<T>): Promise<T> {
    const before = this.#errorEvents
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        operation(this.keyv),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), this.#timeoutMs)
          timer.unref()
        }),
      ])
      if (this.#errorEvents !== before) throw new Error('store error event')
      this.#recovered()
      return result
    } catch (error) {
      throw this.#failed(error)
    } finally {
      clearTimeout(timer)
    }
  }

  #failed(cause?: unknown): WechatRouteError {
    if (!this.#down) {
      this.#down = true
      this.#logger.warn(this.#outage.down)
    }
    return new WechatRouteError('store_unavailable', this.#outage.unavailable, { cause })
  }

  #recovered(): void {
    if (!this.#down) return
    this.#down = false
    this.#logger.warn(this.#outage.up)
  }
}
