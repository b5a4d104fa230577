import { randomBytes } from 'node:crypto'
import type { MerchantRecord } from './merchants.js'
import { PayApiFailure } from './pay-failure.js'
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

/** A refund the emulator holds. */
export interface PayRefund {
  mchid: string
  refund_id: string
  out_refund_no: string
  out_trade_no: string
  transaction_id: string
  refund: number
  total: number
  reason: string | undefined
  notify_url: string | undefined
  fingerprint: string
  createdAt: number
  status: 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED'
  successAt: number | undefined
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

const paramError = (message: string) => new PayApiFailure(400, 'PARAM_ERROR', message)
const OUT_TRADE_NO = /^[0-9A-Za-z_\-*]{6,32}$/
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/

function digits(length: number): string {
  return [...randomBytes(length)].map((byte) => String(byte % 10)).join('')
}

function compact(ms: number): string {
  return beijingTime(ms).slice(0, 19).replace(/\D/g, '')
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

function text(
  body: Record<string, unknown>,
  field: string,
  max: number,
  required: boolean,
): string | undefined {
  const value = body[field]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value === '')
    throw paramError(`输入源“/body/${field}”映射到字段“${field}”必填性规则校验失败，此字段为必填项`)
  if (value.length > max)
    throw paramError(
      `输入源“/body/${field}”映射到字段“${field}”字符串规则校验失败，字节数 ${value.length}，大于最大值 ${max}`,
    )
  return value
}

function notifyUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length > 255 || !/^https:\/\/[^?#\s]+$/.test(value))
    throw paramError('notify_url 格式错误：须为 https、不带参数且不超过 255 字符')
  return value
}

function fen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw paramError(`${field} 须为不小于 1 的整数（分）`)
  return value
}

/** Orders and refunds of every merchant, with WeChat Pay's state machine and errors. */
export class PayLedger {
  readonly #orders = new Map<string, PayOrder>()
  readonly #refunds = new Map<string, PayRefund>()

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

  /** `POST /v3/refund/domestic/refunds`. */
  refund(merchant: MerchantRecord, body: Record<string, unknown>, now: number): PayRefund {
    const order =
      typeof body.out_trade_no === 'string'
        ? this.byOutTradeNo(merchant.mchid, body.out_trade_no)
        : typeof body.transaction_id === 'string'
          ? this.byTransactionId(merchant.mchid, body.transaction_id)
          : (() => {
              throw paramError('transaction_id 和 out_trade_no 必须二选一')
            })()
    const outRefundNo = body.out_refund_no
    if (typeof outRefundNo !== 'string' || !OUT_REFUND_NO.test(outRefundNo))
      throw paramError('out_refund_no 格式错误')
    const amount = body.amount as Record<string, unknown> | undefined
    const refund = fen(amount?.refund, 'amount.refund')
    const total = fen(amount?.total, 'amount.total')
    if (amount?.currency !== 'CNY') throw paramError('amount.currency 须为 CNY')
    text(body, 'reason', 80, false)
    if (body.notify_url !== undefined) notifyUrl(body.notify_url)
    const fingerprint = canonical(body)
    const key = `${merchant.mchid}:${outRefundNo}`
    const existing = this.#refunds.get(key)
    if (existing) {
      if (existing.fingerprint !== fingerprint)
        throw new PayApiFailure(400, 'INVALID_REQUEST', '退款单号重复，且请求参数与原请求不一致')
      return existing
    }
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND')
      throw new PayApiFailure(400, 'INVALID_REQUEST', '订单未支付，不能退款')
    if (total !== order.total) throw paramError('amount.total 与订单金额不一致')
    if (refund > total - order.refunded)
      throw new PayApiFailure(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额')
    order.refunded += refund
    order.state = 'REFUND'
    const record: PayRefund = {
      mchid: merchant.mchid,
      refund_id: `5030${digits(25)}`,
      out_refund_no: outRefundNo,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id as string,
      refund,
      total,
      reason: body.reason as string | undefined,
      notify_url: body.notify_url as string | undefined,
      fingerprint,
      createdAt: now,
      status: 'PROCESSING',
      successAt: undefined,
    }
    this.#refunds.set(key, record)
    return record
  }

  /** The refund by `out_refund_no` (404 `RESOURCE_NOT_EXISTS` otherwise). */
  refundByNo(mchid: string, outRefundNo: string): PayRefund {
    const refund = this.#refunds.get(`${mchid}:${outRefundNo}`)
    if (!refund) throw new PayApiFailure(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
    return refund
  }

  /** Settle a refund that is still processing; a refund that did not go through gives its amount back. */
  settle(refund: PayRefund, result: 'SUCCESS' | 'ABNORMAL' | 'CLOSED', now: number): void {
    if (refund.status !== 'PROCESSING')
      throw new TypeError(`@wxkit/emulator: the refund is already ${refund.status}`)
    refund.status = result
    if (result === 'SUCCESS') refund.successAt = now
    else {
      const order = this.byOutTradeNo(refund.mchid, refund.out_trade_no)
      order.refunded -= refund.refund
      if (order.refunded === 0) order.state = 'SUCCESS'
    }
  }

  /** Every order, oldest first. */
  orders(): PayOrder[] {
    return [...this.#orders.values()]
  }

  clear(): void {
    this.#orders.clear()
    this.#refunds.clear()
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

/** A refund as the refund endpoints answer it. */
export function refundJson(refund: PayRefund): Record<string, unknown> {
  return {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt !== undefined ? { success_time: beijingTime(refund.successAt) } : {}),
    create_time: beijingTime(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: 'CNY',
    },
  }
}

/** The resource of a `REFUND.*` notification. */
export function refundNotificationJson(refund: PayRefund): Record<string, unknown> {
  return {
    mchid: refund.mchid,
    out_trade_no: refund.out_trade_no,
    transaction_id: refund.transaction_id,
    out_refund_no: refund.out_refund_no,
    refund_id: refund.refund_id,
    refund_status: refund.status,
    ...(refund.successAt !== undefined ? { success_time: beijingTime(refund.successAt) } : {}),
    user_received_account: '支付用户零钱',
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
    },
  }
}
