import type { JsapiPayParams } from '@wxkit/pay'

/** The fixed price of the Pay card, in fen (¥0.01): the server's, never the page's. */
export const DEMO_PRICE_FEN = 1

/** `GET /demo/pay`: whether the Pay card can order, and why not. */
export interface DemoPayAvailability {
  enabled: boolean
  /** What to set (or run) when it cannot. */
  reason?: string
  /** The price in fen. */
  amount: number
}

/** An order as the demo server knows it: paid only once WeChat Pay's notification said so. */
export interface DemoPayOrder {
  out_trade_no: string
  /** In fen. */
  amount: number
  /** `NOTPAY` until the notification, then `SUCCESS`. */
  state: 'NOTPAY' | 'SUCCESS'
  /** WeChat Pay's transaction id, from the notification. */
  transaction_id?: string
  /** When it was paid (RFC 3339, from the notification). */
  success_time?: string
  /** How many distinct notifications reached the handler for this order (the route runs each id once). */
  notifications: number
}

/** `POST /demo/pay/orders`: the new order and what the page pays with (`wx.chooseWXPay`). */
export interface DemoPayOrderCreated {
  order: DemoPayOrder
  payParams: JsapiPayParams
}
