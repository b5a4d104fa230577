import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The `signature` of checksession / resetusersessionkey (§14.4): hex hmac_sha256 of "" keyed with the session_key. */
export function sessionKeySignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex')
}

/**
 * Each user's current session_key (§4, §14.4). `jscode2session` hands out the current key (minting one for
 * a user who has none); `resetusersessionkey` replaces it, after which the old key's signature answers
 * 87009 and the next `jscode2session` hands out the new key.
 */
export class SessionKeyBook {
  readonly #keys = new Map<string, string>()

  /** The current session_key of `openid` in `appId`, minted on first use. */
  current(appId: string, openid: string): string {
    const key = `${appId} ${openid}`
    let sessionKey = this.#keys.get(key)
    if (sessionKey === undefined) {
      sessionKey = randomBytes(16).toString('base64')
      this.#keys.set(key, sessionKey)
    }
    return sessionKey
  }

  /** Whether `signature` was made with the current key of a user who has one (constant time). */
  matches(appId: string, openid: string, signature: string): boolean {
    const sessionKey = this.#keys.get(`${appId} ${openid}`)
    if (sessionKey === undefined) return false
    const expected = Buffer.from(sessionKeySignature(sessionKey))
    const given = Buffer.from(signature)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** Whether the user ever logged in (has a session_key). */
  has(appId: string, openid: string): boolean {
    return this.#keys.has(`${appId} ${openid}`)
  }

  /** Replace the user's key with a new one and return it. */
  reset(appId: string, openid: string): string {
    const sessionKey = randomBytes(16).toString('base64')
    this.#keys.set(`${appId} ${openid}`, sessionKey)
    return sessionKey
  }

  /** Forget every key. */
  clear(): void {
    this.#keys.clear()
  }
}
