import { queryParam } from '../http/query.js'
import { sendJson } from '../http/respond.js'
import { pageUrlToSign } from '../jssdk/page-url.js'
import type { ResolvedOptions } from '../option-types.js'
import type { RouteHandler } from './route-group.js'

/** The JS-SDK options of the resolved options, when the route is on. */
export type JsSdkFeature = Exclude<ResolvedOptions['jssdk'], false>

/**
 * `GET {prefix}/jssdk/config?url=<page url>` → `{ appId, timestamp, nonceStr, signature, jsApiList? }`,
 * for the page's `wx.config`. The URL's origin must be allowed (default: the request's own origin).
 *
 * Not an `async` function: the checks run (and throw) at once, and the answer is written as soon as the
 * client's promise settles, one promise hop in all.
 */
export const jssdkConfigRoute: RouteHandler<JsSdkFeature> = (jssdk, context, req, res) => {
  const allowedOrigins = jssdk.allowedOrigins ?? [context.siteOrigin(req)]
  const url = pageUrlToSign(queryParam(req, 'url'), allowedOrigins)
  return context.options.client.getJsSdkConfig(url).then((config) => {
    sendJson(res, 200, {
      appId: config.appId,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      ...(jssdk.jsApiList ? { jsApiList: jssdk.jsApiList } : {}),
    })
  })
}
