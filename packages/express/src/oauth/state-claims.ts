import { createHash } from 'node:crypto'
import type { WechatLock } from '@wxkit/core'
import type { StoreClient } from '../session/store-client.js'

const KEY_PREFIX = 'wxkit:express:oauth-claim:'
/** In-process claims kept at most; expired ones are swept first, then the oldest go. */
const MAX_LOCAL_CLAIMS = 50_000
const LOCK_WAIT_MS = 1000
const LOCK_POLL_MS = 50

/**
 * The single use of an OAuth state: the first code WeChat confirmed for a state claims it, and any other
 * code is refused. Claims happen only after WeChat accepted a code, so no anonymous request creates one.
 *
 * Atomic within a process always (a synchronous check-and-set); across processes when the store is
 * process-local (nothing to share) or a lock is given (`SET NX` through `@wxkit/redis`). With a shared store
 * and no lock it writes then reads back, which narrows the race but cannot close it; the README says so.
 */
export class StateClaims {
  readonly #store: StoreClient
  readonly #lock: WechatLock | undefined
  readonly #shared: boolean
  readonly #local = new Map<string, { code: string; expires: number }>()

  constructor(store: StoreClient, lock: WechatLock | undefined) {
    this.#store = store
    this.#lock = lock
    this.#shared = !(store.keyv.store instanceof Map)
  }

  /** The code hash that claimed `state`, if any. */
  async holder(state: string): Promise<string | undefined> {
    const key = claimKey(state)
    const local = this.#localHolder(key)
    if (local !== undefined || !this.#shared) return local
    const stored = await this.#store.get(key)
    return typeof stored === 'string' ? stored : undefined
  }

  /**
   * Claims `state` for `code` (both hashed) for `ttlMs`. Resolves true when `code` holds the state now
   * (this call took it, or had it already), false when another code holds it.
   * @throws WechatRouteError `store_unavailable` when the claim could not be recorded.
   */
  async claim(state: string, code: string, ttlMs: number): Promise<boolean> {
    const key = claimKey(state)
    const local = this.#localHolder(key)
    if (local !== undefined) return local === code
    this.#remember(key, code, ttlMs)
    if (!this.#shared) return true
    try {
      const holder = await this.#claimShared(key, code, ttlMs)
      if (holder !== code) this.#remember(key, holder, ttlMs)
      return holder === code
    } catch (error) {
      this.#local.delete(key)
      throw error
    }
  }

  async #claimShared(key: string, code: string, ttlMs: number): Promise<string> {
    const lock = this.#lock
    if (lock) {
      const taken = await this.#store.bounded(() => lock.acquire(key, ttlMs))
      if (taken) {
        await this.#store.set(key, code, ttlMs)
        return code
      }
      // Another process took it: its holder is written right after; wait for it briefly.
      for (let waited = 0; waited < LOCK_WAIT_MS; waited += LOCK_POLL_MS) {
        const stored = await this.#store.get(key)
        if (typeof stored === 'string') return stored
        await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
      }
      return ''
    }
    const existing = await this.#store.get(key)
    if (typeof existing === 'string') return existing
    await this.#store.set(key, code, ttlMs)
    const readBack = await this.#store.get(key)
    return typeof readBack === 'string' ? readBack : code
  }

  #localHolder(key: string): string | undefined {
    const entry = this.#local.get(key)
    if (!entry) return undefined
    if (entry.expires > Date.now()) return entry.code
    this.#local.delete(key)
    return undefined
  }

  #remember(key: string, code: string, ttlMs: number): void {
    if (this.#local.size >= MAX_LOCAL_CLAIMS) {
      const now = Date.now()
      for (const [name, entry] of this.#local) if (entry.expires <= now) this.#local.delete(name)
      for (const name of this.#local.keys()) {
        if (this.#local.size < MAX_LOCAL_CLAIMS) break
        this.#local.delete(name)
      }
    }
    this.#local.set(key, { code, expires: Date.now() + ttlMs })
  }
}

function claimKey(state: string): string {
  return KEY_PREFIX + createHash('sha256').update(state).digest('hex')
}
