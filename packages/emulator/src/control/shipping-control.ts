import { type EventPushOutcome, pushOfficialAccountEvent } from '../push/official-account-events.js'
import type { EmulatorState } from '../state/emulator-state.js'
import {
  type CreatePaymentOptions,
  type PaymentKey,
  type ShippingOrderState,
  type ShippingPayment,
  shippingOrderJson,
} from '../state/shipping.js'

/** A payment named as the control calls name it: by `transaction_id`, or `mchid` + `out_trade_no`. */
export type PaymentRef = ({ transaction_id: string } | { mchid: string; out_trade_no: string }) & {
  /** @default the first app the emulator was started with */
  appId?: string
}

/** What `createPayment()` registered. */
export type CreatedPayment = Pick<
  ShippingPayment,
  'appId' | 'transaction_id' | 'mchid' | 'out_trade_no' | 'openid' | 'amount'
>

/** The argument of `setTradeManaged()`: a boolean for `managed`, or the full settings. */
export type SetTradeManagedOptions =
  | boolean
  | { managed: boolean; confirmationCompleted?: boolean; appId?: string }

/** What `shipping()` shows of one app. */
export interface ShippingSnapshot {
  tradeManaged: boolean
  confirmationCompleted: boolean
  /** The last `set_msg_jump_path`. */
  msgJumpPath: string | undefined
  /** Every payment as `get_order` answers it, plus the uploads spent and whether receipt was reminded. */
  orders: (Record<string, unknown> & { uploads: number; confirmReminded: boolean })[]
}

/** The argument of `pushTradeManageRemindShipping()`. */
export type RemindShippingOptions = PaymentRef & {
  /** The reminder text. @default '你的订单尚未发货，请尽快发货' */
  msg?: string
}

/** The order shipping part of the control API (§14.6). */
export interface ShippingControl {
  /** Register a WeChat Pay payment with the shipping endpoints (an order paid through the emulated Pay is registered by itself). */
  createPayment(options: CreatePaymentOptions): Promise<CreatedPayment>
  /** Decide `is_trade_managed` (and `is_trade_management_confirmation_completed`). Both start false. */
  setTradeManaged(options: SetTradeManagedOptions): Promise<void>
  /** Move a payment to an `order_state`, e.g. 5 (refunded) or 3 (receipt confirmed), which ends uploads (10060004). */
  setShippingOrderState(options: PaymentRef & { order_state: ShippingOrderState }): Promise<void>
  /** The app's shipping settings and payments. */
  shipping(options?: { appId?: string }): Promise<ShippingSnapshot>
  /** WeChat reminds the app to ship a payment: `trade_manage_remind_shipping` goes to the `configurePush` URL. */
  pushTradeManageRemindShipping(options: RemindShippingOptions): Promise<EventPushOutcome>
}

/** The names of the shipping control methods (HTTP control paths too). */
export const SHIPPING_CONTROL_METHODS = [
  'createPayment',
  'setTradeManaged',
  'setShippingOrderState',
  'shipping',
  'pushTradeManageRemindShipping',
] as const satisfies readonly (keyof ShippingControl)[]

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''

/** The in-process shipping control of one emulator's state. */
export function createShippingControl(
  state: EmulatorState,
  appIdOrFirst: (appId: string | undefined) => string,
): ShippingControl {
  const book = state.shipping

  const payment = (call: string, ref: PaymentRef | undefined): ShippingPayment => {
    const appId = appIdOrFirst(ref?.appId)
    let key: PaymentKey
    if (ref && 'transaction_id' in ref && isText(ref.transaction_id))
      key = { transaction_id: ref.transaction_id }
    else if (ref && 'mchid' in ref && isText(ref.mchid) && isText(ref.out_trade_no))
      key = { mchid: ref.mchid, out_trade_no: ref.out_trade_no }
    else throw new TypeError(`@wxkit/emulator: ${call} needs a transaction_id or an mchid and out_trade_no`)
    const found = book.find(appId, key)
    if (!found) throw new TypeError(`@wxkit/emulator: ${call}: no such payment (createPayment registers one)`)
    return found
  }

  return {
    async createPayment(options) {
      const { transaction_id, mchid, out_trade_no, openid, amount, description = '' } = options ?? {}
      for (const [name, value] of Object.entries({ mchid, out_trade_no, openid })) {
        if (!isText(value))
          throw new TypeError(`@wxkit/emulator: createPayment ${name} must be a non-empty string`)
      }
      if (transaction_id !== undefined && !isText(transaction_id))
        throw new TypeError('@wxkit/emulator: createPayment transaction_id must be a non-empty string')
      if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1)
        throw new TypeError('@wxkit/emulator: createPayment amount must be an integer number of fen ≥ 1')
      if (typeof description !== 'string')
        throw new TypeError('@wxkit/emulator: createPayment description must be a string')
      const appId = appIdOrFirst(options.appId)
      state.users.ensure(appId, openid)
      const record = book.register(
        {
          appId,
          mchid,
          out_trade_no,
          openid,
          amount,
          description,
          ...(transaction_id !== undefined ? { transaction_id } : {}),
        },
        state.now(),
      )
      return {
        appId,
        transaction_id: record.transaction_id,
        mchid,
        out_trade_no,
        openid,
        amount,
      }
    },

    async setTradeManaged(options) {
      const settings = typeof options === 'boolean' ? { managed: options } : options
      if (!settings || typeof settings !== 'object' || typeof settings.managed !== 'boolean')
        throw new TypeError('@wxkit/emulator: setTradeManaged needs a boolean or { managed: boolean }')
      const { confirmationCompleted } = settings as { confirmationCompleted?: unknown }
      if (confirmationCompleted !== undefined && typeof confirmationCompleted !== 'boolean')
        throw new TypeError('@wxkit/emulator: setTradeManaged confirmationCompleted must be a boolean')
      const app = book.settings(appIdOrFirst((settings as { appId?: string }).appId))
      app.managed = settings.managed
      if (confirmationCompleted !== undefined) app.confirmationCompleted = confirmationCompleted
    },

    async setShippingOrderState(options) {
      const target = payment('setShippingOrderState', options)
      if (![1, 2, 3, 4, 5, 6].includes(options.order_state))
        throw new TypeError('@wxkit/emulator: setShippingOrderState order_state must be 1 to 6')
      target.order_state = options.order_state
    },

    async shipping(options) {
      const appId = appIdOrFirst(options?.appId)
      const settings = book.settings(appId)
      return {
        tradeManaged: settings.managed,
        confirmationCompleted: settings.confirmationCompleted,
        msgJumpPath: settings.msgJumpPath,
        orders: book.list(appId).map((record) => ({
          ...shippingOrderJson(record),
          uploads: record.uploads,
          confirmReminded: record.confirmReminded,
        })),
      }
    },

    async pushTradeManageRemindShipping(options) {
      const target = payment('pushTradeManageRemindShipping', options)
      const msg = options.msg ?? '你的订单尚未发货，请尽快发货'
      if (typeof msg !== 'string')
        throw new TypeError('@wxkit/emulator: pushTradeManageRemindShipping msg must be a string')
      return pushOfficialAccountEvent(state, target.appId, target.openid, {
        Event: 'trade_manage_remind_shipping',
        transaction_id: target.transaction_id,
        merchant_id: target.mchid,
        merchant_trade_no: target.out_trade_no,
        pay_time: Math.floor(target.paidAt / 1000),
        msg,
      })
    },
  }
}
