import { randomBytes } from 'node:crypto'
import type { PayOrder } from '../pay/pay-ledger.js'

/** `order_state` (§14.6): 1 awaiting shipping, 2 shipped, 3 receipt confirmed, 4 completed, 5 refunded, 6 funds awaiting settlement. */
export type ShippingOrderState = 1 | 2 | 3 | 4 | 5 | 6

/** The argument of `createPayment()`: a WeChat Pay payment the shipping endpoints know. */
export interface CreatePaymentOptions {
  /** @default a new 28-digit id shaped like WeChat Pay's (`4200…`) */
  transaction_id?: string
  mchid: string
  out_trade_no: string
  /** The payer. */
  openid: string
  /** Fen. */
  amount: number
  /** @default '' */
  description?: string
  /** The Mini Program paid in. @default the first app the emulator was started with */
  appId?: string
}

/** A parcel as stored (and answered by `get_order`). */
export interface ShippingParcel {
  tracking_no?: string
  express_company?: string
  goods_desc: string
  /** Unix seconds. */
  upload_time: number
  contact?: { consignor_contact?: string; receiver_contact?: string }
}

/** The shipping uploaded for a payment. */
export interface ShippingRecord {
  delivery_mode: 1 | 2
  logistics_type: 1 | 2 | 3 | 4
  finish_shipping: boolean
  goods_desc: string
  finish_shipping_count: number
  shipping_list: ShippingParcel[]
}

/** A payment with its shipping state. */
export interface ShippingPayment {
  appId: string
  transaction_id: string
  mchid: string
  out_trade_no: string
  openid: string
  amount: number
  description: string
  /** Emulator time (ms) the order was created and paid. */
  createdAt: number
  paidAt: number
  order_state: ShippingOrderState
  /** Shipping uploads so far: the first, then one update (§14.6). */
  uploads: number
  shipping: ShippingRecord | undefined
  /** `notify_confirm_receive` was used (once per order). */
  confirmReminded: boolean
}

/** How a request names a payment. */
export type PaymentKey = { transaction_id: string } | { mchid: string; out_trade_no: string }

/** Per-app answers of `is_trade_managed` and `is_trade_management_confirmation_completed`. */
interface AppShipping {
  managed: boolean
  confirmationCompleted: boolean
  msgJumpPath: string | undefined
}

function digits(length: number): string {
  return [...randomBytes(length)].map((byte) => String(byte % 10)).join('')
}

/**
 * Order shipping management (§14.6): the payments each app's shipping endpoints know (from
 * `createPayment`, or an order paid through the emulated WeChat Pay), what was uploaded for each, and the
 * per-app settings. The routes check requests; this book holds the rules about a payment's history.
 */
export class ShippingBook {
  readonly #payments: ShippingPayment[] = []
  readonly #apps = new Map<string, AppShipping>()

  /** Register a payment; an identical repeat answers the existing one, a clash on either key throws. */
  register(
    options: Required<Omit<CreatePaymentOptions, 'transaction_id'>> & { transaction_id?: string },
    now: number,
  ): ShippingPayment {
    const transactionId = options.transaction_id ?? `4200${digits(24)}`
    const clash = this.#payments.find(
      (payment) =>
        payment.transaction_id === transactionId ||
        (payment.mchid === options.mchid && payment.out_trade_no === options.out_trade_no),
    )
    if (clash) {
      const same =
        clash.transaction_id === transactionId &&
        clash.mchid === options.mchid &&
        clash.out_trade_no === options.out_trade_no &&
        clash.appId === options.appId
      if (same) return clash
      throw new TypeError(
        '@wxkit/emulator: createPayment: that transaction_id or mchid + out_trade_no is taken',
      )
    }
    const payment: ShippingPayment = {
      appId: options.appId,
      transaction_id: transactionId,
      mchid: options.mchid,
      out_trade_no: options.out_trade_no,
      openid: options.openid,
      amount: options.amount,
      description: options.description,
      createdAt: now,
      paidAt: now,
      order_state: 1,
      uploads: 0,
      shipping: undefined,
      confirmReminded: false,
    }
    this.#payments.push(payment)
    return payment
  }

  /**
   * Register an order paid through the emulated WeChat Pay, with its own times. A payment registered by
   * hand under the same key keeps its place (the order is not registered twice).
   */
  registerPaidOrder(order: PayOrder): void {
    const { appid, mchid, out_trade_no, openid, total, description, transaction_id } = order
    if (
      transaction_id === undefined ||
      this.#payments.some(
        (p) => p.transaction_id === transaction_id || (p.mchid === mchid && p.out_trade_no === out_trade_no),
      )
    )
      return
    const payment = this.register(
      { appId: appid, transaction_id, mchid, out_trade_no, openid, amount: total, description },
      order.successAt ?? order.createdAt,
    )
    payment.createdAt = order.createdAt
  }

  /** `appId`'s payment named by `key`, if known (another app's payments are not found). */
  find(appId: string, key: PaymentKey): ShippingPayment | undefined {
    return this.#payments.find(
      (payment) =>
        payment.appId === appId &&
        ('transaction_id' in key
          ? payment.transaction_id === key.transaction_id
          : payment.mchid === key.mchid && payment.out_trade_no === key.out_trade_no),
    )
  }

  /** `appId`'s payments, in the order they were paid. */
  list(appId: string): ShippingPayment[] {
    return this.#payments.filter((payment) => payment.appId === appId)
  }

  /**
   * Why `payment` cannot take a shipping upload now: 10060004 unless it awaits shipping or was shipped,
   * 10060003 once the upload and its one update are spent. Undefined when it can.
   */
  uploadRefusal(payment: ShippingPayment): 10060003 | 10060004 | undefined {
    if (payment.order_state !== 1 && payment.order_state !== 2) return 10060004
    if (payment.uploads >= 2) return 10060003
    return undefined
  }

  /** Record an upload (checked with {@link uploadRefusal} first). */
  ship(payment: ShippingPayment, record: Omit<ShippingRecord, 'finish_shipping_count'>): void {
    payment.uploads++
    const before = payment.shipping?.finish_shipping_count ?? 0
    payment.shipping = { ...record, finish_shipping_count: before + (record.finish_shipping ? 1 : 0) }
    payment.order_state = 2
  }

  settings(appId: string): AppShipping {
    let settings = this.#apps.get(appId)
    if (!settings) {
      settings = { managed: false, confirmationCompleted: false, msgJumpPath: undefined }
      this.#apps.set(appId, settings)
    }
    return settings
  }

  clear(): void {
    this.#payments.length = 0
    this.#apps.clear()
  }
}

/** A payment as `get_order` and `get_order_list` answer it, with WeChat's field names. */
export function shippingOrderJson(payment: ShippingPayment): Record<string, unknown> {
  return {
    transaction_id: payment.transaction_id,
    merchant_id: payment.mchid,
    merchant_trade_no: payment.out_trade_no,
    description: payment.description,
    paid_amount: payment.amount,
    openid: payment.openid,
    trade_create_time: Math.floor(payment.createdAt / 1000),
    pay_time: Math.floor(payment.paidAt / 1000),
    in_complaint: false,
    order_state: payment.order_state,
    ...(payment.shipping ? { shipping: structuredClone(payment.shipping) } : {}),
  }
}
