import { createVerify, type KeyObject } from 'node:crypto'
import type { PayOrder } from '../pay/pay-ledger.js'

// Written apart from @wxkit/pay's signer on purpose: the emulator is the independent check of the client.

/** What the bridge needs from the emulated WeChat Pay to pay from a page. */
export interface BridgePayDeps {
  /** The order a prepay_id belongs to, across merchants. */
  orderByPrepayId(prepayId: string): PayOrder | undefined
  /** The registered public key of merchant `mchid` (the one that checks `Authorization` too). */
  merchantKey(mchid: string): KeyObject | undefined
  /** Why the order cannot be paid now (paid, closed, expired), or undefined. */
  unpayableReason(order: PayOrder): string | undefined
  /** The user pays: the same path as `control.payOrder`, so `TRANSACTION.SUCCESS` goes out. */
  pay(order: PayOrder, result: 'SUCCESS' | 'PAYERROR'): Promise<unknown>
}

/** The body of `POST /__wxkit/pay/brand-wcpay-request`: what `getBrandWCPayRequest` was invoked with. */
export interface BrandWcPayRequest {
  /** The appId of the call (jweixin puts the `wx.config` appId here). */
  appId: string
  /** The appId of the page's successful `wx.config`, when there was one. */
  configAppId?: string
  /** Unix seconds as a string (jweixin turns `chooseWXPay`'s `timestamp` into it). */
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…`. */
  package: string
  /** `RSA` for API v3 orders. */
  signType: string
  /** Base64 SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n` with the merchant's private key. */
  paySign: string
  /** What the user does at the cashier. @default 'SUCCESS' */
  result?: 'SUCCESS' | 'PAYERROR' | 'cancel'
}

/** What the WeChat client answers `getBrandWCPayRequest` with (before jweixin normalises it, §3.3). */
export type BrandWcPayResult =
  | { err_msg: 'get_brand_wcpay_request:ok' }
  | { err_msg: 'get_brand_wcpay_request:cancel' }
  | {
      err_msg: 'get_brand_wcpay_request:fail'
      /** Why, in the emulator's words (WeChat's own texts are undocumented; jweixin drops this field). */
      err_desc: string
    }

const FIELDS = ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const
const RESULTS = ['SUCCESS', 'PAYERROR', 'cancel']

const fail = (err_desc: string): BrandWcPayResult => ({ err_msg: 'get_brand_wcpay_request:fail', err_desc })

function isValidPaySign(key: KeyObject, request: BrandWcPayRequest): boolean {
  try {
    return createVerify('RSA-SHA256')
      .update(`${request.appId}\n${request.timeStamp}\n${request.nonceStr}\n${request.package}\n`, 'utf8')
      .verify(key, request.paySign, 'base64')
  } catch {
    return false
  }
}

/**
 * The WeChat client's side of an H5 payment (`wx.chooseWXPay` / `getBrandWCPayRequest`): checks `paySign`
 * with the merchant's registered public key, that the appId is the order's and the page's `wx.config`
 * one, and that the prepay_id names an order that can be paid; then the user pays (or cancels). Every
 * refusal is `get_brand_wcpay_request:fail` with an `err_desc`; nothing is paid then.
 */
export async function requestBrandWcPay(
  deps: BridgePayDeps,
  given: Partial<Record<keyof BrandWcPayRequest, unknown>>,
): Promise<BrandWcPayResult> {
  for (const field of FIELDS) {
    const value = given[field]
    if (value === undefined || value === null || value === '') return fail(`missing parameter: ${field}`)
    if (typeof value !== 'string') return fail(`${field} must be a string`)
  }
  const request = given as BrandWcPayRequest
  const result = request.result ?? 'SUCCESS'
  if (!RESULTS.includes(result)) return fail('result must be "SUCCESS", "PAYERROR" or "cancel"')
  if (!/^\d{1,12}$/.test(request.timeStamp)) return fail('timeStamp must be Unix seconds')
  if (request.signType !== 'RSA') return fail('signType must be RSA for an API v3 order')
  const prepayId = /^prepay_id=(.+)$/.exec(request.package)?.[1]
  if (prepayId === undefined) return fail('package must be prepay_id=…')
  const order = deps.orderByPrepayId(prepayId)
  if (!order) return fail('no order has this prepay_id')
  const key = deps.merchantKey(order.mchid)
  if (!key || !isValidPaySign(key, request)) return fail('invalid paySign')
  if (request.appId !== order.appid) return fail('appId is not the appid of the order')
  if (request.configAppId !== undefined && request.configAppId !== request.appId)
    return fail('appId is not the appId of wx.config')
  const unpayable = deps.unpayableReason(order)
  if (unpayable !== undefined) return fail(unpayable)
  if (result === 'cancel') return { err_msg: 'get_brand_wcpay_request:cancel' }
  try {
    await deps.pay(order, result)
  } catch {
    return fail('the order cannot be paid now')
  }
  return result === 'SUCCESS'
    ? { err_msg: 'get_brand_wcpay_request:ok' }
    : fail('the payment failed (PAYERROR)')
}
