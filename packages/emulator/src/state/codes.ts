import { randomToken } from './secrets.js'

/** Login (`wx.login`), phone (`getPhoneNumber`) and OAuth codes all expire after 5 minutes (§4, §5, §8.1). */
export const CODE_TTL_MS = 5 * 60_000

/** What a code was issued for. */
export type CodeKind = 'login' | 'phone' | 'oauth'

/** The OAuth scopes of `/connect/oauth2/authorize`. */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo'

/** A code the emulator has issued. */
export interface CodeRecord {
  code: string
  kind: CodeKind
  appId: string
  openid: string
  unionid?: string
  /** Phone codes: the number without country prefix. */
  phoneNumber?: string
  /** Phone codes: the country calling code. */
  countryCode?: string
  /** OAuth codes: the granted scope. */
  scope?: OAuthScope
  issuedAt: number
  expiresAt: number
  usedAt?: number
}

/** Why a code was refused. */
export type CodeRefusal = 'unknown' | 'used' | 'expired' | 'other-app'

/** Single-use codes with a 5-minute lifetime. */
export class CodeStore {
  readonly #codes = new Map<string, CodeRecord>()

  /** Issue a code. */
  mint(fields: Omit<CodeRecord, 'code' | 'issuedAt' | 'expiresAt' | 'usedAt'>, now: number): CodeRecord {
    const code = fields.kind === 'phone' ? randomToken(64) : randomToken(32)
    const record: CodeRecord = { ...fields, code, issuedAt: now, expiresAt: now + CODE_TTL_MS }
    this.#codes.set(code, record)
    return record
  }

  /**
   * Use `code` as a `kind` code for `appId`. A code of another kind counts as unknown, and another app's
   * code is refused as such whether or not it was used (another app learns nothing about it). A used code
   * stays used; a refused code is not consumed.
   */
  consume(code: string, kind: CodeKind, appId: string, now: number): CodeRecord | CodeRefusal {
    const record = this.#codes.get(code)
    if (!record || record.kind !== kind) return 'unknown'
    if (record.appId !== appId) return 'other-app'
    if (record.usedAt !== undefined) return 'used'
    if (now >= record.expiresAt) return 'expired'
    record.usedAt = now
    return record
  }

  /** Forget everything. */
  clear(): void {
    this.#codes.clear()
  }
}
