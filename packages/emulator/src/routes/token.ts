import { type Context, Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAppCredentials } from '../http/app-credentials.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatJson } from '../http/wechat-json.js'
import type { AccessTokenRecord } from '../state/access-tokens.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `GET /cgi-bin/token` and `POST /cgi-bin/stable_token` (§1): grant_type must be `client_credential`
 * (40002), then the app credentials are checked. Success is `{access_token, expires_in}` with no errcode.
 */
export function createTokenRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/token', (c) => {
    const query = c.req.query()
    if (query.grant_type !== 'client_credential') throw new WechatApiFailure(40002)
    const { appId } = requireAppCredentials(state, query.appid, query.secret, 40001)
    const now = state.now()
    const result = state.tokens.mintClassic(appId, now)
    if (!result.ok) throw new WechatApiFailure(result.errcode)
    return tokenAnswer(c, result.record, now)
  })

  app.all('/cgi-bin/stable_token', async (c) => {
    const body = await readJsonBody(c)
    if (body.grant_type !== 'client_credential') throw new WechatApiFailure(40002)
    const { appId } = requireAppCredentials(state, body.appid, body.secret)
    const force = body.force_refresh ?? false
    if (typeof force !== 'boolean') throw new WechatApiFailure(47001)
    const now = state.now()
    const result = state.tokens.mintStable(appId, force, now)
    if (!result.ok) {
      throw new WechatApiFailure(
        result.errcode,
        result.errcode === 45011
          ? 'api freq out of limit: force_refresh at most once every 30 seconds'
          : 'reach max api daily quota limit: force_refresh at most 20 times a day',
      )
    }
    return tokenAnswer(c, result.record, now)
  })

  return app
}

function tokenAnswer(c: Context, record: AccessTokenRecord, now: number): Response {
  const expiresIn = Math.max(0, Math.floor((record.expiresAt - now) / 1000))
  return wechatJson(c, { access_token: record.token, expires_in: expiresIn })
}
