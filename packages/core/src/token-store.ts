import type { ResolvedConfig } from './config.js'
import { TOKEN_INVALID_ERRCODES } from './errcode.js'
import { isWechatError, WechatClientError, WechatResponseError } from './errors.js'
import type { Events } from './events.js'
import type { TokenRefreshEvent } from './hooks.js'
import type { RequestOptions } from './request-options.js'
import type { SharedCache } from './shared-cache.js'
import type { Transport } from './transport.js'

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
}

/** The stable_token force_refresh budget, shared through the cache. */
interface ForceBudget {
  /** Day number in China time (UTC+8), when WeChat's daily counters reset. */
  day: number
  count: number
  lastAt: number
}

type Kind = 'access_token' | 'jsapi_ticket'

interface Slot {
  memory: MemoryEntry | undefined
  flight: Promise<string> | undefined
  revalidating: boolean
}

interface LoadOptions {
  reload: boolean
  /** The value a WeChat call just rejected (compare-and-swap refresh). */
  rejected: string | undefined
}

interface TokenResponse {
  access_token?: unknown
  expires_in?: unknown
}

interface TicketResponse {
  ticket?: unknown
  expires_in?: unknown
}

/** WeChat's stable_token force_refresh limits: 20 a day, 30 s apart. */
export const FORCE_REFRESH_DAILY_LIMIT = 20
/** Minimum spacing of two force refreshes, in ms. */
export const FORCE_REFRESH_SPACING_MS = 30_000
/** How much earlier than WeChat's expiry a cached value is retired, in ms (at most half the lifetime). */
export const SAFETY_MARGIN_MS = 300_000

const DAY_MS = 86_400_000
const CHINA_OFFSET_MS = 8 * 3_600_000

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

/**
 * access_token and jsapi_ticket caching: an in-process copy (checked without any I/O on the hot path) in
 * front of the shared Keyv store, single-flight loading per process, an optional cross-process lock on a
 * cold cache, compare-and-swap invalidation, and the shared force_refresh budget.
 */
export class TokenStore {
  readonly #config: ResolvedConfig
  readonly #transport: Transport
  readonly #cache: SharedCache
  readonly #events: Events
  readonly #now: () => number
  readonly #slots: Record<Kind, Slot> = {
    access_token: { memory: undefined, flight: undefined, revalidating: false },
    jsapi_ticket: { memory: undefined, flight: undefined, revalidating: false },
  }
  readonly #keys: Record<Kind | 'budget', string>
  readonly #lockKeys: Record<Kind, string>
  #localBudget: ForceBudget = { day: 0, count: 0, lastAt: 0 }
  #lockWarned = false

  constructor(config: ResolvedConfig, transport: Transport, cache: SharedCache, events: Events) {
    this.#config = config
    this.#transport = transport
    this.#cache = cache
    this.#events = events
    this.#now = config.now
    const prefix = `wxkit:${config.appId}:`
    this.#keys = {
      access_token: `${prefix}access_token`,
      jsapi_ticket: `${prefix}jsapi_ticket`,
      budget: `${prefix}force_refresh_budget`,
    }
    this.#lockKeys = {
      access_token: `${prefix}lock:access_token`,
      jsapi_ticket: `${prefix}lock:jsapi_ticket`,
    }
  }

  /** The jsapi_ticket from process memory if it is still valid at `now` — no I/O, no allocation. */
  peekJsTicket(now: number): string | undefined {
    return this.#peek('jsapi_ticket', now)
  }

  /** The access_token, from memory, the shared cache, or WeChat (in that order). */
  getAccessToken(reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    return this.#get('access_token', reload, signal)
  }

  /** The jsapi_ticket, from memory, the shared cache, or WeChat. */
  getJsTicket(reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    return this.#get('jsapi_ticket', reload, signal)
  }

  /**
   * The one refresh policy: runs `call` with the access_token; on 40001/40014/42001 (when `retryable`)
   * refreshes once by compare-and-swap and runs it again. When that retry ran on a token adopted from the
   * shared cache, which may have been rotated too, one more compare-and-swap is allowed: it finds exactly
   * that token in the store, so it is the one real refresh.
   */
  async withAccessToken<T>(options: RequestOptions, call: (token: string) => Promise<T>): Promise<T> {
    let token = await this.getAccessToken(options.reloadAccessToken === true, options.signal)
    let adopted = false
    for (let round = 0; ; round++) {
      try {
        return await call(token)
      } catch (error) {
        const mayRetry = options.retryable !== false && (round === 0 || (round === 1 && adopted))
        if (!mayRetry || !isWechatError(error) || !TOKEN_INVALID_ERRCODES.has(error.errcode)) throw error
        if (options.signal?.aborted) throw options.signal.reason
        const next = await this.invalidateAccessToken(token, options.signal)
        token = next.token
        adopted = next.adopted
      }
    }
  }

  /**
   * Compare-and-swap invalidation after WeChat rejected `failed` (40001/40014/42001): if memory or the
   * shared cache already holds a different valid token, that one is returned; otherwise one refresh is
   * made for all concurrent callers.
   *
   * `adopted` tells whether the token was taken over from memory or the shared cache rather than fetched
   * since the failure. An adopted token can be dead too (rotated again elsewhere since it was stored), so
   * the caller may invalidate it once more: the store then holds exactly that token, and that second
   * round is a real refresh.
   */
  async invalidateAccessToken(
    failed: string,
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; adopted: boolean }> {
    const startedAt = this.#now()
    const slot = this.#slots.access_token
    for (let round = 0; round < 3; round++) {
      const memory = slot.memory
      if (memory && memory.value !== failed && this.#now() < memory.expiresAt) {
        return { token: memory.value, adopted: memory.fetchedAt < startedAt }
      }
      if (memory && memory.value === failed) slot.memory = undefined
      if (!slot.flight) break
      try {
        await abortable(slot.flight, signal)
      } catch (error) {
        if (signal?.aborted) throw error
      }
    }
    const token = await this.#join('access_token', { reload: false, rejected: failed }, signal)
    const fetchedAt = slot.memory?.value === token ? slot.memory.fetchedAt : startedAt
    return { token, adopted: fetchedAt < startedAt }
  }

  #peek(kind: Kind, now: number = this.#now()): string | undefined {
    const memory = this.#slots[kind].memory
    if (memory === undefined) return undefined
    if (now >= memory.expiresAt) return undefined
    if (now >= memory.checkAt) this.#revalidate(kind)
    return memory.value
  }

  #get(kind: Kind, reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (!reload) {
      const value = this.#peek(kind)
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
    const accept = (entry: unknown): entry is CachedEntry =>
      isEntry(entry) &&
      this.#now() < entry.expiresAt &&
      (entry.fetchedAt >= startedAt || (!reload && entry.value !== rejected))
    const previous = this.#slots[kind].memory
    const reason: TokenRefreshEvent['reason'] = reload
      ? 'reload'
      : rejected
        ? 'rejected'
        : previous && previous.expiresAt <= startedAt
          ? 'expired'
          : 'cold'

    if (!reload) {
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
    const fetched = kind === 'access_token' ? await this.#fetchToken(rejected) : await this.#fetchTicket()
    const now = this.#now()
    const lifetime = fetched.expiresIn * 1000
    const ttl = Math.max(1000, lifetime - Math.min(SAFETY_MARGIN_MS, lifetime / 2))
    const entry: CachedEntry = { value: fetched.value, expiresAt: now + ttl, fetchedAt: now }
    await this.#cache.set(this.#keys[kind], entry, ttl)
    this.#remember(kind, entry)
    this.#events.tokenRefresh({
      kind,
      appId: this.#config.appId,
      reason: fetched.forced ? 'forced' : reason,
      expiresIn: fetched.expiresIn,
      ...(kind === 'access_token' ? { mode: this.#config.tokenMode } : {}),
    })
    return entry.value
  }

  #remember(kind: Kind, entry: CachedEntry): string {
    const checkAt = Math.min(entry.expiresAt, this.#now() + this.#config.memoryTtlMs)
    this.#slots[kind].memory = {
      value: entry.value,
      expiresAt: entry.expiresAt,
      fetchedAt: entry.fetchedAt,
      checkAt,
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

  async #fetchToken(
    rejected: string | undefined,
  ): Promise<{ value: string; expiresIn: number; forced: boolean }> {
    const { appId, appSecret, tokenMode } = this.#config
    if (tokenMode === 'classic') {
      const body = (await this.#transport.send({
        endpoint: '/cgi-bin/token',
        method: 'GET',
        query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
        idempotent: true,
        retryable: true,
        response: 'json',
      })) as TokenResponse
      return { ...this.#readToken('/cgi-bin/token', body), forced: false }
    }
    const normal = this.#readToken(
      '/cgi-bin/stable_token',
      (await this.#transport.send({
        endpoint: '/cgi-bin/stable_token',
        method: 'POST',
        json: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: false },
        idempotent: true,
        retryable: true,
        response: 'json',
      })) as TokenResponse,
    )
    if (rejected === undefined || normal.value !== rejected) return { ...normal, forced: false }
    // Normal mode handed back the very token WeChat just rejected: force a new one, within budget.
    if (!(await this.#takeForceBudget())) {
      const message =
        '@wxkit/core: stable_token force_refresh budget exhausted (20/day, 30 s apart); keeping the current token'
      this.#events.warn(message, { appId })
      this.#events.error({
        endpoint: '/cgi-bin/stable_token',
        error: new WechatClientError(message, { endpoint: '/cgi-bin/stable_token' }),
      })
      return { ...normal, forced: false }
    }
    const forced = this.#readToken(
      '/cgi-bin/stable_token',
      (await this.#transport.send({
        endpoint: '/cgi-bin/stable_token',
        method: 'POST',
        json: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: true },
        // Each force refresh spends budget: never repeat it automatically.
        idempotent: false,
        retryable: false,
        response: 'json',
      })) as TokenResponse,
    )
    return { ...forced, forced: true }
  }

  #readToken(endpoint: string, body: TokenResponse): { value: string; expiresIn: number } {
    const expiresIn = Number(body.expires_in)
    if (typeof body.access_token !== 'string' || body.access_token === '' || !(expiresIn > 0)) {
      throw new WechatResponseError({ endpoint, reason: 'no access_token/expires_in in the response' })
    }
    return { value: body.access_token, expiresIn }
  }

  /** Takes one force refresh from the shared budget; false when today's 20 are spent or the last was < 30 s ago. */
  async #takeForceBudget(): Promise<boolean> {
    const now = this.#now()
    const day = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS)
    const stored = await this.#cache.get<ForceBudget>(this.#keys.budget)
    const candidates = [this.#localBudget, stored].filter(
      (b): b is ForceBudget => !!b && typeof b.count === 'number' && b.day === day,
    )
    const count = Math.max(0, ...candidates.map((b) => b.count))
    const lastAt = Math.max(0, ...candidates.map((b) => b.lastAt))
    if (count >= FORCE_REFRESH_DAILY_LIMIT || now - lastAt < FORCE_REFRESH_SPACING_MS) return false
    const next: ForceBudget = { day, count: count + 1, lastAt: now }
    this.#localBudget = next
    await this.#cache.set(this.#keys.budget, next, 2 * DAY_MS)
    return true
  }

  async #fetchTicket(): Promise<{ value: string; expiresIn: number; forced: boolean }> {
    const body = (await this.withAccessToken({}, (token) =>
      this.#transport.send({
        endpoint: '/cgi-bin/ticket/getticket',
        method: 'GET',
        query: { access_token: token, type: 'jsapi' },
        idempotent: true,
        retryable: true,
        response: 'json',
      }),
    )) as TicketResponse
    const expiresIn = Number(body.expires_in)
    if (typeof body.ticket !== 'string' || body.ticket === '' || !(expiresIn > 0)) {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/ticket/getticket',
        reason: 'no ticket/expires_in in the response',
      })
    }
    return { value: body.ticket, expiresIn, forced: false }
  }
}
