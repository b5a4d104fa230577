import type { RequestHandler } from 'express'
import { type JsSdkFeature, jssdkConfigRoute } from './jssdk-config.js'
import { mountRoutes, type RouteGroup } from './route-group.js'

/** The JS-SDK route group: `GET|HEAD /config` (HEAD answered like GET: it is read-only). */
export const JSSDK_ROUTES: RouteGroup<JsSdkFeature> = {
  path: '/jssdk',
  select: (options) => options.jssdk,
  routes: [
    { method: 'GET', path: '/config', handler: jssdkConfigRoute, usesStore: false },
    { method: 'HEAD', path: '/config', handler: jssdkConfigRoute, usesStore: false },
  ],
}

/**
 * The JS-SDK signing route on its own: `GET <mount>/config?url=<page url>` → `{ appId, timestamp,
 * nonceStr, signature, jsApiList? }`. Needs `wechatContext()` mounted before it; its options are the
 * context's `jssdk` options (`jssdk: false` turns it off).
 *
 * @example
 * ```ts
 * app.use(wechatContext(options))
 * app.use('/api/wechat/jssdk', jssdkRoutes()) // GET /api/wechat/jssdk/config?url=…
 * ```
 */
export function jssdkRoutes(): RequestHandler {
  return mountRoutes(JSSDK_ROUTES as RouteGroup<unknown>)
}
