import { beijingDay } from './clock.js'
import { newAccessToken } from './secrets.js'

/** WeChat's access_token lifetime: `expires_in` 7200 seconds. */
export const ACCESS_TOKEN_TTL_MS = 7200_000
/** How long a replaced classic token keeps working, and how early stable tokens are renewed. */
export const TOKEN_OVERLAP_MS = 5 * 60_000
/** `/cgi-bin/token` daily quota for a normal account (§1.1, §11). */
export const CLASSIC_DAILY_QUOTA = 2000
/** `stable_token` force_refresh daily limit (§1.2). */
export const FORCE_REFRESH_DAILY_LIMIT = 20
/** Minimum spacing between two force refreshes (§1.2). */
export const FORCE_REFRESH_SPACING_MS = 30_000

/** Which endpoint minted a token: `/cgi-bin/token` (classic) or `/cgi-bin/stable_token` (stable). */
export type AccessTokenKind = 'classic' | 'stable'

/** A global access_token the emulator has issued. */
export interface AccessTokenRecord {
  token: string
  appId: string
  kind: AccessTokenKind
  issuedAt: number
  /** Mint order, so tokens minted in the same millisecond still have a newest one. */
  sequence: number
  expiresAt: number
  /** When a newer token (or a force refresh) retired this one; it fails with 40001 from then on. */
  retiredAt?: number
  /** Set by `revokeTokens()`: fails with 40001 at once. */
  revoked?: boolean
}

/** The answer of a token check: the live record, or the errcode WeChat would give. */
export type AccessTokenCheck = { ok: true; record: AccessTokenRecord } | { ok: false; errcode: 40001 | 42001 }

/** The answer of a mint request. */
export type MintResult =
  | { ok: true; record: AccessTokenRecord; minted: boolean }
  | { ok: false; errcode: 45009 | 45011 }

/**
 * Global access tokens with WeChat's rules: classic tokens rotate on every call with a 5-minute overlap,
 * stable tokens are shared until 5 minutes before expiry, force refresh is limited, and the two kinds never
 * affect each other.
 */
export class AccessTokenStore {
  readonly #byToken = new Map<string, AccessTokenRecord>()
  readonly #classicMintsByDay = new Map<string, number>()
  readonly #forceRefreshes = new Map<string, number[]>()
  #issued = 0

  /** How many tokens have been minted (repeat stable answers are not counted). */
  get issued(): number {
    return this.#issued
  }

  /** `/cgi-bin/token`: mint a new token; the previous one keeps 5 minutes, older ones die now. */
  mintClassic(appId: string, now: number): MintResult {
    const dayKey = `${appId} ${beijingDay(now)}`
    const today = this.#classicMintsByDay.get(dayKey) ?? 0
    if (today >= CLASSIC_DAILY_QUOTA) return { ok: false, errcode: 45009 }
    this.#classicMintsByDay.set(dayKey, today + 1)

    const previous = this.#ofKind(appId, 'classic').sort((a, b) => b.sequence - a.sequence)
    previous.forEach((record, index) => {
      const retireBy = index === 0 ? now + TOKEN_OVERLAP_MS : now
      record.retiredAt = Math.min(record.retiredAt ?? Number.POSITIVE_INFINITY, retireBy)
    })
    return { ok: true, record: this.#mint(appId, 'classic', now), minted: true }
  }

  /**
   * `/cgi-bin/stable_token`. Normal mode returns the current stable token while it has more than 5
   * minutes left, else mints the next one (the old one lives out its own expiry). Force mode retires every
   * stable token of the app and mints a new one, at most 20 times a Beijing day and 30 s apart.
   */
  mintStable(appId: string, forceRefresh: boolean, now: number): MintResult {
    if (forceRefresh) {
      const history = (this.#forceRefreshes.get(appId) ?? []).filter((t) => beijingDay(t) === beijingDay(now))
      const last = history.at(-1)
      if (last !== undefined && now - last < FORCE_REFRESH_SPACING_MS) return { ok: false, errcode: 45011 }
      if (history.length >= FORCE_REFRESH_DAILY_LIMIT) return { ok: false, errcode: 45009 }
      history.push(now)
      this.#forceRefreshes.set(appId, history)
      for (const record of this.#ofKind(appId, 'stable')) {
        record.retiredAt = Math.min(record.retiredAt ?? Number.POSITIVE_INFINITY, now)
      }
      return { ok: true, record: this.#mint(appId, 'stable', now), minted: true }
    }
    const current = this.#ofKind(appId, 'stable')
      .filter((record) => isLive(record, now))
      .sort((a, b) => b.sequence - a.sequence)[0]
    if (current && now < current.expiresAt - TOKEN_OVERLAP_MS)
      return { ok: true, record: current, minted: false }
    return { ok: true, record: this.#mint(appId, 'stable', now), minted: true }
  }

  /** Check a token presented to a business API; `undefined` when the emulator never issued it. */
  check(token: string, now: number): AccessTokenCheck | undefined {
    const record = this.#byToken.get(token)
    if (!record) return undefined
    if (record.revoked) return { ok: false, errcode: 40001 }
    if (record.retiredAt !== undefined && record.retiredAt < record.expiresAt && now >= record.retiredAt) {
      return { ok: false, errcode: 40001 }
    }
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 }
    return { ok: true, record }
  }

  /** Every token that still works, oldest first. */
  live(now: number): AccessTokenRecord[] {
    return [...this.#byToken.values()].filter((record) => isLive(record, now))
  }

  /** Make every token (or every token of `appId`) fail with 40001 from now on. */
  revoke(appId?: string): void {
    for (const record of this.#byToken.values()) {
      if (appId === undefined || record.appId === appId) record.revoked = true
    }
  }

  /** Forget everything. */
  clear(): void {
    this.#byToken.clear()
    this.#classicMintsByDay.clear()
    this.#forceRefreshes.clear()
    this.#issued = 0
  }

  #ofKind(appId: string, kind: AccessTokenKind): AccessTokenRecord[] {
    return [...this.#byToken.values()].filter((record) => record.appId === appId && record.kind === kind)
  }

  #mint(appId: string, kind: AccessTokenKind, now: number): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: newAccessToken(),
      appId,
      kind,
      issuedAt: now,
      sequence: this.#issued,
      expiresAt: now + ACCESS_TOKEN_TTL_MS,
    }
    this.#byToken.set(record.token, record)
    this.#issued += 1
    return record
  }
}

function isLive(record: AccessTokenRecord, now: number): boolean {
  return (
    !record.revoked && now < record.expiresAt && (record.retiredAt === undefined || now < record.retiredAt)
  )
}
