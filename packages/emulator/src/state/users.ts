import { createHash } from 'node:crypto'

/** A WeChat user as one app sees them. */
export interface EmulatorUser {
  appId: string
  openid: string
  unionid?: string
  nickname: string
}

/**
 * The openid of an app's default user: `o` plus 27 characters derived from the appId, so it is stable
 * across runs and shaped like a real openid (28 characters).
 */
export function defaultOpenid(appId: string): string {
  const digest = createHash('sha256').update(`wxkit-default-user:${appId}`).digest('base64url')
  return `o${digest.slice(0, 27)}`
}

/** The users each app knows: its default user plus every openid a code was minted or a subscription made for. */
export class UserDirectory {
  readonly #users = new Map<string, EmulatorUser>()

  /** The user `openid` of `appId`, registering them (with `unionid`) when new. */
  ensure(appId: string, openid: string, unionid?: string): EmulatorUser {
    const key = `${appId} ${openid}`
    const existing = this.#users.get(key)
    if (existing) {
      if (unionid !== undefined) existing.unionid = unionid
      return existing
    }
    const isDefault = openid === defaultOpenid(appId)
    const user: EmulatorUser = {
      appId,
      openid,
      nickname: isDefault ? 'wxkit 测试用户' : `wxkit user ${openid.slice(-4)}`,
      ...(unionid !== undefined ? { unionid } : {}),
    }
    this.#users.set(key, user)
    return user
  }

  /** The user `openid` of `appId`; the default user always exists. */
  find(appId: string, openid: string): EmulatorUser | undefined {
    return (
      this.#users.get(`${appId} ${openid}`) ??
      (openid === defaultOpenid(appId) ? this.ensure(appId, openid) : undefined)
    )
  }

  /** The default user of `appId`. */
  defaultUser(appId: string): EmulatorUser {
    return this.ensure(appId, defaultOpenid(appId))
  }

  /** Forget every user but the default ones (which are re-created on demand). */
  clear(): void {
    this.#users.clear()
  }
}
