import type { Wechat } from '@wxkit/core'
import type { WechatSession } from './session/wechat-session.js'

/**
 * The signed-in WeChat identity that `req.wechatUser` holds.
 *
 * Mini Program logins (`source: 'mini'`) carry the openid (and unionid when the Mini Program is bound to an
 * Open Platform account); H5 OAuth logins (`source: 'oauth'`) add `nickname` and `avatar` when the
 * `snsapi_userinfo` scope was granted. The Mini Program `session_key` is never part of it: it stays in the
 * session store on the server.
 */
export interface WechatUser {
  /** The user's id within this app (Mini Program or Official Account). */
  openid: string
  /** The user's id across the apps bound to one Open Platform account, when WeChat sends it. */
  unionid?: string
  /** How the user signed in: `'mini'` through `POST /mini/login`, `'oauth'` through the H5 OAuth flow. */
  source: 'mini' | 'oauth'
  /** The WeChat nickname (OAuth with `snsapi_userinfo` only). */
  nickname?: string
  /** The avatar URL (`headimgurl`; OAuth with `snsapi_userinfo` only). */
  avatar?: string
}

declare global {
  namespace Express {
    interface Request {
      /** The shared `Wechat` client, set by the `wechat()` middleware on every request. */
      wechat: Wechat
      /** The signed-in identity, or `undefined` when the request carries no valid session. */
      wechatUser?: WechatUser | undefined
      /**
       * The current session (`{ id, user, source, createdAt, expiresAt }` plus `decryptData`, `regenerate`,
       * `destroy`), or `undefined` when the request carries none.
       */
      wechatSession?: WechatSession | undefined
    }
  }
}
