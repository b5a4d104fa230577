import type { SharedCache } from './shared-cache.js'

/** WeChat's stable_token force_refresh limits: 20 a day, 30 s apart. */
const FORCE_REFRESH_DAILY_LIMIT = 20
/** Minimum spacing of two force refreshes, in ms. */
const FORCE_REFRESH_SPACING_MS = 30_000

const DAY_MS = 86_400_000
const CHINA_OFFSET_MS = 8 * 3_600_000

/** What the shared cache holds under `wxkit:<appId>:force_refresh_budget`. */
interface Spent {
  /** Day number in China time (UTC+8), when WeChat's daily counters reset. */
  day: number
  count: number
  lastAt: number
}

/**
 * The stable_token force_refresh budget, shared by every process through the cache (and kept in memory too,
 * so a cache outage never lets a process overspend).
 */
export class ForceRefreshBudget {
  readonly #cache: SharedCache
  readonly #key: string
  readonly #now: () => number
  #local: Spent = { day: 0, count: 0, lastAt: 0 }

  constructor(cache: SharedCache, appId: string, now: () => number) {
    this.#cache = cache
    this.#key = `wxkit:${appId}:force_refresh_budget`
    this.#now = now
  }

  /** Takes one force refresh; false when today's 20 are spent or the last was < 30 s ago. */
  async take(): Promise<boolean> {
    const now = this.#now()
    const day = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS)
    const stored = await this.#cache.get<Spent>(this.#key)
    const candidates = [this.#local, stored].filter(
      (b): b is Spent => !!b && typeof b.count === 'number' && b.day === day,
    )
    const count = Math.max(0, ...candidates.map((b) => b.count))
    const lastAt = Math.max(0, ...candidates.map((b) => b.lastAt))
    if (count >= FORCE_REFRESH_DAILY_LIMIT || now - lastAt < FORCE_REFRESH_SPACING_MS) return false
    const next: Spent = { day, count: count + 1, lastAt: now }
    this.#local = next
    await this.#cache.set(this.#key, next, 2 * DAY_MS)
    return true
  }
}
