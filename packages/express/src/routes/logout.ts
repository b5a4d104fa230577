import { sendJson } from '../http/respond.js'
import type { RouteHandler } from './route-context.js'

/** `POST {prefix}/logout` → `{ ok: true }`; deletes the session record and the cookie. Idempotent. */
export const logoutRoute: RouteHandler = async (context, req, res) => {
  await context.sessions.destroy(req, res)
  req.wechatUser = undefined
  sendJson(res, 200, { ok: true })
}
