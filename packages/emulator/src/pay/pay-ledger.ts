import { randomBytes } from 'node:crypto'
import type { MerchantRecord } from './merchants.js'
import { PayApiFailure } from './pay-failure.js'
import {
  canonical,
  compact,
  digits,
  fen,
  notifyUrl,
  OUT_TRADE_NO,
  paramError,
  RFC3339,
  text,
} from './pay-fields.js'
import { beijingTime } from './platform-signer.js'

/** `trade_state` values the emulator moves through (§16.3). */
export type EmulatorTradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR'

/** An order the emulator holds. */
export interface PayOrder {
  mchid: string
  appid: string
  out_trade_no: string
  prepay_id: string
  description: string
  attach: string | undefined
  notify_url: string
  time_expire: string | undefined
  total: number
  openid: string
  /** The request body's canonical JSON: a repeat with another body is a different order. */
  fingerprint: string
  createdAt: number
  state: EmulatorTradeState
  transaction_id: string | undefined
  successAt: number | undefined
  refunded: number
}

/** How long a prepay_id can be paid (§16.3: two hours). */
export const PREPAY_TTL_MS = 2 * 3600_000

const TRADE_STATE_DESC: Record<EmulatorTradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '订单已关闭',
  PAYERROR: '支付失败，请重新下单支付',
}

/** Orders of every merchant, with WeChat Pay's state machine and errors (refunds: refund-ledger.ts). */
export class PayLedger {
  readonly #orders = new Map<string, PayOrder>()

  /** `POST /v3/pay/transactions/jsapi`: a new order, or the same prepay_id for an identical repeat. */
  createJsapi(
    merchant: MerchantRecord,
    body: Record<string, unknown>,
    knownApp: (appId: string) => boolean,
    now: number,
  ): PayOrder {
    if (body.mchid !== merchant.mchid) throw paramError('mchid 与请求头中的商户号不一致')
    const appid = text(body, 'appid', 32, true) as string
    if (!knownApp(appid) || (merchant.appIds && !merchant.appIds.includes(appid)))
      throw new PayApiFailure(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    const description = text(body, 'description', 127, true) as string
    const outTradeNo = body.out_trade_no
    if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo))
      throw paramError('out_trade_no 须为 6-32 位数字、大小写字母、_-*')
    const attach = text(body, 'attach', 128, false)
    const url = notifyUrl(body.notify_url)
    const amount = body.amount as Record<string, unknown> | undefined
    const total = fen(amount?.total, 'amount.total')
    if (amount?.currency !== undefined && amount.currency !== 'CNY')
      throw paramError('amount.currency 须为 CNY')
    const openid = (body.payer as Record<string, unknown> | undefined)?.openid
    if (typeof openid !== 'string' || openid === '') throw paramError('payer.openid 必填')
    const timeExpire = body.time_expire
    if (
      timeExpire !== undefined &&
      (typeof timeExpire !== 'string' || !RFC3339.test(timeExpire) || Number.isNaN(Date.parse(timeExpire)))
    )
      throw paramError('time_expire 须为 RFC 3339 格式')

    const fingerprint = canonical({ ...body, amount: { ...amount, currency: 'CNY' } })
    const key = `${merchant.mchid}:${outTradeNo}`
    const existing = this.#orders.get(key)
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND')
        throw new PayApiFailure(400, 'ORDERPAID', '该订单已支付')
      if (existing.state === 'CLOSED') throw new PayApiFailure(400, 'ORDER_CLOSED', '该订单已关闭')
      if (existing.fingerprint !== fingerprint)
        throw new PayApiFailure(400, 'INVALID_REQUEST', '201 商户订单号重复')
      return existing
    }
    const order: PayOrder = {
      mchid: merchant.mchid,
      appid,
      out_trade_no: outTradeNo,
      prepay_id: `wx${compact(now)}${randomBytes(10).toString('hex')}`,
      description,
      attach,
      notify_url: url,
      time_expire: timeExpire as string | undefined,
      total,
      openid,
      fingerprint,
      createdAt: now,
      state: 'NOTPAY',
      transaction_id: undefined,
      successAt: undefined,
      refunded: 0,
    }
    this.#orders.set(key, order)
    return order
  }

  /** The order by `out_trade_no` (404 `ORDER_NOT_EXIST` otherwise). */
  byOutTradeNo(mchid: string, outTradeNo: string): PayOrder {
    const order = this.#orders.get(`${mchid}:${outTradeNo}`)
    if (!order) throw new PayApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在')
    return order
  }

  /** The order by `transaction_id` (404 `ORDER_NOT_EXIST` otherwise). */
  byTransactionId(mchid: string, transactionId: string): PayOrder {
    for (const order of this.#orders.values())
      if (order.mchid === mchid && order.transaction_id === transactionId) return order
    throw new PayApiFailure(404, 'ORDER_NOT_EXIST', '订单不存在')
  }

  /** The order a prepay id belongs to, across merchants. */
  byPrepayId(prepayId: string): PayOrder | undefined {
    for (const order of this.#orders.values()) if (order.prepay_id === prepayId) return order
    return undefined
  }

  /** `…/close`: paid orders cannot close; closing twice is harmless. */
  close(order: PayOrder): void {
    if (order.state === 'SUCCESS' || order.state === 'REFUND')
      throw new PayApiFailure(400, 'ORDERPAID', '订单已支付，不能关闭')
    order.state = 'CLOSED'
  }

  /** Why `order` cannot be paid at `now` (paid, closed, expired), or undefined when it can. */
  unpayableReason(order: PayOrder, now: number): string | undefined {
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return 'the order is already paid'
    if (order.state === 'CLOSED') return 'the order is closed'
    if (now - order.createdAt > PREPAY_TTL_MS) return 'the prepay_id has expired (2 hours)'
    if (order.time_expire && now > Date.parse(order.time_expire))
      return 'the order has passed its time_expire'
    return undefined
  }

  /** The user pays (or the bank refuses). Throws a `TypeError` when the order cannot be paid now. */
  pay(order: PayOrder, result: 'SUCCESS' | 'PAYERROR', now: number): void {
    const unpayable = this.unpayableReason(order, now)
    if (unpayable !== undefined) throw new TypeError(`@wxkit/emulator: ${unpayable}`)
    order.state = result
    if (result === 'SUCCESS') {
      order.transaction_id = `4200${digits(24)}`
      order.successAt = now
    }
  }

  /** Every order, oldest first. */
  orders(): PayOrder[] {
    return [...this.#orders.values()]
  }

  clear(): void {
    this.#orders.clear()
  }
}

/** An order as the query endpoint and the `TRANSACTION.SUCCESS` resource show it. */
export function transactionJson(order: PayOrder): Record<string, unknown> {
  const paid = order.transaction_id !== undefined
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.out_trade_no,
    ...(paid ? { transaction_id: order.transaction_id, bank_type: 'OTHERS' } : {}),
    trade_type: 'JSAPI',
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESC[order.state],
    attach: order.attach ?? '',
    ...(order.successAt !== undefined ? { success_time: beijingTime(order.successAt) } : {}),
    payer: { openid: order.openid },
    amount: paid
      ? { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' }
      : { payer_currency: 'CNY' },
  }
}
