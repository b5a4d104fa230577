import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { sendError } from './http/respond.js'
import { OauthCodeExchange } from './oauth/code-exchange.js'
import { OauthStateStore } from './oauth/oauth-state.js'
import { type ResolvedOptions, resolveOptions, type WechatMiddlewareOptions } from './options.js'
import { jssdkConfigRoute } from './routes/jssdk-config.js'
import { logoutRoute } from './routes/logout.js'
import { meRoute } from './routes/me.js'
import { miniLoginRoute } from './routes/mini-login.js'
import { miniPhoneRoute } from './routes/mini-phone.js'
import { oauthCallbackRoute } from './routes/oauth-callback.js'
import { oauthLoginRoute } from './routes/oauth-login.js'
import type { RouteContext, RouteHandler } from './routes/route-context.js'
import { SessionManager } from './session/session-manager.js'

/**
 * The WeChat middleware for Express 4.21+ and 5.
 *
 * On every request it sets `req.wechat` (the shared `Wechat` client) and `req.wechatUser` (the signed-in
 * identity or `undefined`), and under `prefix` (default `/wechat`) it answers JSON routes:
 *
 * | route | answer |
 * |---|---|
 * | `GET /jssdk/config?url=` | `{ appId, timestamp, nonceStr, signature, jsApiList? }` |
 * | `POST /mini/login` `{ code }` | `{ openid, unionid?, sessionToken }` + session |
 * | `POST /mini/phone` `{ code }` | `{ phoneNumber, purePhoneNumber, countryCode }` |
 * | `GET /oauth/login?returnTo=&scope=` | 302 to WeChat |
 * | `GET /oauth/callback?code&state` | session + 302 to `returnTo` |
 * | `GET /me` | the identity or 401 |
 * | `POST /logout` | `{ ok: true }` |
 *
 * A session is a signed cookie, or for Mini Programs (no cookie jar) the same signed id sent back as
 * `Authorization: Bearer <sessionToken>`. Errors are `{ error: { code, message } }` with stable codes.
 * Options are validated at once: a bad option throws a `TypeError` naming `@wxkit/express` and the option.
 * The routes read their own JSON bodies, so the app needs no body parser. Mounting the middleware twice is
 * harmless.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { wechat } from '@wxkit/express'
 *
 * const app = express()
 * app.set('trust proxy', 'loopback')
 * app.use(wechat({
 *   config: { appId: process.env.WECHAT_APP_ID!, appSecret: process.env.WECHAT_APP_SECRET! },
 *   session: { secret: process.env.SESSION_SECRET! },
 * }))
 * app.get('/hello', (req, res) => res.send(req.wechatUser ? `hi ${req.wechatUser.openid}` : 'hi'))
 * ```
 */
export function wechat(options: WechatMiddlewareOptions): RequestHandler {
  const resolved = resolveOptions(options)
  const context: RouteContext = {
    options: resolved,
    sessions: new SessionManager(resolved.session),
    states: new OauthStateStore(resolved.session),
    exchange: new OauthCodeExchange(resolved.client, resolved.session.store),
  }
  const routes = routeTable(resolved)

  const proceed = (req: Request, res: Response, next: NextFunction, route: RouteHandler | undefined) => {
    if (!route) {
      next()
      return
    }
    route(context, req, res).catch((error: unknown) => sendError(req, res, error, resolved.onError))
  }

  return function wechatMiddleware(req: Request, res: Response, next: NextFunction): void {
    req.wechat = resolved.client
    const route = routes.get(`${req.method} ${req.path}`)
    const loading = context.sessions.load(req)
    if (loading === undefined) {
      req.wechatUser = undefined
      proceed(req, res, next, route)
      return
    }
    loading.then(
      (record) => {
        req.wechatUser = record?.user
        proceed(req, res, next, route)
      },
      (error: unknown) => {
        if (route) sendError(req, res, error, resolved.onError)
        else next(error)
      },
    )
  }
}

function routeTable(options: ResolvedOptions): Map<string, RouteHandler> {
  const routes = new Map<string, RouteHandler>()
  const add = (method: string, path: string, handler: RouteHandler) =>
    routes.set(`${method} ${options.prefix}${path}`, handler)
  // HEAD is answered like GET (as Express does) on the read-only routes; the OAuth routes change state, so a
  // link checker's HEAD falls through to the app instead of creating or redeeming a login.
  if (options.jssdk) {
    add('GET', '/jssdk/config', jssdkConfigRoute)
    add('HEAD', '/jssdk/config', jssdkConfigRoute)
  }
  if (options.miniProgram) {
    add('POST', '/mini/login', miniLoginRoute)
    add('POST', '/mini/phone', miniPhoneRoute)
  }
  if (options.oauth) {
    add('GET', '/oauth/login', oauthLoginRoute)
    add('GET', '/oauth/callback', oauthCallbackRoute)
  }
  add('GET', '/me', meRoute)
  add('HEAD', '/me', meRoute)
  add('POST', '/logout', logoutRoute)
  return routes
}
