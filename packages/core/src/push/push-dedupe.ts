import type Keyv from 'keyv'
import type { WechatLock } from '../lock.js'
import type { WechatReply } from './reply-types.js'

/** A record in process memory and when it is forgotten. */
interface MemoryEntry {
  record: DedupeRecord
  expiresAt: number
}

/** What is remembered of one message: still being handled, or handled with this reply (null: `success`). */
export type DedupeRecord = { state: 'pending' } | { state: 'done'; reply: WechatReply | null; late: boolean }

/** Options of {@link PushDedupe}. */
export interface PushDedupeOptions {
  store: Keyv | undefined
  lock: WechatLock | undefined
  /** How long a message is remembered. */
  ttlMs: number
  /** The bound of every store call. */
  timeoutMs: number
  /** Called once when the store starts failing, and not again until it has answered cleanly. */
  onOutage: (error: Error) => void
}

/**
 * Process memory remembers messages in two generations of this many: always at least the last
 * `GENERATION` messages, at most twice that; the older generation is dropped whole when the newer fills.
 * (One Map trimmed oldest-first cost more than the rest of the dedupe: each eviction's `keys().next()`
 * walks past every entry deleted before it, which V8 keeps as holes until the table is rebuilt.)
 */
const GENERATION = 10_000

/**
 * Exactly-once bookkeeping of pushed messages across every instance that shares `store`: the first
 * instance to claim a message handles it and records the reply; the others (WeChat's retries) read it.
 * Process memory keeps a copy of every record, serves alone when there is no store, and takes over while
 * the store fails (then duplicates on other instances are no longer caught, but every message is answered).
 * With a `lock` (`SET NX`), a claim is atomic even for copies arriving at the same instant; without one,
 * claims are get-then-set, which WeChat's retries (5 s apart) never race.
 */
export class PushDedupe {
  readonly #options: PushDedupeOptions
  #memory = new Map<string, MemoryEntry>()
  #olderMemory = new Map<string, MemoryEntry>()
  #down = false
  #errorEvents = 0

  constructor(options: PushDedupeOptions) {
    this.#options = options
    try {
      // Keyv re-emits store errors as events (a Redis disconnect); without a listener they would throw.
      options.store?.on('error', () => {
        this.#errorEvents++
        this.#failed(new Error('the dedupe store emitted an error'))
      })
    } catch {
      // A Keyv-like object without events.
    }
  }

  /** Claim `key`: `undefined` when this caller now owns the message, else what is known of it. */
  async claim(key: string): Promise<DedupeRecord | undefined> {
    const local = this.#remembered(key)
    if (local) return local
    this.#remember(key, { state: 'pending' })
    const { store, lock, ttlMs } = this.#options
    if (!store) return undefined
    if (lock) {
      const taken = await this.#bounded(() => lock.acquire(`push:${key}`, ttlMs), false)
      if (taken === 'failed') return undefined
      if (taken === undefined) return (await this.read(key)) ?? { state: 'pending' }
    } else {
      const existing = await this.#bounded(() => store.get<DedupeRecord>(key), true)
      if (existing === 'failed') return undefined
      if (existing) {
        this.#remember(key, existing)
        return existing
      }
    }
    await this.#bounded(() => store.set(key, { state: 'pending' } satisfies DedupeRecord, ttlMs), false)
    return undefined
  }

  /** Record the outcome of a message this caller claimed. */
  async finish(key: string, record: DedupeRecord): Promise<void> {
    this.#remember(key, record)
    const { store, ttlMs } = this.#options
    if (store) await this.#bounded(() => store.set(key, record, ttlMs), false)
  }

  /** What is known of `key`: the store's record when it answers, else process memory's. */
  async read(key: string): Promise<DedupeRecord | undefined> {
    const local = this.#remembered(key)
    if (local?.state === 'done' || !this.#options.store) return local
    const stored = await this.#bounded(() => this.#options.store?.get<DedupeRecord>(key), true)
    if (stored === 'failed' || stored === undefined) return local
    this.#remember(key, stored)
    return stored
  }

  #remembered(key: string): DedupeRecord | undefined {
    const entry = this.#memory.get(key) ?? this.#olderMemory.get(key)
    if (!entry) return undefined
    if (entry.expiresAt > Date.now()) return entry.record
    this.#memory.delete(key)
    this.#olderMemory.delete(key)
    return undefined
  }

  #remember(key: string, record: DedupeRecord): void {
    this.#memory.set(key, { record, expiresAt: Date.now() + this.#options.ttlMs })
    this.#olderMemory.delete(key)
    if (this.#memory.size >= GENERATION) {
      this.#olderMemory = this.#memory
      this.#memory = new Map()
    }
  }

  /**
   * Run one store call within `timeoutMs`. A rejection, a timeout, a `false` from set or an error event
   * during the call answers `'failed'` (and warns once per outage); a clean answer ends the outage.
   */
  async #bounded<T>(operation: () => Promise<T> | T, isRead: boolean): Promise<T | 'failed'> {
    const before = this.#errorEvents
    let timer: NodeJS.Timeout | undefined
    try {
      const value = await Promise.race([
        Promise.resolve().then(operation),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the dedupe store did not answer within ${this.#options.timeoutMs} ms`)),
            this.#options.timeoutMs,
          )
          timer.unref?.()
        }),
      ])
      if (this.#errorEvents !== before || (!isRead && (value as unknown) === false)) {
        this.#failed(new Error('the dedupe store refused the call'))
        return 'failed'
      }
      // Keyv answers undefined for a get whose store failed without an event, so only writes prove recovery.
      if (!isRead) this.#down = false
      return (value ?? undefined) as T
    } catch (error) {
      this.#failed(error instanceof Error ? error : new Error('the dedupe store failed'))
      return 'failed'
    } finally {
      clearTimeout(timer)
    }
  }

  #failed(error: Error): void {
    if (this.#down) return
    this.#down = true
    this.#options.onOutage(error)
  }
}
