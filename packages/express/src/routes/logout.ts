import { sendJson } from '../http/respond.js'
import { endSessions } from '../session/end-sessions.js'
import type { RouteHandler } from './route-group.js'

/**
 * `POST {prefix}/logout` → `{ ok: true }`; deletes the session record and the cookie, and ends the OAuth
 * login the session came from, so its callback URL (browser history) cannot sign in again. Idempotent.
 */
export const logoutRoute: RouteHandler<true> = async (_feature, context, req, res) => {
  await endSessions(context, req, res)
  sendJson(res, 200, { ok: true })
}
