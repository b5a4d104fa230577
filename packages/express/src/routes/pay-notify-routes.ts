import type { WechatPay } from '@wxkit/pay'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { PayNotifyRoutesOptions } from '../pay/pay-notify-options.js'
import { PayNotifyRoute } from '../pay/pay-notify-route.js'
import { resolvePayNotifyOptions } from '../pay/resolve-pay-notify.js'
import type { RouteGroup, RouteHandler } from './route-group.js'

const notifyRoute: RouteHandler<PayNotifyRoute> = (route, _context, req, res) => route.answer(req, res)

/**
 * The notify route group of `wechat({ pay })`: `POST /pay/notify` (`GET` and `HEAD` get `405`, other
 * methods go on to the app like every route of `wechat()`).
 */
export const PAY_NOTIFY_ROUTES: RouteGroup<PayNotifyRoute> = {
  path: '/pay',
  select: (options) => options.pay,
  routes: (['GET', 'HEAD', 'POST'] as const).map((method) => ({
    method,
    path: '/notify',
    handler: notifyRoute,
    usesStore: false,
  })),
}

/**
 * WeChat Pay's payment and refund notifications (the `notify_url` of your orders) on the path the app
 * mounts it on. Each notification is verified over the exact bytes and decrypted by
 * `pay.parseNotification` of `@wxkit/pay`, then handed to `onTransaction` or `onRefund` **once per
 * notification `id`**, also across instances that share `store` and `lock`.
 *
 * | outcome | answer |
 * |---|---|
 * | the handler resolved now, or had run before | `204` |
 * | the handler threw; the store failed or was slower than `storeTimeoutMs`; a copy still running elsewhere | `500 {"code":"FAIL","message":…}`: WeChat Pay retries |
 * | bad signature, unknown serial, timestamp over 5 minutes off, `WECHATPAY/SIGNTEST/` probe | `401 FAIL` |
 * | verified but malformed (not JSON, wrong shape, not decryptable with the APIv3 key) | `400 FAIL` |
 * | body over 64 KiB / slower than `bodyTimeoutMs` / not `POST` | `413` / `408` / `405` FAIL |
 *
 * The handler's error never reaches the answer (it goes to `logger.error` and `onError`). The route reads
 * the raw body itself, so mount it **before** any body parser; a parser that consumed the body first gets
 * a `500` naming it (a `Buffer` from `express.raw()` or `req.rawBody` is used as is). It needs no
 * `wechatContext()`.
 *
 * @example
 * ```ts
 * const pay = new WechatPay({ mchId, appId, merchantSerialNo, privateKey, apiV3Key, platform })
 * app.use('/pay/notify', payNotifyRoutes(pay, {
 *   onTransaction: async (transaction) => orders.markPaid(transaction.out_trade_no, transaction),
 *   store: new Keyv({ store: new KeyvRedis(REDIS_URL) }),
 *   lock: createRedisLock(REDIS_URL),
 * }))
 * ```
 */
export function payNotifyRoutes(pay: WechatPay, options: PayNotifyRoutesOptions): RequestHandler {
  const route = new PayNotifyRoute(
    resolvePayNotifyOptions(pay, options, { path: '', clientOption: 'payNotifyRoutes(pay)' }),
    'payNotifyRoutes()',
  )
  return function wechatPayNotifyRoutes(req: Request, res: Response, next: NextFunction): void {
    // Mounted with app.use(path, …) the route answers that path alone; on app.post(path, …) its route's.
    if (req.path !== '/' && req.route === undefined) {
      next()
      return
    }
    void route.answer(req, res)
  }
}
