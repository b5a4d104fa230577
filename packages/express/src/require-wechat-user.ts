import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { contextOf, missingContext } from './context/context-state.js'
import { sessionStoreFailed } from './context/wechat-context.js'
import { WechatRouteError } from './errors.js'
import { sendError, sendRedirect } from './http/respond.js'
import { safeReturnTo } from './oauth/return-to.js'

/** Options of {@link requireWechatUser}. */
export interface RequireWechatUserOptions {
  /**
   * Let only sessions of this kind through: `'mini'` (`POST /mini/login`) or `'oauth'` (H5 OAuth). A
   * session of the other kind is answered like no session: `401 unauthorized`.
   * @default either kind
   */
  source?: 'mini' | 'oauth' | undefined
  /**
   * Send a browser that navigates here signed out (a `GET` or `HEAD` whose `Accept` prefers `text/html`)
   * to the OAuth login with `returnTo` = this URL, instead of answering `401`. API calls (`fetch`, `Accept`
   * JSON or `*` / `*`) still get the JSON `401`. Not with `source: 'mini'`: a browser cannot sign into a
   * Mini Program session.
   * @default false
   */
  redirectToLogin?: boolean | undefined
  /**
   * Where the OAuth login route is, from the site root.
   * @default `{prefix}/oauth/login` of the context (right when `wechat()` is mounted at the root; pass it
   * when you mount `wechat()` on a path or `oauthRoutes()` yourself, e.g. `'/auth/wechat/login'`)
   */
  loginPath?: string | undefined
}

const SOURCES = ['mini', 'oauth']

/**
 * A guard for your own routes (mount it after `wechatContext()` or `wechat()`): lets a signed-in request
 * through, and answers any other with `401 { error: { code: 'unauthorized', … } }` — or, with
 * `redirectToLogin: true`, redirects a browser page view to the OAuth login, which brings the user back to
 * the same URL (checked by the same `returnTo` rules as the login route). When the session store is down
 * the guard answers `503 store_unavailable` rather than a 401 that would send a signed-in user to log in
 * again.
 *
 * @example
 * ```ts
 * app.get('/orders', requireWechatUser({ source: 'oauth', redirectToLogin: true }), (req, res) => {
 *   res.send(`Orders of ${req.wechatUser!.openid}`)
 * })
 * app.get('/api/orders', requireWechatUser(), (req, res) => res.json(ordersOf(req.wechatUser!.openid)))
 * ```
 */
export function requireWechatUser(options: RequireWechatUserOptions = {}): RequestHandler {
  const { source, redirectToLogin = false, loginPath } = validate(options)
  return function requireWechatUser(req: Request, res: Response, next: NextFunction): void {
    const context = contextOf(req)
    if (!context) {
      next(missingContext('requireWechatUser()'))
      return
    }
    const user = req.wechatUser
    if (user && (source === undefined || user.source === source)) {
      next()
      return
    }
    if (sessionStoreFailed(req)) {
      const error = new WechatRouteError(
        'store_unavailable',
        'The session store is unavailable; try again shortly',
      )
      sendError(req, res, error, context.options.onError)
      return
    }
    if (redirectToLogin && isPageView(req)) {
      const login = loginPath ?? (context.options.oauth ? `${context.options.prefix}/oauth/login` : undefined)
      if (login === undefined) {
        next(
          new Error(
            '@wxkit/express: requireWechatUser({ redirectToLogin: true }) needs the OAuth routes: turn oauth on or pass loginPath',
          ),
        )
        return
      }
      const returnTo = safeReturnTo(req.originalUrl)
      sendRedirect(res, returnTo === undefined ? login : `${login}?returnTo=${encodeURIComponent(returnTo)}`)
      return
    }
    const message =
      user === undefined
        ? 'Sign in first'
        : source === 'mini'
          ? 'Sign in with the Mini Program first'
          : 'Sign in with WeChat OAuth first'
    sendError(req, res, new WechatRouteError('unauthorized', message), context.options.onError)
  }
}

/** A browser navigating to a page: GET or HEAD, and `Accept` prefers HTML to JSON. */
function isPageView(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html'
}

function validate(options: RequireWechatUserOptions): RequireWechatUserOptions {
  const fail = (problem: string) => new TypeError(`@wxkit/express: requireWechatUser() ${problem}`)
  if (typeof options !== 'object' || options === null) throw fail('takes an options object')
  for (const key of Object.keys(options)) {
    if (!['source', 'redirectToLogin', 'loginPath'].includes(key)) throw fail(`has no option "${key}"`)
  }
  const { source, redirectToLogin, loginPath } = options
  if (source !== undefined && !SOURCES.includes(source))
    throw fail('option "source" must be "mini" or "oauth"')
  if (redirectToLogin !== undefined && typeof redirectToLogin !== 'boolean') {
    throw fail('option "redirectToLogin" must be a boolean')
  }
  if (redirectToLogin && source === 'mini') {
    throw fail('option "redirectToLogin" cannot send a browser to a Mini Program login (source "mini")')
  }
  if (loginPath !== undefined && (safeReturnTo(loginPath) !== loginPath || /[?#]/.test(loginPath))) {
    throw fail('option "loginPath" must be a path such as "/wechat/oauth/login" (no query)')
  }
  return options
}
