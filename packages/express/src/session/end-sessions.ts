import type { Request, Response } from 'express'
import type { WechatContextState } from '../context/context-state.js'

/**
 * Signs the request out (`POST /logout` and `req.wechatSession.destroy()`): ends every session it
 * presented (bearer token and cookie), the OAuth login each came from (so its callback URL, still in the
 * browser's history, cannot sign in again) and the OAuth state cookie, then clears `req.wechatUser` and
 * `req.wechatSession`.
 */
export async function endSessions(context: WechatContextState, req: Request, res: Response): Promise<void> {
  for (const ended of await context.sessions.destroy(req, res)) {
    if (ended.oauthExchange) await context.exchange.end(ended.oauthExchange)
  }
  context.states.clear(req, res)
  req.wechatUser = undefined
  req.wechatSession = undefined
}
