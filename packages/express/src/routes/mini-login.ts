import { readJsonBody } from '../http/json-body.js'
import { sendJson } from '../http/respond.js'
import type { WechatUser } from '../identity.js'
import { requireCode } from './code-input.js'
import type { RouteHandler } from './route-group.js'
import { signIn } from './sign-in.js'

/**
 * `POST {prefix}/mini/login` `{ code }` (the `wx.login` code) → `{ openid, unionid?, sessionToken }` and a
 * session. `wx.request` keeps no cookies, so the Mini Program sends `sessionToken` back as
 * `Authorization: Bearer <sessionToken>`; it is the signed session id and nothing else. The `session_key`
 * is kept in the session store only.
 */
export const miniLoginRoute: RouteHandler<true> = async (_feature, context, req, res) => {
  const body = await readJsonBody(req, context.options.bodyLimit, context.options.bodyTimeoutMs)
  const code = requireCode(body.code)
  const session = await context.options.client.jsCode2Session(code)
  const user: WechatUser = { openid: session.openid, source: 'mini' }
  if (session.unionid) user.unionid = session.unionid
  const sessionToken = await signIn(context, req, res, user, { sessionKey: session.session_key })
  if (sessionToken === undefined) return
  sendJson(res, 200, {
    openid: user.openid,
    ...(user.unionid ? { unionid: user.unionid } : {}),
    sessionToken,
  })
}
