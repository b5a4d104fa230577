import type Keyv from 'keyv'
import { WechatClientError } from './errors.js'
import type { Events } from './events.js'

/**
 * The Keyv store seen through a tolerant lens: a store that rejects, throws, answers false or takes
 * longer than `timeoutMs` counts as an outage. Calls then carry on without it (process memory and direct
 * fetches), one warning is logged per outage, and the store is used again as soon as it answers.
 */
export class SharedCache {
  readonly #keyv: Keyv
  readonly #events: Events
  readonly #timeoutMs: number
  #down = false
  #errorEvents = 0

  constructor(keyv: Keyv, events: Events, timeoutMs: number) {
    this.#keyv = keyv
    this.#events = events
    this.#timeoutMs = timeoutMs
    // Keyv re-emits store errors (e.g. a Redis disconnect) as 'error' events; without a listener some
    // emitters would throw them. Turn them into the same outage signal.
    try {
      keyv.on('error', () => {
        this.#errorEvents++
        this.#failed()
      })
    } catch {
      // A Keyv-like object without events.
    }
  }

  /** Whether the last store operation failed. */
  get degraded(): boolean {
    return this.#down
  }

  async get<T>(key: string): Promise<T | undefined> {
    const before = this.#errorEvents
    try {
      const value = await this.#bounded(() => this.#keyv.get(key))
      // Keyv swallows store errors on get (answering undefined, sometimes without an event), so a get
      // can prove an outage but never the recovery: only a clean set does.
      if (this.#errorEvents !== before) this.#failed()
      return (value ?? undefined) as T | undefined
    } catch {
      this.#failed()
      return undefined
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const before = this.#errorEvents
    try {
      const stored = await this.#bounded(() => this.#keyv.set(key, value, Math.max(1, Math.floor(ttlMs))))
      if (stored === false || this.#errorEvents !== before) this.#failed()
      else this.#ok()
    } catch {
      this.#failed()
    }
  }

  #bounded<T>(operation: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cache timeout')), this.#timeoutMs)
      timer.unref?.()
      let pending: Promise<T>
      try {
        pending = operation()
      } catch (error) {
        clearTimeout(timer)
        reject(error)
        return
      }
      Promise.resolve(pending).then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })
  }

  #ok(): void {
    // Recovery is silent: the next outage warns again, so there is exactly one warning per outage.
    this.#down = false
  }

  #failed(): void {
    if (this.#down) return
    this.#down = true
    this.#events.warn(
      '@wxkit/core: token cache unavailable; using in-process tokens and fetching directly until it recovers',
    )
    this.#events.error({ error: new WechatClientError('@wxkit/core: token cache unavailable') })
  }
}
