import type { RequestHandler } from 'express'
import { oauthCallbackRoute } from './oauth-callback.js'
import { type OauthFeature, oauthLoginRoute } from './oauth-login.js'
import { mountRoutes, type RouteGroup } from './route-group.js'

/**
 * The H5 OAuth route group: `GET /login` and `GET /callback`. No HEAD: both change state, so a link
 * checker's HEAD falls through to the app instead of creating or redeeming a login.
 */
export const OAUTH_ROUTES: RouteGroup<OauthFeature> = {
  path: '/oauth',
  select: (options) => options.oauth,
  routes: [
    { method: 'GET', path: '/login', handler: oauthLoginRoute },
    { method: 'GET', path: '/callback', handler: oauthCallbackRoute },
  ],
}

/**
 * The H5 OAuth login on its own: `GET <mount>/login?returnTo=&scope=` → 302 to WeChat, and
 * `GET <mount>/callback` (the default `redirect_uri`) → a session and 302 to `returnTo`. Needs
 * `wechatContext()` mounted before it (`oauth: false` there turns them off).
 *
 * @example
 * ```ts
 * app.use(wechatContext(options))
 * app.use('/auth/wechat', oauthRoutes()) // GET /auth/wechat/login, GET /auth/wechat/callback
 * ```
 */
export function oauthRoutes(): RequestHandler {
  return mountRoutes(OAUTH_ROUTES as RouteGroup<unknown>)
}
