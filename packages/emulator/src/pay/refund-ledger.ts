import type { MerchantRecord } from './merchants.js'
import { PayApiFailure } from './pay-failure.js'
import { canonical, digits, fen, notifyUrl, OUT_REFUND_NO, paramError, text } from './pay-fields.js'
import type { PayLedger } from './pay-ledger.js'
import { beijingTime } from './platform-signer.js'

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

/** Refunds of every merchant, against the orders of `orders` (§16.3, §16.4). */
export class RefundLedger {
  readonly #orders: PayLedger
  readonly #refunds = new Map<string, PayRefund>()

  constructor(orders: PayLedger) {
    this.#orders = orders
  }

  /** `POST /v3/refund/domestic/refunds`. */
  refund(merchant: MerchantRecord, body: Record<string, unknown>, now: number): PayRefund {
    const order =
      typeof body.out_trade_no === 'string'
        ? this.#orders.byOutTradeNo(merchant.mchid, body.out_trade_no)
        : typeof body.transaction_id === 'string'
          ? this.#orders.byTransactionId(merchant.mchid, body.transaction_id)
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
      const order = this.#orders.byOutTradeNo(refund.mchid, refund.out_trade_no)
      order.refunded -= refund.refund
      if (order.refunded === 0) order.state = 'SUCCESS'
    }
  }

  clear(): void {
    this.#refunds.clear()
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
