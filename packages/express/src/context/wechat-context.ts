import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { resolveOptions, type WechatMiddlewareOptions } from '../options.js'
import { attachContext, contextOf, WechatContextState } from './context-state.js'

/**
 * The context middleware: sets `req.wechat` (the shared client), `req.wechatUser` (the signed-in identity
 * or `undefined`) and attaches what the route factories (`jssdkRoutes()`, `miniProgramRoutes()`,
 * `oauthRoutes()`, `sessionRoutes()`) need, so an app can mount each feature on its own path. Takes the
 * same options as {@link wechat}; `prefix` only tells the guards where `wechat()` would put the login.
 *
 * A request without a session cookie or bearer token costs no store round trip.
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
    enterContext(context, req, res, next)
  }
}

/**
 * Attaches `context` to the request and loads its session, then calls `then` (with an error when the
 * session could not be read). A request that already went through a context with the same session store
 * keeps what that one loaded: mounting twice reads the store once.
 */
export function enterContext(
  context: WechatContextState,
  req: Request,
  _res: Response,
  then: (error?: unknown) => void,
): void {
  const previous = contextOf(req)
  attachContext(req, context)
  req.wechat = context.options.client
  if (previous && previous.options.session.store === context.options.session.store && 'wechatUser' in req) {
    then()
    return
  }
  const loading = context.sessions.load(req)
  if (loading === undefined) {
    req.wechatUser = undefined
    then()
    return
  }
  loading.then(
    (record) => {
      req.wechatUser = record?.user
      then()
    },
    (error: unknown) => then(error),
  )
}
