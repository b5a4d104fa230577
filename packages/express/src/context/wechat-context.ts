import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { WechatMiddlewareOptions } from '../option-types.js'
import { resolveOptions } from '../options.js'
import { WechatSession } from '../session/wechat-session.js'
import { attachContext, contextOf, WechatContextState } from './context-state.js'

/**
 * The context middleware: sets `req.wechat` (the shared client), `req.wechatUser` (the signed-in identity
 * or `undefined`) and `req.wechatSession`, and attaches what the route factories (`jssdkRoutes()`,
 * `miniProgramRoutes()`, `oauthRoutes()`, `sessionRoutes()`) need, so an app can mount each feature on its
 * own path. Takes the same options as {@link wechat}; `prefix` only tells `requireWechatUser()` where the
 * login is.
 *
 * A request without a session cookie or bearer token costs no store round trip. When the store fails or
 * is slower than `session.storeTimeoutMs`, the request carries on signed out (one warning per outage).
 *
 * @example
 * ```ts
 * app.use(wechatContext({ config, session: { secret } }))
 * app.use('/auth/wechat', oauthRoutes())   // GET /auth/wechat/login, GET /auth/wechat/callback
 * app.use('/api/wechat', jssdkRoutes())    // GET /api/wechat/config
 * ```
 */
export function wechatContext(options: WechatMiddlewareOptions): RequestHandler {
  const context = new WechatContextState(resolveOptions(options))
  return function wechatContextMiddleware(req: Request, res: Response, next: NextFunction): void {
    const loading = enterContext(context, req, res)
    if (loading === undefined) next()
    else loading.then(() => next())
  }
}

const STORE_FAILED = Symbol.for('@wxkit/express.storeFailed')

/** True when this request's session could not be read because the store failed. */
export function sessionStoreFailed(req: Request): boolean {
  return (req as unknown as Record<symbol, unknown>)[STORE_FAILED] === true
}

/**
 * Attaches `context` to the request and loads its session. Returns `undefined` when the request is ready
 * at once (no session cookie or bearer token, or a context with the same store already loaded it), else a
 * promise that settles, never rejecting, once the session is loaded. A request that already went through a
 * context with the same session store keeps what that one loaded: mounting twice reads the store once.
 *
 * Anonymous requests (every JS-SDK signature, most page views) thus cost no store round trip, no promise
 * and no closure.
 */
export function enterContext(
  context: WechatContextState,
  req: Request,
  res: Response,
): Promise<void> | undefined {
  const previous = contextOf(req)
  attachContext(req, context)
  req.wechat = context.options.client
  if (previous && previous.options.session.store === context.options.session.store) return undefined
  const loading = context.sessions.load(req)
  if (loading === undefined) {
    req.wechatUser = undefined
    req.wechatSession = undefined
    return undefined
  }
  return loading.then(
    (loaded) => {
      req.wechatSession = loaded ? new WechatSession(loaded, context, req, res) : undefined
      req.wechatUser = loaded?.record.user
    },
    () => {
      // The store already logged the outage once; this request is anonymous, and routes that need the
      // store answer 503 (see runRoute).
      ;(req as unknown as Record<symbol, unknown>)[STORE_FAILED] = true
      req.wechatUser = undefined
      req.wechatSession = undefined
    },
  )
}
