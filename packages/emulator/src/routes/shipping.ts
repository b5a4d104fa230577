import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'
import {
  type PaymentKey,
  type ShippingParcel,
  type ShippingPayment,
  type ShippingRecord,
  shippingOrderJson,
} from '../state/shipping.js'

const formatError = () => new WechatApiFailure(47001)
const RFC3339_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}:\d{2}(\.\d{1,9})?[+-]\d{2}:\d{2}$/
const UNMASKED = /\d{5}/

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

/**
 * Order shipping management (§14.6), all `POST /wxa/sec/order/…` with the global access_token. Payments come
 * from `createPayment()` or an order paid through the emulated WeChat Pay; each one's shipping can be
 * uploaded, then updated once. The rules and their errcodes are listed in the README.
 */
export function createShippingRoutes(state: EmulatorState): Hono {
  const app = new Hono()
  const book = state.shipping

  /** The payment of the token's app named by `order_key` (47001 malformed, 10060001 unknown). */
  const byOrderKey = (appId: string, value: unknown): ShippingPayment => {
    if (!isObject(value)) throw formatError()
    let key: PaymentKey
    if (value.order_number_type === 1 && isText(value.mchid) && isText(value.out_trade_no))
      key = { mchid: value.mchid, out_trade_no: value.out_trade_no }
    else if (value.order_number_type === 2 && isText(value.transaction_id))
      key = { transaction_id: value.transaction_id }
    else throw formatError()
    return known(appId, key)
  }

  /** The payment of a query call: `transaction_id`, or `merchant_id` + `merchant_trade_no`. */
  const byLookup = (appId: string, body: Record<string, unknown>): ShippingPayment => {
    if (isText(body.transaction_id)) return known(appId, { transaction_id: body.transaction_id })
    if (isText(body.merchant_id) && isText(body.merchant_trade_no))
      return known(appId, { mchid: body.merchant_id, out_trade_no: body.merchant_trade_no })
    throw formatError()
  }

  const known = (appId: string, key: PaymentKey): ShippingPayment => {
    const payment = book.find(appId, key)
    if (!payment) throw new WechatApiFailure(10060001)
    return payment
  }

  /** The delivery fields of an upload (or a sub-order), checked as WeChat does (47001 for each). */
  const delivery = (
    input: Record<string, unknown>,
    uploadTime: number,
  ): Omit<ShippingRecord, 'finish_shipping_count'> => {
    const {
      logistics_type: logistics,
      delivery_mode: mode,
      is_all_delivered: all,
      shipping_list: list,
    } = input
    if (logistics !== 1 && logistics !== 2 && logistics !== 3 && logistics !== 4) throw formatError()
    if (mode !== 1 && mode !== 2) throw formatError()
    if (mode === 2 && typeof all !== 'boolean') throw formatError()
    if (!Array.isArray(list) || list.length < 1 || list.length > 15) throw formatError()
    const parcels = list.map((item: unknown): ShippingParcel => {
      if (!isObject(item) || !isText(item.item_desc)) throw formatError()
      for (const name of ['tracking_no', 'express_company']) {
        if ((logistics === 1 || item[name] !== undefined) && !isText(item[name])) throw formatError()
      }
      const contact = item.contact
      if (contact !== undefined) {
        if (!isObject(contact)) throw formatError()
        for (const name of ['consignor_contact', 'receiver_contact']) {
          const number = contact[name]
          if (number !== undefined && (!isText(number) || UNMASKED.test(number))) throw formatError()
        }
      }
      return {
        ...(item.tracking_no !== undefined ? { tracking_no: item.tracking_no as string } : {}),
        ...(item.express_company !== undefined ? { express_company: item.express_company as string } : {}),
        goods_desc: item.item_desc,
        upload_time: uploadTime,
        ...(contact !== undefined ? { contact: structuredClone(contact) } : {}),
      }
    })
    return {
      delivery_mode: mode,
      logistics_type: logistics,
      finish_shipping: mode === 1 || all === true,
      goods_desc: parcels.map((parcel) => parcel.goods_desc).join('; '),
      shipping_list: parcels,
    }
  }

  /** `upload_time` (RFC 3339 with an offset) as unix seconds, 47001 otherwise. */
  const uploadTime = (value: unknown): number => {
    const match = typeof value === 'string' ? RFC3339_WITH_OFFSET.exec(value) : null
    const ms = match && match[4] !== '24' ? Date.parse(value as string) : Number.NaN
    // V8 parses 02-30 as 03-02: a date that does not round-trip is no date.
    const day = new Date(Date.UTC(Number(match?.[1]), Number(match?.[2]) - 1, Number(match?.[3])))
    if (Number.isNaN(ms) || day.getUTCDate() !== Number(match?.[3])) throw formatError()
    return Math.floor(ms / 1000)
  }

  /** `payer.openid` must be the payment's payer (40003 otherwise). */
  const payer = (value: unknown, payments: ShippingPayment[]): void => {
    if (!isObject(value) || !isText(value.openid)) throw formatError()
    if (payments.some((payment) => payment.openid !== value.openid)) throw new WechatApiFailure(40003)
  }

  const refuseUpload = (payment: ShippingPayment): void => {
    const refusal = book.uploadRefusal(payment)
    if (refusal) throw new WechatApiFailure(refusal)
  }

  app.all('/wxa/sec/order/upload_shipping_info', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const time = uploadTime(body.upload_time)
    const record = delivery(body, time)
    const payment = byOrderKey(token.appId, body.order_key)
    payer(body.payer, [payment])
    refuseUpload(payment)
    book.ship(payment, record)
    return wechatOk(c)
  })

  app.all('/wxa/sec/order/upload_combined_shipping_info', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const time = uploadTime(body.upload_time)
    if (!Array.isArray(body.sub_orders) || body.sub_orders.length === 0) throw formatError()
    const subs = body.sub_orders.map((sub: unknown) => {
      if (!isObject(sub)) throw formatError()
      return { record: delivery(sub, time), key: sub.order_key }
    })
    const combined = byOrderKey(token.appId, body.order_key)
    const payments = subs.map((sub) => ({ ...sub, payment: byOrderKey(token.appId, sub.key) }))
    payer(body.payer, [combined, ...payments.map((sub) => sub.payment)])
    for (const { payment } of payments) refuseUpload(payment)
    for (const { payment, record } of payments) book.ship(payment, record)
    return wechatOk(c)
  })

  app.all('/wxa/sec/order/get_order', async (c) => {
    const token = requireAccessToken(c, state)
    const payment = byLookup(token.appId, await readJsonBody(c))
    return wechatOk(c, { order: shippingOrderJson(payment) })
  })

  app.all('/wxa/sec/order/get_order_list', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const {
      pay_time_range: range,
      order_state: orderState,
      openid,
      last_index: lastIndex,
      page_size: size = 100,
    } = body
    const seconds = (value: unknown) =>
      value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    if (range !== undefined && (!isObject(range) || !seconds(range.begin_time) || !seconds(range.end_time)))
      throw formatError()
    if (orderState !== undefined && ![1, 2, 3, 4, 5, 6].includes(orderState as number)) throw formatError()
    if (openid !== undefined && !isText(openid)) throw formatError()
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) throw formatError()
    const start = lastIndex === undefined || lastIndex === '' ? 0 : Number(lastIndex)
    if (
      typeof lastIndex !== 'undefined' &&
      lastIndex !== '' &&
      (typeof lastIndex !== 'string' || !/^\d+$/.test(lastIndex))
    )
      throw formatError()
    const begin = (range as { begin_time?: number } | undefined)?.begin_time ?? 0
    const end = (range as { end_time?: number } | undefined)?.end_time ?? Number.POSITIVE_INFINITY
    const matching = book.list(token.appId).filter((payment) => {
      const paid = Math.floor(payment.paidAt / 1000)
      return (
        paid >= begin &&
        paid <= end &&
        (orderState === undefined || payment.order_state === orderState) &&
        (openid === undefined || payment.openid === openid)
      )
    })
    const page = matching.slice(start, start + size)
    return wechatOk(c, {
      order_list: page.map(shippingOrderJson),
      last_index: String(start + page.length),
      has_more: start + page.length < matching.length,
    })
  })

  app.all('/wxa/sec/order/notify_confirm_receive', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const received = body.received_time
    if (typeof received !== 'number' || !Number.isInteger(received) || received < 0) throw formatError()
    const payment = byLookup(token.appId, body)
    if (payment.order_state !== 2 || payment.confirmReminded) throw new WechatApiFailure(10060004)
    payment.confirmReminded = true
    return wechatOk(c)
  })

  app.all('/wxa/sec/order/set_msg_jump_path', async (c) => {
    const token = requireAccessToken(c, state)
    const { path } = await readJsonBody(c)
    if (!isText(path)) throw formatError()
    book.settings(token.appId).msgJumpPath = path
    return wechatOk(c)
  })

  app.all('/wxa/sec/order/is_trade_managed', async (c) => {
    const token = requireAccessToken(c, state)
    const { appid } = await readJsonBody(c)
    ownApp(token.appId, appid)
    return wechatOk(c, { is_trade_managed: book.settings(token.appId).managed })
  })

  app.all('/wxa/sec/order/is_trade_management_confirmation_completed', async (c) => {
    const token = requireAccessToken(c, state)
    const { appid } = await readJsonBody(c)
    ownApp(token.appId, appid)
    return wechatOk(c, { completed: book.settings(token.appId).confirmationCompleted })
  })

  return app
}

/** The `appid` of the two app questions: missing 47001, another app's 40013 (invalid appid). */
function ownApp(tokenAppId: string, appid: unknown): void {
  if (!isText(appid)) throw formatError()
  if (appid !== tokenAppId) throw new WechatApiFailure(40013)
}
