import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'
import { contextOf } from './context/context-state.js'
import { isWxkitError } from './error-mapping.js'
import { sendError } from './http/respond.js'

/** Options of {@link wechatErrorHandler}. */
export interface WechatErrorHandlerOptions {
  /**
   * Called with every error the handler answers with a 5xx status, for logging.
   * @default the `onError` of the `wechatContext()` / `wechat()` the request went through
   */
  onError?: ((error: unknown, req: Request) => void) | undefined
}

/**
 * An Express error handler (four arguments: mount it after your routes) that answers every error of
 * wxkit — a `WechatRouteError` (such as `requireWechatUser()`'s 401 or a session store's 503) or any error of
 * `@wxkit/core` (`WechatError`, `WechatTimeoutError`, `WechatDecryptError`, …) — exactly as the middleware's
 * own routes do: `{ error: { code, message } }` with the code's status (45009 → `429 rate_limited`, an
 * expired code → `401 invalid_code`, another errcode → `502 upstream_error`, never a 500 for a known WeChat
 * error). The message is built from the error's kind and errcode only, so no secret, token or code reaches
 * the response. Any other error goes on to `next(error)`, to your own handler or Express's.
 *
 * @example
 * ```ts
 * app.post('/api/notify', requireWechatUser(), async (req, res) => {
 *   await req.wechat.sendMessage({ touser: req.wechatUser!.openid, template_id, data }) // may throw 45009
 *   res.json({ ok: true })
 * })
 * app.use(wechatErrorHandler()) // → 429 { error: { code: 'rate_limited', … } }
 * ```
 */
export function wechatErrorHandler(options: WechatErrorHandlerOptions = {}): ErrorRequestHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('@wxkit/express: wechatErrorHandler(options) takes an options object')
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('@wxkit/express: option "onError" of wechatErrorHandler must be a function')
  }
  const own = options.onError
  return function wechatErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isWxkitError(error) || res.headersSent) {
      next(error)
      return
    }
    sendError(req, res, error, own ?? contextOf(req)?.options.onError)
  }
}
