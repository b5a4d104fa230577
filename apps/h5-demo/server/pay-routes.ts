import { randomBytes } from 'node:crypto'
import { requireWechatUser } from '@wxkit/express'
import { isWechatPayClientError, isWechatPayError, isWechatPayTimeoutError, type WechatPay } from '@wxkit/pay'
import { type NextFunction, type Request, type Response, Router } from 'express'
import { DEMO_PRICE_FEN, type DemoPayAvailability, type DemoPayOrderCreated } from '../shared/pay-order.js'
import type { DemoOrders } from './demo-orders.js'

/** The Pay card's merchant: the client, its order book and where WeChat Pay is to notify. */
export interface DemoPay {
  client: WechatPay
  orders: DemoOrders
  /** The public https URL of `/wechat/pay/notify` (the order's `notify_url`). */
  notifyUrl: string
}

/** Options of {@link payRoutes}. */
export interface PayRoutesOptions {
  /** The merchant; without it the card is off and {@link PayRoutesOptions.unavailable} says why. */
  pay?: DemoPay | undefined
  /** Why there is no merchant (what to set). */
  unavailable?: string
}

const OUT_TRADE_NO = /^H5[0-9a-z]{6,30}$/

/**
 * The "Pay ¥0.01" card's server side:
 * - `GET /demo/pay`: whether the card can order ({@link DemoPayAvailability}).
 * - `POST /demo/pay/orders` (signed-in only): orders ¥0.01 for the session's openid with `jsapiOrder`
 *   and answers the order and `jsapiPayParams` for `wx.chooseWXPay`. The body is never read: the page
 *   chooses neither the amount nor the payer.
 * - `GET /demo/pay/orders/:out_trade_no` (the order's payer only): the order as the server knows it,
 *   paid only once WeChat Pay's notification reached `/wechat/pay/notify` (`wechat({ pay })`).
 */
export function payRoutes(options: PayRoutesOptions): Router {
  const { pay } = options
  const router = Router()
  router.get('/demo/pay', (_req: Request, res: Response) => {
    const answer: DemoPayAvailability = {
      enabled: pay !== undefined,
      amount: DEMO_PRICE_FEN,
      ...(pay === undefined ? { reason: options.unavailable ?? 'WeChat Pay is not configured.' } : {}),
    }
    res.set('Cache-Control', 'no-store').json(answer)
  })

  router.post(
    '/demo/pay/orders',
    requireWechatUser(),
    async (req: Request, res: Response, next: NextFunction) => {
      res.set('Cache-Control', 'no-store')
      if (pay === undefined) {
        res.status(503).json({ error: { code: 'pay_unavailable', message: options.unavailable } })
        return
      }
      const openid = (req.wechatUser as { openid: string }).openid
      const out_trade_no = `H5${Date.now().toString(36)}${randomBytes(6).toString('hex')}`
      const order = pay.orders.add(out_trade_no, openid, DEMO_PRICE_FEN)
      try {
        const { prepay_id } = await pay.client.jsapiOrder({
          description: 'wxkit H5 demo: ¥0.01',
          out_trade_no, // a retry with the same number is safe: WeChat Pay answers the same prepay_id
          amount: { total: DEMO_PRICE_FEN },
          payer: { openid },
          notify_url: pay.notifyUrl,
        })
        const answer: DemoPayOrderCreated = { order, payParams: pay.client.jsapiPayParams(prepay_id) }
        res.json(answer)
      } catch (error) {
        pay.orders.delete(out_trade_no)
        const upstream = payErrorAnswer(error)
        if (upstream === undefined) {
          next(error)
          return
        }
        console.error(`h5-demo: WeChat Pay did not create ${out_trade_no}: ${upstream.message}`)
        res.status(upstream.status).json({ error: { code: upstream.code, message: upstream.message } })
      }
    },
  )

  router.get('/demo/pay/orders/:out_trade_no', requireWechatUser(), (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    const no = String(req.params.out_trade_no)
    const order =
      pay !== undefined && OUT_TRADE_NO.test(no)
        ? pay.orders.get(no, (req.wechatUser as { openid: string }).openid)
        : undefined
    if (order === undefined) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such order of yours' } })
      return
    }
    res.json(order)
  })
  return router
}

/** A WeChat Pay failure as the page sees it (built from the error's kind and code, never its request). */
function payErrorAnswer(error: unknown): { status: number; code: string; message: string } | undefined {
  if (isWechatPayError(error)) {
    const message = `WeChat Pay refused the order (${error.status} ${error.code})`
    return { status: 502, code: 'upstream_error', message }
  }
  if (isWechatPayTimeoutError(error)) {
    return { status: 504, code: 'upstream_timeout', message: 'WeChat Pay did not answer in time' }
  }
  if (isWechatPayClientError(error)) {
    return { status: 502, code: 'upstream_error', message: `WeChat Pay could not be used (${error.name})` }
  }
  return undefined
}
