import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAppCredentials } from '../http/app-credentials.js'
import { wechatJson } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `GET /sns/jscode2session` (§4): grant_type must be `authorization_code` (40002), credentials as for
 * tokens, `js_code` missing 41008; an unknown, expired or other app's code answers 40029 and a used one
 * 40163. Success is `{session_key, openid, unionid?}` (the user's current key, §14.4) without errcode, sent as `text/plain` like the real
 * endpoint was observed to do.
 */
export function createCodeToSessionRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/sns/jscode2session', (c) => {
    const query = c.req.query()
    if (query.grant_type !== 'authorization_code') throw new WechatApiFailure(40002)
    const { appId } = requireAppCredentials(state, query.appid, query.secret)
    if (!query.js_code) throw new WechatApiFailure(41008)
    const record = state.codes.consume(query.js_code, 'login', appId, state.now())
    if (record === 'used') throw new WechatApiFailure(40163)
    if (typeof record === 'string') throw new WechatApiFailure(40029)
    state.logins.record(appId, record.openid, state.now())
    const body = {
      session_key: state.sessionKeys.current(appId, record.openid),
      openid: record.openid,
      ...(record.unionid !== undefined ? { unionid: record.unionid } : {}),
    }
    return wechatJson(c, body, 'text/plain')
  })

  return app
}
