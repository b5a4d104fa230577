/** `trade_state` of an order (§16.3). */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

/** The argument of `jsapiOrder` (WeChat's field names; `appid`/`mchid` default from the config). */
export interface JsapiOrderRequest {
  /** What is bought, at most 127 characters. */
  description: string
  /** Your order number: 6–32 of `[0-9A-Za-z_-*]`, unique per merchant. */
  out_trade_no: string
  /** Amount in fen (integer ≥ 1); currency `CNY`. */
  amount: { total: number; currency?: 'CNY' | undefined }
  /** The paying user, by openid under `appid`. */
  payer: { openid: string }
  /** Where the payment result is posted: https, no query, at most 255 characters. */
  notify_url: string
  /** When the order stops accepting payment (RFC 3339, e.g. `2026-06-08T10:34:56+08:00`). */
  time_expire?: string | undefined
  /** Echoed back in queries and notifications, at most 128 characters. */
  attach?: string | undefined
  /** Overrides the config's `appId` for this order. */
  appid?: string | undefined
  /** Extra WeChat fields (`goods_tag`, `detail`, `scene_info`, `settle_info`…), sent as given. */
  [extra: string]: unknown
}

/** The answer of `POST /v3/pay/transactions/jsapi`. */
export interface JsapiOrderResponse {
  prepay_id: string
}

/** The parameters `wx.requestPayment` / `wx.chooseWXPay` / `getBrandWCPayRequest` take. */
export interface JsapiPayParams {
  appId: string
  /** Seconds since the epoch, as a string. */
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…` */
  package: string
  signType: 'RSA'
  paySign: string
}

/** A transaction as `queryOrder` answers it and `TRANSACTION.SUCCESS` notifications carry it. */
export interface Transaction {
  appid: string
  mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: string
  trade_state: TradeState
  trade_state_desc: string
  bank_type?: string
  attach?: string
  /** RFC 3339. */
  success_time?: string
  payer?: { openid: string }
  amount?: { total: number; payer_total?: number; currency: string; payer_currency?: string }
  [extra: string]: unknown
}
