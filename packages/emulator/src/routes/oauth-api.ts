import { type Context, Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireOAuthToken } from '../http/access-token.js'
import { requireAppCredentials } from '../http/app-credentials.js'
import { wechatJson, wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'
import type { OAuthTokenRecord } from '../state/oauth-tokens.js'
import { avatarUrl } from './avatar.js'

/**
 * The web-OAuth APIs (§8.3–§8.5): `/sns/oauth2/access_token`, `/sns/oauth2/refresh_token`, `/sns/userinfo`
 * and `/sns/auth`. Token answers and userinfo carry no errcode, like WeChat's.
 */
export function createOAuthApiRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/sns/oauth2/access_token', (c) => {
    const query = c.req.query()
    if (query.grant_type !== 'authorization_code') throw new WechatApiFailure(40002)
    const { appId } = requireAppCredentials(state, query.appid, query.secret)
    if (!query.code) throw new WechatApiFailure(41008)
    const now = state.now()
    const code = state.codes.consume(query.code, 'oauth', appId, now)
    if (code === 'used') throw new WechatApiFailure(40163)
    if (code === 'expired') throw new WechatApiFailure(42003)
    if (typeof code === 'string') throw new WechatApiFailure(40029)
    const scope = code.scope ?? 'snsapi_base'
    const record = state.oauthTokens.issue({ appId, openid: code.openid, scope }, now)
    const unionid = scope === 'snsapi_userinfo' ? code.unionid : undefined
    return tokenAnswer(c, record, now, unionid)
  })

  app.all('/sns/oauth2/refresh_token', (c) => {
    const query = c.req.query()
    if (!query.appid) throw new WechatApiFailure(41002)
    if (query.grant_type !== 'refresh_token') throw new WechatApiFailure(40002)
    if (!state.apps.has(query.appid)) throw new WechatApiFailure(40013)
    if (!query.refresh_token) throw new WechatApiFailure(40030)
    const now = state.now()
    const record = state.oauthTokens.refresh(query.refresh_token, query.appid, now)
    if (record === 'expired') throw new WechatApiFailure(42002)
    if (record === 'unknown') throw new WechatApiFailure(40030)
    return tokenAnswer(c, record, now)
  })

  app.all('/sns/userinfo', (c) => {
    const token = requireOAuthToken(c, state)
    if (c.req.query('openid') !== token.openid) throw new WechatApiFailure(40003)
    if (token.scope !== 'snsapi_userinfo') throw new WechatApiFailure(48001)
    const user = state.users.ensure(token.appId, token.openid)
    const origin = new URL(c.req.url).origin
    return wechatJson(c, {
      openid: user.openid,
      nickname: user.nickname,
      sex: 0,
      province: '',
      city: '',
      country: 'CN',
      headimgurl: avatarUrl(origin, user.openid),
      privilege: [],
      ...(user.unionid !== undefined ? { unionid: user.unionid } : {}),
    })
  })

  app.all('/sns/auth', (c) => {
    const token = requireOAuthToken(c, state)
    if (c.req.query('openid') !== token.openid) throw new WechatApiFailure(40003)
    return wechatOk(c)
  })

  return app
}

function tokenAnswer(c: Context, record: OAuthTokenRecord, now: number, unionid?: string): Response {
  return wechatJson(c, {
    access_token: record.accessToken,
    expires_in: Math.floor((record.expiresAt - now) / 1000),
    refresh_token: record.refreshToken,
    openid: record.openid,
    scope: record.scope,
    ...(unionid !== undefined ? { unionid } : {}),
  })
}
