import type { WechatLock } from '@wxkit/core'
import type { StoreClient } from '../session/store-client.js'

const KEY_PREFIX = 'wxkit:express:pay-notify:'
const POLL_MS = 50

/** How a notification ended: its handler ran now, or it had run before (here or on another instance). */
export type LedgerOutcome = 'handled' | 'already-handled'

/** The handler threw: the notification stays unhandled, so WeChat Pay's retry runs it again. */
export class PayHandlerFailure extends Error {
  override readonly name = 'PayHandlerFailure'
  /** The notification's id. */
  readonly id: string

  constructor(id: string, cause: unknown) {
    super('the notification handler threw', { cause })
    this.id = id
  }
}

/** Another copy of the notification holds the lock and did not finish within the wait. */
export class PayNotificationBusy extends Error {
  override readonly name = 'PayNotificationBusy'
}

/** Options of {@link NotificationLedger}. */
export interface NotificationLedgerOptions {
  store: StoreClient
  lock: WechatLock | undefined
  /** Namespaces the keys per merchant (`mchid`), so two merchants sharing a store never collide. */
  scope: string
  lockTtlMs: number
  lockWaitMs: number
  doneTtlMs: number
  /** Told when a handler succeeded but its done marker could not be written. */
  onUnmarked(id: string, error: unknown): void
}

/**
 * Exactly-once handling of notification ids across every instance sharing `store` (and `lock`): a
 * done marker, written only after the handler succeeded, answers every later copy; a per-id lock (always
 * in process, and across processes with `lock`) keeps copies arriving together from running the handler
 * twice; the marker is read again under the lock, so a copy that raced the holder's finish sees it.
 *
 * Every store and lock call is bounded by the `StoreClient` and fails with `store_unavailable`: a store
 * that cannot say whether a notification was handled never lets it through (WeChat Pay retries later).
 */
export class NotificationLedger {
  readonly #options: NotificationLedgerOptions
  /** Ids whose handler runs in this process now. */
  readonly #running = new Set<string>()

  constructor(options: NotificationLedgerOptions) {
    this.#options = options
  }

  /**
   * Runs `handler` for notification `id` unless it ran before.
   * @throws PayHandlerFailure when the handler threw (nothing is marked).
   * @throws PayNotificationBusy when another copy is being handled and did not finish within the wait.
   * @throws WechatRouteError `store_unavailable` when the store or the lock failed or was slow.
   */
  async run(id: string, handler: () => Promise<void>): Promise<LedgerOutcome> {
    const name = `${this.#options.scope}:${id}`
    const key = KEY_PREFIX + name
    if (await this.#isDone(key)) return 'already-handled'
    const release = await this.#take(name)
    if (!release) return this.#awaitOther(key)
    let keepLock = false
    try {
      if (await this.#isDone(key)) return 'already-handled'
      try {
        await handler()
      } catch (error) {
        throw new PayHandlerFailure(id, error)
      }
      try {
        await this.#options.store.set(key, { handledAt: Date.now() }, this.#options.doneTtlMs)
      } catch (error) {
        // The work is done: answer 204 so it is not redone, and keep the lock until its ttl so no copy
        // runs it meanwhile. Only a copy arriving after the ttl (and the outage) could run it again.
        keepLock = true
        this.#options.onUnmarked(id, error)
      }
      return 'handled'
    } finally {
      await release(keepLock)
    }
  }

  async #isDone(key: string): Promise<boolean> {
    const marker = await this.#options.store.get(key)
    return marker !== undefined && marker !== null
  }

  /** The per-id lock: a release function, or `undefined` when another copy holds it. */
  async #take(name: string): Promise<((keep: boolean) => Promise<void>) | undefined> {
    if (this.#running.has(name)) return undefined
    this.#running.add(name)
    const { lock, store, lockTtlMs } = this.#options
    let shared: (() => Promise<void>) | undefined
    if (lock) {
      try {
        shared = await store.bounded(() => lock.acquire(`pay-notify:${name}`, lockTtlMs))
      } catch (error) {
        this.#running.delete(name)
        throw error
      }
      if (!shared) {
        this.#running.delete(name)
        return undefined
      }
    }
    return async (keep) => {
      if (keep) {
        // An unmarked success (see run): both locks lapse after their ttl instead.
        setTimeout(() => this.#running.delete(name), lockTtlMs).unref()
        return
      }
      this.#running.delete(name)
      // A release that fails or is slow is no error: the lock expires after its ttl.
      if (shared) await store.bounded(shared).catch(() => undefined)
    }
  }

  /** Another copy holds the lock: wait for its done marker, at most `lockWaitMs`. */
  async #awaitOther(key: string): Promise<LedgerOutcome> {
    const deadline = Date.now() + this.#options.lockWaitMs
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      if (await this.#isDone(key)) return 'already-handled'
    }
    throw new PayNotificationBusy('another copy of the notification is being handled')
  }
}
