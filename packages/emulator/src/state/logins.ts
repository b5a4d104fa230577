/** How long after a login a user counts as "using the Mini Program" for content checks (§14.3). */
export const RECENT_LOGIN_MS = 2 * 3600_000

/** When each user last logged in (`jscode2session`), per app. */
export class LoginBook {
  readonly #last = new Map<string, number>()

  /** `openid` of `appId` logged in at `now`. */
  record(appId: string, openid: string, now: number): void {
    this.#last.set(`${appId} ${openid}`, now)
  }

  /** Whether `openid` logged in to `appId` within the last 2 hours. */
  recent(appId: string, openid: string, now: number): boolean {
    const at = this.#last.get(`${appId} ${openid}`)
    return at !== undefined && now - at < RECENT_LOGIN_MS
  }

  /** Forget every login. */
  clear(): void {
    this.#last.clear()
  }
}
