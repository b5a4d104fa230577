import type { JsSdkConfig } from '@wxkit/core'
import type { Response } from 'express'
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
 * Not an `async` function: the checks run (and throw) at once, and with the ticket in memory (every request
 * but the first few) the answer is written before the handler returns, with no promise at all.
 */
export const jssdkConfigRoute: RouteHandler<JsSdkFeature> = (jssdk, context, req, res) => {
  const allowedOrigins = jssdk.allowedOrigins ?? [context.siteOrigin(req)]
  const url = pageUrlToSign(queryParam(req, 'url'), allowedOrigins)
  const client = context.options.client
  const ready = client.peekJsSdkConfig(url)
  if (ready !== undefined) {
    sendConfig(res, ready, jssdk)
    return undefined
  }
  return client.getJsSdkConfig(url).then((config) => sendConfig(res, config, jssdk))
}

function sendConfig(res: Response, config: JsSdkConfig, jssdk: JsSdkFeature): void {
  sendJson(res, 200, {
    appId: config.appId,
    timestamp: config.timestamp,
    nonceStr: config.nonceStr,
    signature: config.signature,
    ...(jssdk.jsApiList ? { jsApiList: jssdk.jsApiList } : {}),
  })
}
