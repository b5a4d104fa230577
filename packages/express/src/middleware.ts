import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { WechatContextState } from './context/context-state.js'
import { enterContext } from './context/wechat-context.js'
import type { WechatMiddlewareOptions } from './option-types.js'
import { resolveOptions } from './options.js'
import { JSSDK_ROUTES } from './routes/jssdk-routes.js'
import { MESSAGE_ROUTES } from './routes/message-routes.js'
import { MINI_PROGRAM_ROUTES } from './routes/mini-program-routes.js'
import { OAUTH_ROUTES } from './routes/oauth-routes.js'
import { PAY_NOTIFY_ROUTES } from './routes/pay-notify-routes.js'
import { type RouteGroup, routeTable, runRoute } from './routes/route-group.js'
import { SESSION_ROUTES } from './routes/session-routes.js'

/**
 * The route groups `wechat()` mounts under `prefix`, each at its own `path`. A new feature adds its group
 * here (and its factory for apps that mount it themselves).
 */
const GROUPS: readonly RouteGroup<unknown>[] = [
  JSSDK_ROUTES,
  MESSAGE_ROUTES,
  MINI_PROGRAM_ROUTES,
  OAUTH_ROUTES,
  PAY_NOTIFY_ROUTES,
  SESSION_ROUTES,
] as RouteGroup<unknown>[]

/**
 * The WeChat middleware for Express 4.21+ and 5: {@link wechatContext} plus every route group under
 * `prefix` (default `/wechat`), in one handler.
 *
 * On every request it sets `req.wechat` (the shared `Wechat` client) and `req.wechatUser` (the signed-in
 * identity or `undefined`), and under `prefix` it answers JSON routes:
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
 * | `GET\|POST /messages` | WeChat's push (with `messages`: a `WechatMessageServer`) |
 * | `POST /pay/notify` | WeChat Pay's notifications (with `pay`: a `WechatPay` and its handlers) |
 *
 * A session is a signed cookie, or for Mini Programs (no cookie jar) the same signed id sent back as
 * `Authorization: Bearer <sessionToken>`. Errors are `{ error: { code, message } }` with stable codes.
 * Options are validated at once: a bad option throws a `TypeError` naming `@wxkit/express` and the option.
 * The routes read their own JSON bodies, so the app needs no body parser. Mounting the middleware twice is
 * harmless and reads the session store once. To mount the features on paths of your own, use
 * {@link wechatContext} with `jssdkRoutes()`, `miniProgramRoutes()`, `oauthRoutes()` and `sessionRoutes()`
 * (and `messageRoutes(server)` and `payNotifyRoutes(pay, handlers)`, which need no context).
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
  const context = new WechatContextState(resolved)
  const routes = routeTable(
    resolved,
    GROUPS.map((group) => ({ group, base: `${resolved.prefix}${group.path}` })),
  )

  return function wechatMiddleware(req: Request, res: Response, next: NextFunction): void {
    const route = routes.get(`${req.method} ${req.path}`)
    const loading = enterContext(context, req, res)
    if (loading !== undefined) {
      loading.then(() => (route ? runRoute(context, route, req, res) : next()))
    } else if (route) runRoute(context, route, req, res)
    else next()
  }
}
