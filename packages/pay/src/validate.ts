import { WechatPayValidationError } from './errors.js'
import type { RefundRequest } from './types/refund.js'
import type { JsapiOrderRequest } from './types/transaction.js'

const fail = (field: string, reason: string): never => {
  throw new WechatPayValidationError(field, reason)
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*]{6,32}$/
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/

/** `out_trade_no`: 6–32 of `[0-9A-Za-z_-*]` (§16.3). */
export function checkOutTradeNo(value: unknown, field = 'out_trade_no'): string {
  if (typeof value !== 'string' || !OUT_TRADE_NO.test(value))
    fail(field, 'must be 6 to 32 characters of 0-9, A-Z, a-z, _, - and *')
  return value as string
}

/** `out_refund_no`: 1–64 of `[0-9A-Za-z_-|*@]`. */
export function checkOutRefundNo(value: unknown): string {
  if (typeof value !== 'string' || !OUT_REFUND_NO.test(value))
    fail('out_refund_no', 'must be 1 to 64 characters of 0-9, A-Z, a-z, _, -, |, * and @')
  return value as string
}

/** A `transaction_id`: WeChat's digits. */
export function checkTransactionId(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,32}$/.test(value)) fail('transaction_id', 'must be 1 to 32 digits')
  return value as string
}

/** An amount in fen: an integer ≥ 1 (and within what JSON carries exactly). */
export function checkFen(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    fail(field, 'must be an integer number of fen, at least 1')
  return value as number
}

/** `notify_url`: https, no query, at most 255 characters. */
export function checkNotifyUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length > 255)
    fail('notify_url', 'must be a URL of at most 255 characters')
  let url: URL | undefined
  try {
    url = new URL(value as string)
  } catch {
    fail('notify_url', 'must be an absolute URL')
  }
  if (url?.protocol !== 'https:') fail('notify_url', 'must use https')
  if ((value as string).includes('?') || (value as string).includes('#'))
    fail('notify_url', 'must not carry a query or fragment')
  if (url?.username || url?.password) fail('notify_url', 'must not carry credentials')
  return value as string
}

function checkText(field: string, value: unknown, max: number, required: boolean): void {
  if (value === undefined && !required) return
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string')
  if ((value as string).length > max) fail(field, `must be at most ${max} characters`)
}

function checkCurrency(field: string, value: unknown): void {
  if (value !== undefined && value !== 'CNY') fail(field, 'must be "CNY"')
}

/** Everything `POST /v3/pay/transactions/jsapi` would refuse, checked before the network. */
export function checkJsapiOrder(order: JsapiOrderRequest): void {
  if (typeof order !== 'object' || order === null) fail('order', 'must be an object')
  checkText('description', order.description, 127, true)
  checkOutTradeNo(order.out_trade_no)
  if (typeof order.amount !== 'object' || order.amount === null) fail('amount', 'must be { total }')
  checkFen('amount.total', order.amount.total)
  checkCurrency('amount.currency', order.amount.currency)
  if (typeof order.payer?.openid !== 'string' || order.payer.openid === '')
    fail('payer.openid', 'must be a non-empty string')
  checkNotifyUrl(order.notify_url)
  checkText('attach', order.attach, 128, false)
  if (order.appid !== undefined) checkText('appid', order.appid, 32, true)
  if (order.time_expire !== undefined) {
    if (
      typeof order.time_expire !== 'string' ||
      !RFC3339.test(order.time_expire) ||
      Number.isNaN(Date.parse(order.time_expire))
    )
      fail('time_expire', 'must be an RFC 3339 time like 2026-06-08T10:34:56+08:00')
  }
}

/** Everything `POST /v3/refund/domestic/refunds` would refuse, checked before the network. */
export function checkRefund(request: RefundRequest): void {
  if (typeof request !== 'object' || request === null) fail('refund', 'must be an object')
  const byTrade = request.out_trade_no !== undefined
  const byTransaction = request.transaction_id !== undefined
  if (byTrade === byTransaction) fail('out_trade_no', 'give exactly one of out_trade_no and transaction_id')
  if (byTrade) checkOutTradeNo(request.out_trade_no)
  else checkTransactionId(request.transaction_id)
  checkOutRefundNo(request.out_refund_no)
  if (typeof request.amount !== 'object' || request.amount === null)
    fail('amount', 'must be { refund, total }')
  const refund = checkFen('amount.refund', request.amount.refund)
  const total = checkFen('amount.total', request.amount.total)
  if (refund > total) fail('amount.refund', 'must not exceed amount.total')
  checkCurrency('amount.currency', request.amount.currency)
  checkText('reason', request.reason, 80, false)
  if (request.notify_url !== undefined) checkNotifyUrl(request.notify_url)
}
