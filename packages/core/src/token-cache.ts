import type { ResolvedConfig } from './config.js'
import type { Events } from './events.js'
import type { TokenRefreshEvent } from './hooks.js'
import type { SharedCache } from './shared-cache.js'
import type { Fetched } from './token-fetchers.js'

/** What the shared cache holds for a token or ticket. */
interface CachedEntry {
  value: string
  /** Absolute ms after which the value must not be used (WeChat's expiry minus the safety margin). */
  expiresAt: number
  /** Absolute ms when it was fetched from WeChat. */
  fetchedAt: number
}

/** The in-process copy, with the time after which the shared cache is consulted again (in background). */
interface MemoryEntry extends CachedEntry {
  checkAt: number
  /**
   * Which of this process's own WeChat fetches produced the value (see `Slot.fetches`); 0 when it was
   * taken from the shared cache. Provenance is counted, not timed: `fetchedAt` comes from whichever
   * process's clock stored it, and two clocks (or two calls in the same millisecond) cannot order events.
   */
  fetch: number
}

export type Kind = 'access_token' | 'jsapi_ticket'

interface Slot {
  memory: MemoryEntry | undefined
  flight: Promise<string> | undefined
  revalidating: boolean
  /** How many times this process fetched the value from WeChat. */
  fetches: number
}

interface LoadOptions {
  reload: boolean
  /** The value a WeChat call just rejected (compare-and-swap refresh). */
  rejected: string | undefined
}

/** How much earlier than WeChat's expiry a cached value is retired, in ms (at most half the lifetime). */
const SAFETY_MARGIN_MS = 300_000

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function isEntry(value: unknown): value is CachedEntry {
  const entry = value as CachedEntry | undefined
  return (
    !!entry &&
    typeof entry.value === 'string' &&
    entry.value !== '' &&
    typeof entry.expiresAt === 'number' &&
    typeof entry.fetchedAt === 'number'
  )
}

/** Where a value comes from when no cache holds a usable one. */
export type Fetch = (kind: Kind, rejected: string | undefined) => Promise<Fetched>

/**
 * access_token and jsapi_ticket caching: an in-process copy (checked without any I/O on the hot path) in
 * front of the shared Keyv store, single-flight loading per process, an optional cross-process lock on a
 * cold cache, and compare-and-swap invalidation. What to fetch is the caller's (`fetch`).
 */
export class TokenCache {
  readonly #config: ResolvedConfig
  readonly #fetch: Fetch
  readonly #cache: SharedCache
  readonly #events: Events
  readonly #now: () => number
  readonly #slots: Record<Kind, Slot> = {
    access_token: { memory: undefined, flight: undefined, revalidating: false, fetches: 0 },
    jsapi_ticket: { memory: undefined, flight: undefined, revalidating: false, fetches: 0 },
  }
  readonly #keys: Record<Kind, string>
  readonly #lockKeys: Record<Kind, string>
  #lockWarned = false

  constructor(config: ResolvedConfig, cache: SharedCache, events: Events, fetch: Fetch) {
    this.#config = config
    this.#fetch = fetch
    this.#cache = cache
    this.#events = events
    this.#now = config.now
    const prefix = `wxkit:${config.appId}:`
    this.#keys = {
      access_token: `${prefix}access_token`,
      jsapi_ticket: `${prefix}jsapi_ticket`,
    }
    this.#lockKeys = {
      access_token: `${prefix}lock:access_token`,
      jsapi_ticket: `${prefix}lock:jsapi_ticket`,
    }
  }

  /**
   * Compare-and-swap invalidation after WeChat rejected `failed` (40001/40014/42001): if memory or the
   * shared cache already holds a different valid token, that one is returned; otherwise one refresh is
   * made for all concurrent callers.
   *
   * `adopted` tells whether the token was taken over from memory or the shared cache rather than fetched
   * by this process since the failure. An adopted token can be dead too (rotated again elsewhere since it was stored), so
   * the caller may invalidate it once more: the store then holds exactly that token, and that second
   * round is a real refresh.
   */
  async invalidateAccessToken(
    failed: string,
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; adopted: boolean }> {
    const slot = this.#slots.access_token
    const fetchesBefore = slot.fetches
    // A load under way may be a reload or a plain load, which can hand `failed` back: let it land first,
    // whatever its outcome (an abort of ours surfaces from the join below).
    if (slot.flight) await abortable(slot.flight, signal).catch(() => {})
    // Stop serving the rejected token: callers arriving meanwhile wait for its replacement.
    if (slot.memory?.value === failed) slot.memory = undefined
    // The load takes a different valid token from memory or the shared cache, or refreshes.
    const token = await this.#join('access_token', { reload: false, rejected: failed }, signal)
    const memory = slot.memory
    return { token, adopted: memory?.value === token && memory.fetch <= fetchesBefore }
  }

  /** The value from process memory if it is still valid at `now`: no I/O, no allocation. */
  peek(kind: Kind, now: number = this.#now()): string | undefined {
    const memory = this.#slots[kind].memory
    if (memory === undefined) return undefined
    if (now >= memory.expiresAt) return undefined
    if (now >= memory.checkAt) this.#revalidate(kind)
    return memory.value
  }

  /** The value from memory, the shared cache, or `fetch` (in that order). */
  get(kind: Kind, reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (!reload) {
      const value = this.peek(kind)
      if (value !== undefined) return Promise.resolve(value)
    }
    return this.#join(kind, { reload, rejected: undefined }, signal)
  }

  #join(kind: Kind, options: LoadOptions, signal: AbortSignal | undefined): Promise<string> {
    const slot = this.#slots[kind]
    if (!slot.flight) {
      // The shared flight never carries one caller's signal: others depend on it. Each caller races its
      // own signal against it instead.
      const flight = this.#load(kind, options)
      slot.flight = flight
      flight.then(
        () => {
          if (slot.flight === flight) slot.flight = undefined
        },
        () => {
          if (slot.flight === flight) slot.flight = undefined
        },
      )
    }
    return abortable(slot.flight, signal)
  }

  async #load(kind: Kind, { reload, rejected }: LoadOptions): Promise<string> {
    const startedAt = this.#now()
    const key = this.#keys[kind]
    // A reload takes only what another process fetched meanwhile (it waited on the lock); otherwise any
    // valid value but the one WeChat just rejected will do, however recently it was stored.
    const accept = (entry: unknown): entry is CachedEntry =>
      isEntry(entry) &&
      this.#now() < entry.expiresAt &&
      (reload ? entry.fetchedAt >= startedAt : entry.value !== rejected)
    const previous = this.#slots[kind].memory
    const reason: TokenRefreshEvent['reason'] = reload
      ? 'reload'
      : rejected
        ? 'rejected'
        : previous && previous.expiresAt <= startedAt
          ? 'expired'
          : 'cold'

    if (!reload) {
      // Memory holds something acceptable only after an invalidation: a replacement another call fetched.
      if (accept(previous)) return previous.value
      const stored = await this.#cache.get<CachedEntry>(key)
      if (accept(stored)) return this.#remember(kind, stored)
    }

    const lock = this.#config.lock
    if (lock && !this.#cache.degraded) {
      const { ttlMs, waitMs, pollMs } = this.#config.lockTimings
      let release: (() => Promise<void>) | undefined
      let lockUsable = true
      try {
        release = await lock.acquire(this.#lockKeys[kind], ttlMs)
      } catch {
        lockUsable = false
        if (!this.#lockWarned) {
          this.#lockWarned = true
          this.#events.warn('@wxkit/core: lock unavailable; fetching without it')
        }
      }
      if (release) {
        this.#lockWarned = false
        try {
          const again = await this.#cache.get<CachedEntry>(key)
          if (accept(again)) return this.#remember(kind, again)
          return await this.#fetchAndStore(kind, rejected, reason)
        } finally {
          try {
            await release()
          } catch {
            // The lock expires on its own.
          }
        }
      }
      if (lockUsable) {
        // Another process holds the lock: wait for its result in the shared cache, for a bounded time.
        const polls = Math.ceil(waitMs / pollMs)
        for (let poll = 0; poll < polls; poll++) {
          await sleep(pollMs)
          const entry = await this.#cache.get<CachedEntry>(key)
          if (accept(entry)) return this.#remember(kind, entry)
          if (this.#cache.degraded) break
        }
      }
    }
    return this.#fetchAndStore(kind, rejected, reason)
  }

  async #fetchAndStore(
    kind: Kind,
    rejected: string | undefined,
    reason: TokenRefreshEvent['reason'],
  ): Promise<string> {
    const fetched = await this.#fetch(kind, rejected)
    const now = this.#now()
    const lifetime = fetched.expiresIn * 1000
    const ttl = Math.max(1000, lifetime - Math.min(SAFETY_MARGIN_MS, lifetime / 2))
    const entry: CachedEntry = { value: fetched.value, expiresAt: now + ttl, fetchedAt: now }
    await this.#cache.set(this.#keys[kind], entry, ttl)
    this.#remember(kind, entry, ++this.#slots[kind].fetches)
    this.#events.tokenRefresh({
      kind,
      appId: this.#config.appId,
      reason: fetched.forced ? 'forced' : reason,
      expiresIn: fetched.expiresIn,
      ...(kind === 'access_token' ? { mode: this.#config.tokenMode } : {}),
    })
    return entry.value
  }

  #remember(kind: Kind, entry: CachedEntry, fetch = 0): string {
    const checkAt = Math.min(entry.expiresAt, this.#now() + this.#config.memoryTtlMs)
    this.#slots[kind].memory = {
      value: entry.value,
      expiresAt: entry.expiresAt,
      fetchedAt: entry.fetchedAt,
      checkAt,
      fetch,
    }
    return entry.value
  }

  /** Background check of the shared cache once the in-memory copy is older than `memoryTtlMs`. */
  #revalidate(kind: Kind): void {
    const slot = this.#slots[kind]
    if (slot.revalidating || slot.flight) return
    slot.revalidating = true
    const key = this.#keys[kind]
    this.#cache
      .get<CachedEntry>(key)
      .then(async (stored) => {
        const memory = slot.memory
        if (!memory) return
        const now = this.#now()
        if (isEntry(stored) && now < stored.expiresAt && stored.fetchedAt >= memory.fetchedAt) {
          this.#remember(kind, stored)
          return
        }
        memory.checkAt = now + this.#config.memoryTtlMs
        if (!isEntry(stored) && now < memory.expiresAt && !this.#cache.degraded) {
          // The store lost it (restart, eviction): share ours again so other processes need not fetch.
          await this.#cache.set(
            key,
            { value: memory.value, expiresAt: memory.expiresAt, fetchedAt: memory.fetchedAt },
            memory.expiresAt - now,
          )
        }
      })
      .catch(() => {})
      .finally(() => {
        slot.revalidating = false
      })
  }
}
