import { WechatRouteError } from '../errors.js'
import { sendJson } from '../http/respond.js'
import type { RouteHandler } from './route-group.js'
import { publicIdentity } from './sign-in.js'

/** `GET {prefix}/me` → the signed-in identity, or `401 unauthorized`. */
export const meRoute: RouteHandler<true> = async (_feature, _context, req, res) => {
  if (!req.wechatUser) throw new WechatRouteError('unauthorized', 'Not signed in')
  sendJson(res, 200, publicIdentity(req.wechatUser))
}
