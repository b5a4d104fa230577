import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `GET /wxa/checksession` and `GET /wxa/resetusersessionkey` (§14.4), checked in this order: the access
 * token (§0); `openid` missing or never logged in to the token's app 40003; `sig_method` other than
 * `hmac_sha256`, or a `signature` not made with the user's current session_key, 87009. checksession answers
 * `{errcode: 0}`; resetusersessionkey replaces the key and answers `{openid, session_key}` (the old key's
 * signature answers 87009 from then on, and the next `jscode2session` hands out the new key).
 */
export function createSessionKeyRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  const verified = (query: Record<string, string>, appId: string): string => {
    const { openid, signature, sig_method: sigMethod } = query
    if (!openid || !state.sessionKeys.has(appId, openid)) throw new WechatApiFailure(40003)
    if (sigMethod !== 'hmac_sha256' || !signature || !state.sessionKeys.matches(appId, openid, signature)) {
      throw new WechatApiFailure(87009)
    }
    return openid
  }

  app.all('/wxa/checksession', (c) => {
    const token = requireAccessToken(c, state)
    verified(c.req.query(), token.appId)
    return wechatOk(c)
  })

  app.all('/wxa/resetusersessionkey', (c) => {
    const token = requireAccessToken(c, state)
    const openid = verified(c.req.query(), token.appId)
    return wechatOk(c, { openid, session_key: state.sessionKeys.reset(token.appId, openid) })
  })

  return app
}
