import type { Request, Response } from 'express'
import type { WechatContextState } from '../context/context-state.js'
import type { WechatUser } from '../identity.js'
import type { SessionRecord } from '../session/session-manager.js'

/**
 * Finishes a login WeChat confirmed: sets `req.wechatUser`, runs `onLogin`, then starts a fresh session.
 * Resolves to the session token (the signed session id), or `undefined` when `onLogin` answered the request
 * itself (the route must not answer again).
 */
export async function signIn(
  context: WechatContextState,
  req: Request,
  res: Response,
  user: WechatUser,
  extra: Pick<SessionRecord, 'sessionKey' | 'oauthExchange'> = {},
): Promise<string | undefined> {
  req.wechatUser = user
  await context.options.onLogin?.(user, req, res)
  if (res.headersSent) return undefined
  return context.sessions.start(req, res, user, extra)
}

/** The identity as routes answer it: only the documented fields, nothing from the session record. */
export function publicIdentity(user: WechatUser): WechatUser {
  return {
    openid: user.openid,
    ...(user.unionid ? { unionid: user.unionid } : {}),
    source: user.source,
    ...(user.nickname ? { nickname: user.nickname } : {}),
    ...(user.avatar ? { avatar: user.avatar } : {}),
  }
}
