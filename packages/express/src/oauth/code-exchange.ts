import { createHash } from 'node:crypto'
import { ErrCode, isWechatError, type Wechat } from '@wxkit/core'
import { WechatRouteError } from '../errors.js'
import type { WechatUser } from '../identity.js'
import type { StoreClient } from '../session/store-client.js'
import { invalidState, OAUTH_STATE_TTL_MS } from './oauth-state.js'
import type { StateClaims } from './state-claims.js'

/** How long the result of one code's exchange is reused for a duplicate callback. */
export const OAUTH_EXCHANGE_REUSE_MS = 5 * 60 * 1000
const KEY_PREFIX = 'wxkit:express:oauth-code:'
const WAIT_FOR_PEER_MS = 3000
const WAIT_STEP_MS = 100

/** The outcome of exchanging an OAuth code: an identity, or a snapshot-page user who stays anonymous. */
export type OauthExchangeResult = { user: WechatUser } | { snapshot: true }

/** A sha256 of a code, so neither the store nor a claim holds the code itself. */
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
 * Redeems a state with a code: exchanges the code for an identity, idempotently for a few minutes.
 *
 * WeChat sometimes delivers the same callback twice, and a code is single use (the second exchange would
 * fail with 40163). So the first result is kept under the state and code for
 * {@link OAUTH_EXCHANGE_REUSE_MS}; concurrent duplicates in one process share one exchange; and an instance
 * that gets 40163 waits for the result only while the same state and code hold the claim elsewhere (a
 * peer is storing it), else answers `code_used` at once. The state is claimed after WeChat confirmed the
 * code and before the result is stored: a second code for the same state is refused. Only the identity is
 * kept, never the user access token.
 */
export class OauthCodeExchange {
  readonly #client: Wechat
  readonly #store: StoreClient
  readonly #claims: StateClaims
  readonly #inflight = new Map<string, Promise<OauthExchangeResult>>()

  constructor(client: Wechat, store: StoreClient, claims: StateClaims) {
    this.#client = client
    this.#store = store
    this.#claims = claims
  }

  /**
   * The identity behind `code` for the login `state`, fetching the profile when the granted scope includes
   * `snsapi_userinfo`.
   * @throws WechatRouteError `invalid_state` when another code redeemed the state, `code_used` when the
   * session this exchange started was ended (logout) or the code was used elsewhere.
   */
  redeem(state: string, code: string): Promise<OauthExchangeResult> {
    const key = exchangeKey(state, codeHash(code))
    const pending = this.#inflight.get(key)
    if (pending) return pending
    const exchange = this.#redeemOnce(state, code, key).finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, exchange)
    return exchange
  }

  /** True once another code, or a refusal, is known to hold `state`. */
  async spent(state: string): Promise<boolean> {
    return (await this.#claims.holder(state)) !== undefined
  }

  /** Ends a stored exchange result, so its callback URL signs no one in again (called at logout). */
  async end(key: string): Promise<void> {
    await this.#store.set(key, ENDED, OAUTH_EXCHANGE_REUSE_MS)
  }

  async #redeemOnce(state: string, code: string, key: string): Promise<OauthExchangeResult> {
    const hash = codeHash(code)
    const cached = await this.#stored(key)
    if (cached) return cached
    const holder = await this.#claims.holder(state)
    if (holder !== undefined && holder !== hash) throw invalidState()
    let result: OauthExchangeResult
    try {
      result = await this.#callWechat(code)
    } catch (error) {
      if (isWechatError(error) && error.errcode === ErrCode.CodeUsed) {
        if ((await this.#claims.holder(state)) === hash) {
          const fromPeer = await this.#waitForPeer(key)
          if (fromPeer) return fromPeer
        }
        throw codeUsed()
      }
      throw error
    }
    if (!(await this.#claims.claim(state, hash, OAUTH_STATE_TTL_MS))) throw invalidState()
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
    const value = await this.#store.get(key)
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
