import type { OAuthScope } from './codes.js'
import { randomToken } from './secrets.js'

/** A user access_token from `/sns/oauth2/access_token` lives 7200 seconds (§8.3). */
export const OAUTH_ACCESS_TOKEN_TTL_MS = 7200_000
/** A refresh_token lives 30 days (§8.4). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000

/** A user-level (web OAuth) access token, distinct from global tokens. */
export interface OAuthTokenRecord {
  accessToken: string
  refreshToken: string
  appId: string
  openid: string
  scope: OAuthScope
  expiresAt: number
  refreshExpiresAt: number
}

/** The outcome of checking a user token. */
export type OAuthTokenCheck = { ok: true; record: OAuthTokenRecord } | { ok: false; errcode: 40001 | 42001 }

/** User tokens of web OAuth, keyed by access token and by refresh token. */
export class OAuthTokenStore {
  readonly #byAccess = new Map<string, OAuthTokenRecord>()
  readonly #byRefresh = new Map<string, OAuthTokenRecord>()
  readonly #retired = new Set<string>()

  /** Issue a user token and its refresh token after a code exchange. */
  issue(fields: Pick<OAuthTokenRecord, 'appId' | 'openid' | 'scope'>, now: number): OAuthTokenRecord {
    const record: OAuthTokenRecord = {
      ...fields,
      accessToken: `86_${randomToken(110)}`,
      refreshToken: `86_${randomToken(110)}`,
      expiresAt: now + OAUTH_ACCESS_TOKEN_TTL_MS,
      refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
    }
    this.#byAccess.set(record.accessToken, record)
    this.#byRefresh.set(record.refreshToken, record)
    return record
  }

  /**
   * `/sns/oauth2/refresh_token`: an unexpired access token gets its lifetime extended, an expired one is
   * replaced; the refresh token itself keeps its original 30-day expiry.
   */
  refresh(refreshToken: string, appId: string, now: number): OAuthTokenRecord | 'unknown' | 'expired' {
    const record = this.#byRefresh.get(refreshToken)
    if (!record || record.appId !== appId) return 'unknown'
    if (now >= record.refreshExpiresAt) return 'expired'
    if (now >= record.expiresAt) {
      this.#byAccess.delete(record.accessToken)
      this.#retired.add(record.accessToken)
      record.accessToken = `86_${randomToken(110)}`
      this.#byAccess.set(record.accessToken, record)
    }
    record.expiresAt = now + OAUTH_ACCESS_TOKEN_TTL_MS
    return record
  }

  /** Check a user token; `undefined` when it was never issued. */
  check(accessToken: string, now: number): OAuthTokenCheck | undefined {
    if (this.#retired.has(accessToken)) return { ok: false, errcode: 42001 }
    const record = this.#byAccess.get(accessToken)
    if (!record) return undefined
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 }
    return { ok: true, record }
  }

  /** Forget everything. */
  clear(): void {
    this.#byAccess.clear()
    this.#byRefresh.clear()
    this.#retired.clear()
  }
}
