import { createHash } from 'node:crypto'
import type { Wechat } from '@wxkit/core'
import type Keyv from 'keyv'
import { WechatRouteError } from '../errors.js'
import type { WechatUser } from '../identity.js'

/** How long the result of one code's exchange is reused for a duplicate callback. */
export const OAUTH_EXCHANGE_REUSE_MS = 5 * 60 * 1000
const KEY_PREFIX = 'wxkit:express:oauth-code:'
const CODE_USED = 40163
const WAIT_FOR_PEER_MS = 3000
const WAIT_STEP_MS = 100

/** The outcome of exchanging an OAuth code: an identity, or a snapshot-page user who stays anonymous. */
export type OauthExchangeResult = { user: WechatUser } | { snapshot: true }

/** A sha256 of a code, so neither the store nor a state record holds the code itself. */
export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}

/**
 * The store key of one code's exchange, bound to the state that redeemed it: the shared result of a
 * duplicate callback may only go to the browser that started that login, never to another state that
 * presents the same (used) code.
 */
export function exchangeKey(state: string, hashOfCode: string): string {
  return KEY_PREFIX + createHash('sha256').update(`${state}\n${hashOfCode}`).digest('hex')
}

/**
 * Exchanges an OAuth code for an identity, idempotently for a few minutes.
 *
 * WeChat sometimes delivers the same callback twice, and a code is single use (the second exchange would
 * fail with 40163). So the first result is kept in the store under a hash of the code for
 * {@link OAUTH_EXCHANGE_REUSE_MS}; concurrent duplicates in one process share one exchange; and an instance
 * that gets 40163 waits briefly for the result another instance is storing. Only the identity is kept,
 * never the user access token.
 */
export class OauthCodeExchange {
  readonly #client: Wechat
  readonly #store: Keyv
  readonly #inflight = new Map<string, Promise<OauthExchangeResult>>()

  constructor(client: Wechat, store: Keyv) {
    this.#client = client
    this.#store = store
  }

  /**
   * The identity behind `code`, fetching the profile when the granted scope includes `snsapi_userinfo`.
   * @param key the {@link exchangeKey} of the state and code.
   * @throws WechatRouteError `code_used` when the session this exchange started was ended (logout).
   */
  exchange(code: string, key: string): Promise<OauthExchangeResult> {
    const pending = this.#inflight.get(key)
    if (pending) return pending
    const exchange = this.#exchangeOnce(code, key).finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, exchange)
    return exchange
  }

  /** Ends a stored exchange result, so its callback URL signs no one in again (called at logout). */
  async end(key: string): Promise<void> {
    await this.#store.set(key, ENDED, OAUTH_EXCHANGE_REUSE_MS)
  }

  async #exchangeOnce(code: string, key: string): Promise<OauthExchangeResult> {
    const cached = await this.#stored(key)
    if (cached) return cached
    let result: OauthExchangeResult
    try {
      result = await this.#callWechat(code)
    } catch (error) {
      if (errcodeOf(error) === CODE_USED) {
        const fromPeer = await this.#waitForPeer(key)
        if (fromPeer) return fromPeer
      }
      throw error
    }
    await this.#store.set(key, result, OAUTH_EXCHANGE_REUSE_MS)
    return result
  }

  async #callWechat(code: string): Promise<OauthExchangeResult> {
    const token = await this.#client.snsOauth2(code)
    if (Number(token.is_snapshotuser) === 1) return { snapshot: true }
    const user: WechatUser = { openid: token.openid, source: 'oauth' }
    if (token.unionid) user.unionid = token.unionid
    const scopes = String(token.scope ?? '').split(',')
    if (scopes.includes('snsapi_userinfo')) {
      const profile = await this.#client.snsUserInfo(token.access_token, token.openid)
      if (profile.nickname) user.nickname = profile.nickname
      if (profile.headimgurl) user.avatar = profile.headimgurl
      if (profile.unionid) user.unionid = profile.unionid
    }
    return { user }
  }

  async #waitForPeer(key: string): Promise<OauthExchangeResult | undefined> {
    for (let waited = 0; waited < WAIT_FOR_PEER_MS; waited += WAIT_STEP_MS) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS))
      const stored = await this.#stored(key)
      if (stored) return stored
    }
    return undefined
  }

  async #stored(key: string): Promise<OauthExchangeResult | undefined> {
    const value = (await this.#store.get(key)) as unknown
    if (typeof value !== 'object' || value === null) return undefined
    if ((value as { ended?: unknown }).ended === true) throw codeUsed()
    if ((value as { snapshot?: unknown }).snapshot === true) return { snapshot: true }
    const user = (value as { user?: WechatUser }).user
    return user && typeof user.openid === 'string' ? { user } : undefined
  }
}

const ENDED = { ended: true }

function codeUsed(): WechatRouteError {
  return new WechatRouteError('code_used', 'The code was already used; get a new one')
}

function errcodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const errcode = Number((error as { errcode?: unknown }).errcode)
  return Number.isInteger(errcode) ? errcode : undefined
}
