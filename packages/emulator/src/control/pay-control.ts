import type { EmulatorMerchant, MerchantRecord, PayPlatformMode } from '../pay/merchants.js'
import { type PayOrder, transactionJson } from '../pay/pay-ledger.js'
import type { EmulatorNotification } from '../pay/pay-notifier.js'
import { refundNotificationJson } from '../pay/refund-ledger.js'
import type { EmulatorState } from '../state/emulator-state.js'

/** The argument of `payOrder()`: the user paying an order. */
export interface PayOrderOptions {
  /** The order, by your number… */
  out_trade_no?: string
  /** …or by the prepay id the client got. */
  prepay_id?: string
  /** The merchant. @default the first merchant */
  mchid?: string
  /** The paying user; must be the order's `payer.openid` when given. */
  openid?: string
  /** `PAYERROR` plays a bank refusal (no notification). @default 'SUCCESS' */
  result?: 'SUCCESS' | 'PAYERROR'
}

/** The argument of `settleRefund()`. */
export interface SettleRefundOptions {
  out_refund_no: string
  /** @default the first merchant */
  mchid?: string
  /** @default 'SUCCESS' */
  result?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'
}

/** The WeChat Pay part of the control API (§16). */
export interface PayControl {
  /** Add (or replace) a merchant: its public key and serial check `Authorization` and `paySign`. */
  registerMerchant(merchant: EmulatorMerchant): Promise<void>
  /** Switch how answers to a merchant are signed (a migration between the two modes). */
  setPayPlatform(options: { mchid?: string; platform: PayPlatformMode }): Promise<void>
  /** The emulated WeChat Pay public key, for `platform: { publicKeyId, publicKey }`. */
  payPlatformKey(): Promise<{ publicKeyId: string; publicKey: string }>
  /** Sign with the next platform certificate from now on (the old one stays listed). */
  rotatePlatformCertificate(): Promise<{ serial_no: string }>
  /**
   * The user pays an order: it becomes `SUCCESS` (or `PAYERROR`) and a signed, encrypted
   * `TRANSACTION.SUCCESS` goes to `notify_url`; resolves after the first attempt with the transaction.
   */
  payOrder(options: PayOrderOptions): Promise<Record<string, unknown>>
  /** A processing refund succeeds (or turns abnormal/closed) and its notification is sent. */
  settleRefund(options: SettleRefundOptions): Promise<Record<string, unknown>>
  /** Every payment and refund notification with its attempts. */
  notifications(): Promise<EmulatorNotification[]>
  /** Send notifications for `from` (an https origin) to `to` instead, e.g. a local http test server. */
  routeNotifyUrl(options: { from: string; to: string }): Promise<void>
  /** Post one `WECHATPAY/SIGNTEST/` probe to `url`; resolves with the status it was answered. */
  sendProbe(url: string): Promise<{ status: number | undefined; error?: string }>
}

/** The names of the pay control methods (HTTP control paths too). */
export const PAY_CONTROL_METHODS = [
  'registerMerchant',
  'setPayPlatform',
  'payPlatformKey',
  'rotatePlatformCertificate',
  'payOrder',
  'settleRefund',
  'notifications',
  'routeNotifyUrl',
  'sendProbe',
] as const satisfies readonly (keyof PayControl)[]

/** The in-process pay control of one emulator's state. */
export function createPayControl(state: EmulatorState): PayControl {
  const pay = state.pay
  const merchantOf = (mchid: string | undefined): MerchantRecord => {
    const merchant = mchid === undefined ? pay.merchants.first() : pay.merchants.get(mchid)
    if (!merchant) throw new TypeError(`@wxkit/emulator: unknown merchant ${mchid ?? '(none registered)'}`)
    return merchant
  }

  return {
    async registerMerchant(merchant) {
      pay.merchants.register(merchant)
    },

    async setPayPlatform(options) {
      const merchant = merchantOf(options?.mchid)
      if (options?.platform !== 'publicKey' && options?.platform !== 'certificate')
        throw new TypeError('@wxkit/emulator: setPayPlatform platform must be "publicKey" or "certificate"')
      merchant.platform = options.platform
    },

    async payPlatformKey() {
      return pay.signer.publicKey
    },

    async rotatePlatformCertificate() {
      if (!pay.signer.rotate())
        throw new TypeError('@wxkit/emulator: no further platform certificate to rotate to')
      return { serial_no: pay.signer.activeSerial }
    },

    async payOrder(options) {
      const { out_trade_no, prepay_id, mchid, openid, result = 'SUCCESS' } = options ?? {}
      if (result !== 'SUCCESS' && result !== 'PAYERROR')
        throw new TypeError('@wxkit/emulator: payOrder result must be "SUCCESS" or "PAYERROR"')
      let order: PayOrder | undefined
      if (typeof prepay_id === 'string') order = pay.ledger.byPrepayId(prepay_id)
      else if (typeof out_trade_no === 'string') {
        const merchant = merchantOf(mchid)
        order = pay.ledger.orders().find((o) => o.mchid === merchant.mchid && o.out_trade_no === out_trade_no)
      } else throw new TypeError('@wxkit/emulator: payOrder needs an out_trade_no or a prepay_id')
      if (!order) throw new TypeError('@wxkit/emulator: payOrder: no such order')
      if (openid !== undefined && openid !== order.openid)
        throw new TypeError('@wxkit/emulator: payOrder: the order was placed for another payer.openid')
      return payAndNotify(state, order, result)
    },

    async settleRefund(options) {
      const merchant = merchantOf(options?.mchid)
      const result = options?.result ?? 'SUCCESS'
      if (!['SUCCESS', 'ABNORMAL', 'CLOSED'].includes(result))
        throw new TypeError('@wxkit/emulator: settleRefund result must be "SUCCESS", "ABNORMAL" or "CLOSED"')
      if (typeof options?.out_refund_no !== 'string')
        throw new TypeError('@wxkit/emulator: settleRefund needs an out_refund_no')
      let refund: ReturnType<typeof pay.refunds.refundByNo>
      try {
        refund = pay.refunds.refundByNo(merchant.mchid, options.out_refund_no)
      } catch {
        throw new TypeError('@wxkit/emulator: settleRefund: no such refund')
      }
      pay.refunds.settle(refund, result, state.now())
      const order = pay.ledger.byOutTradeNo(merchant.mchid, refund.out_trade_no)
      await pay.notifier.enqueue(
        merchant,
        `REFUND.${result}`,
        refund.notify_url ?? order.notify_url,
        refundNotificationJson(refund),
        {
          out_trade_no: refund.out_trade_no,
          out_refund_no: refund.out_refund_no,
        },
      )
      return refundNotificationJson(refund)
    },

    async notifications() {
      return pay.notifier.list()
    },

    async routeNotifyUrl(options) {
      pay.notifier.route(options?.from, options?.to)
    },

    async sendProbe(url) {
      if (typeof url !== 'string' || !/^https?:\/\//.test(url))
        throw new TypeError('@wxkit/emulator: sendProbe needs an http(s) URL')
      return pay.notifier.probe(url, pay.merchants.first())
    },
  }
}

/** The user pays `order` (the JS bridge and `payOrder` both end here). */
export async function payAndNotify(
  state: EmulatorState,
  order: PayOrder,
  result: 'SUCCESS' | 'PAYERROR',
): Promise<Record<string, unknown>> {
  const pay = state.pay
  pay.ledger.pay(order, result, state.now())
  if (result === 'SUCCESS') {
    for (const listener of pay.paidListeners) listener(order)
    const merchant = pay.merchants.get(order.mchid)
    if (merchant)
      await pay.notifier.enqueue(merchant, 'TRANSACTION.SUCCESS', order.notify_url, transactionJson(order), {
        out_trade_no: order.out_trade_no,
      })
  }
  return transactionJson(order)
}
