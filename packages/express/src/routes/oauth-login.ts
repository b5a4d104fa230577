import { WechatRouteError } from '../errors.js'
import { queryParam } from '../http/query.js'
import { sendRedirect } from '../http/respond.js'
import { safeReturnTo } from '../oauth/return-to.js'
import type { ResolvedOptions } from '../option-types.js'
import type { RouteHandler } from './route-group.js'

/** The OAuth options of the resolved options, when the routes are on. */
export type OauthFeature = Exclude<ResolvedOptions['oauth'], false>

/**
 * `GET {prefix}/oauth/login?returnTo=/path&scope=…` → 302 to WeChat's authorize URL with a fresh `state`
 * bound to this browser (kept in its signed cookie: the server stores nothing for a login that never
 * comes back). An unsafe `returnTo` silently becomes `defaultReturnTo`. `redirect_uri` is built on
 * `publicUrl` (or, in development, the request's own origin) unless `oauth.redirectUri` is set.
 */
export const oauthLoginRoute: RouteHandler<OauthFeature> = async (oauth, context, req, res, mount) => {
  const scope = queryParam(req, 'scope') ?? oauth.scope
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
    throw new WechatRouteError('invalid_request', 'scope must be snsapi_base or snsapi_userinfo')
  }
  const returnTo = safeReturnTo(queryParam(req, 'returnTo')) ?? oauth.defaultReturnTo
  const redirectUri = oauth.redirectUri ?? `${context.siteOrigin(req)}${mount}/callback`
  const state = context.states.create(req, res, { returnTo, scope })
  sendRedirect(res, context.options.client.buildOauth2AuthorizeUrl({ redirectUri, scope, state }))
}
