import { sendJson } from '../http/respond.js'
import type { RouteHandler } from './route-group.js'

/**
 * `POST {prefix}/logout` → `{ ok: true }`; deletes the session record and the cookie, and ends the OAuth
 * login the session came from, so its callback URL (browser history) cannot sign in again. Idempotent.
 */
export const logoutRoute: RouteHandler<true> = async (_feature, context, req, res) => {
  for (const ended of await context.sessions.destroy(req, res)) {
    if (ended.oauthExchange) await context.exchange.end(ended.oauthExchange)
  }
  context.states.clear(req, res)
  req.wechatUser = undefined
  sendJson(res, 200, { ok: true })
}
