import type { ResolvedConfig } from '../config.js'
import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/**
 * Order shipping management (§14.6): a trading Mini Program reports how each WeChat Pay payment was
 * delivered, or WeChat may hold the money. Field names are WeChat's; every rule the fact sheet gives is
 * checked before sending.
 */

/** Which payment: by merchant and merchant order number (1), or by WeChat Pay transaction id (2). */
export type ShippingOrderKey =
  | { order_number_type: 1; mchid: string; out_trade_no: string; transaction_id?: never }
  | { order_number_type: 2; transaction_id: string; mchid?: never; out_trade_no?: never }

/** 1 express, 2 same-city delivery, 3 virtual goods, 4 pickup by the buyer. */
export type LogisticsType = 1 | 2 | 3 | 4

/** 1 unified (everything in one go), 2 split (several parcels: say whether this was the last). */
export type DeliveryMode = 1 | 2

/** Masked phone numbers (e.g. `+86-177****7890`), needed by some express companies. */
export interface ShippingContact {
  /** The sender's masked phone number. */
  consignor_contact?: string
  /** The receiver's masked phone number. */
  receiver_contact?: string
}

/** One parcel (or one delivery) of a payment. */
export interface ShippingItem {
  /** The tracking number: required for express (`logistics_type: 1`). */
  tracking_no?: string
  /** The express company's code: required for express (`logistics_type: 1`). */
  express_company?: string
  /** What was sent, e.g. `"Blue mug ×2"`. */
  item_desc: string
  contact?: ShippingContact
}

/** The delivery part shared by a payment and a sub-order of a combined payment. */
export interface ShippingDelivery {
  logistics_type: LogisticsType
  delivery_mode: DeliveryMode
  /** Split delivery only (and required there): whether this upload completes the order. */
  is_all_delivered?: boolean
  /** 1–15 parcels. */
  shipping_list: ShippingItem[]
}

/** Body of `POST /wxa/sec/order/upload_shipping_info`. */
export interface UploadShippingInfoRequest extends ShippingDelivery {
  order_key: ShippingOrderKey
  /**
   * When it shipped: RFC 3339 with an offset (`2022-12-15T13:29:35.120+08:00`), or a `Date`, which wxkit
   * writes in Beijing time (`+08:00`, as WeChat's own examples do).
   */
  upload_time: string | Date
  /** The paying user. */
  payer: { openid: string }
}

/** One sub-order of a combined payment. */
export interface CombinedShippingSubOrder extends ShippingDelivery {
  order_key: ShippingOrderKey
}

/** Body of `POST /wxa/sec/order/upload_combined_shipping_info` (a combined payment, 合单支付). */
export interface UploadCombinedShippingInfoRequest {
  /** The combined payment. */
  order_key: ShippingOrderKey
  /** Each sub-order's delivery (at least one). */
  sub_orders: CombinedShippingSubOrder[]
  /** As in {@link UploadShippingInfoRequest.upload_time}. */
  upload_time: string | Date
  payer: { openid: string }
}

/** A payment for the query calls: by transaction id, or by merchant and merchant order number. */
export type ShippingOrderLookup =
  | { transaction_id: string; merchant_id?: never; merchant_trade_no?: never; sub_merchant_id?: never }
  | { merchant_id: string; merchant_trade_no: string; sub_merchant_id?: string; transaction_id?: never }

/**
 * `order_state`: 1 awaiting shipping, 2 shipped, 3 receipt confirmed, 4 completed, 5 refunded, 6 funds
 * awaiting settlement.
 */
export type ShippingOrderState = 1 | 2 | 3 | 4 | 5 | 6

/** A parcel as WeChat reports it back. */
export interface ShippingOrderItem {
  tracking_no?: string
  express_company?: string
  goods_desc: string
  /** Unix seconds. */
  upload_time: number
  contact?: ShippingContact
}

/** A payment's shipping record, as `get_order` and `get_order_list` answer it. */
export interface ShippingOrder {
  transaction_id: string
  merchant_id: string
  sub_merchant_id?: string
  merchant_trade_no: string
  description: string
  /** Fen. */
  paid_amount: number
  openid: string
  /** Unix seconds. */
  trade_create_time: number
  /** Unix seconds. */
  pay_time: number
  in_complaint: boolean
  order_state: ShippingOrderState
  shipping?: {
    delivery_mode: DeliveryMode
    logistics_type: LogisticsType
    finish_shipping: boolean
    goods_desc: string
    finish_shipping_count: number
    shipping_list: ShippingOrderItem[]
  }
}

/** Result of {@link getShippingOrder}. */
export interface GetShippingOrderResponse {
  order: ShippingOrder
}

/** Body of `POST /wxa/sec/order/get_order_list`: every filter is optional. */
export interface GetShippingOrderListRequest {
  /** Payment time window, unix **seconds**. */
  pay_time_range?: { begin_time?: number; end_time?: number }
  order_state?: ShippingOrderState
  openid?: string
  /** The `last_index` of the previous page. */
  last_index?: string
  /** 1–100. */
  page_size?: number
}

/** Result of {@link getShippingOrderList}. */
export interface GetShippingOrderListResponse {
  order_list: ShippingOrder[]
  /** Pass it back as `last_index` for the next page. */
  last_index: string
  has_more: boolean
}

/** Body of `POST /wxa/sec/order/notify_confirm_receive`: remind the buyer to confirm receipt. */
export type NotifyConfirmReceiveRequest = ShippingOrderLookup & {
  /** When the parcel was received: unix seconds, or a `Date`. */
  received_time: number | Date
}

const RFC3339_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}:\d{2}(\.\d{1,9})?[+-]\d{2}:\d{2}$/
const BEIJING_OFFSET_MS = 8 * 3600_000
/** Unix seconds beyond this (year 2286) are a millisecond value passed for seconds. */
const MAX_SECONDS = 9_999_999_999

/** A `Date` as RFC 3339 in Beijing time, with milliseconds: `2022-12-15T13:29:35.120+08:00`. */
export function formatShippingTime(date: Date): string {
  return `${new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 23)}+08:00`
}

/** RFC 3339 with a numeric offset, naming a real time (V8's `Date.parse` takes Feb 30 and 24:00). */
function isShippingTime(value: string): boolean {
  const match = RFC3339_WITH_OFFSET.exec(value)
  if (!match || Number.isNaN(Date.parse(value)) || match[4] === '24') return false
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
}

function uploadTime(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new WechatValidationError('upload_time', 'is an invalid Date')
    return formatShippingTime(value)
  }
  if (typeof value !== 'string' || !isShippingTime(value)) {
    throw new WechatValidationError(
      'upload_time',
      'must be a Date or RFC 3339 with a numeric offset, e.g. 2022-12-15T13:29:35.120+08:00',
    )
  }
  return value
}

function orderKey(field: string, value: unknown): ShippingOrderKey {
  const key = requireObject(field, value)
  if (key.order_number_type === 1) {
    requireString(`${field}.mchid`, key.mchid, 32)
    requireString(`${field}.out_trade_no`, key.out_trade_no, 32)
    if (key.transaction_id !== undefined)
      throw new WechatValidationError(`${field}.transaction_id`, 'goes with order_number_type 2, not 1')
    return { order_number_type: 1, mchid: key.mchid as string, out_trade_no: key.out_trade_no as string }
  }
  if (key.order_number_type === 2) {
    requireString(`${field}.transaction_id`, key.transaction_id, 32)
    for (const name of ['mchid', 'out_trade_no']) {
      if (key[name] !== undefined)
        throw new WechatValidationError(`${field}.${name}`, 'goes with order_number_type 1, not 2')
    }
    return { order_number_type: 2, transaction_id: key.transaction_id as string }
  }
  throw new WechatValidationError(
    `${field}.order_number_type`,
    'must be 1 (mchid + out_trade_no) or 2 (transaction_id)',
  )
}

// Five digits in a row is more than a masked number shows (`177****7890`).
const UNMASKED = /\d{5}/

function contact(field: string, value: unknown): void {
  if (value === undefined) return
  const record = requireObject(field, value)
  for (const name of ['consignor_contact', 'receiver_contact']) {
    const number = record[name]
    if (number === undefined) continue
    requireString(`${field}.${name}`, number, 1024)
    if (UNMASKED.test(number as string))
      throw new WechatValidationError(`${field}.${name}`, "must be masked, e.g. '+86-177****7890'")
  }
}

function delivery(prefix: string, input: Record<string, unknown>): void {
  const { logistics_type: logistics, delivery_mode: mode, shipping_list: list } = input
  if (logistics !== 1 && logistics !== 2 && logistics !== 3 && logistics !== 4) {
    throw new WechatValidationError(
      `${prefix}logistics_type`,
      'must be 1 (express), 2 (same-city), 3 (virtual) or 4 (self-pickup)',
    )
  }
  if (mode !== 1 && mode !== 2)
    throw new WechatValidationError(`${prefix}delivery_mode`, 'must be 1 (unified) or 2 (split)')
  if (mode === 2 && typeof input.is_all_delivered !== 'boolean')
    throw new WechatValidationError(
      `${prefix}is_all_delivered`,
      'must be a boolean with delivery_mode 2 (split)',
    )
  if (!Array.isArray(list) || list.length < 1 || list.length > 15)
    throw new WechatValidationError(`${prefix}shipping_list`, 'must be an array of 1 to 15 items')
  list.forEach((item: unknown, index) => {
    const field = `${prefix}shipping_list[${index}]`
    const record = requireObject(field, item)
    requireString(`${field}.item_desc`, record.item_desc, 1024)
    for (const name of ['tracking_no', 'express_company']) {
      if (logistics === 1 || record[name] !== undefined) requireString(`${field}.${name}`, record[name], 128)
    }
    contact(`${field}.contact`, record.contact)
  })
}

function payer(value: unknown): void {
  requireString('payer.openid', requireObject('payer', value).openid, 128)
}

function uploadBody(request: UploadShippingInfoRequest) {
  const input = requireObject('request', request)
  const order_key = orderKey('order_key', input.order_key)
  delivery('', input)
  payer(input.payer)
  return { ...request, order_key, upload_time: uploadTime(input.upload_time) }
}

function combinedBody(request: UploadCombinedShippingInfoRequest) {
  const input = requireObject('request', request)
  const order_key = orderKey('order_key', input.order_key)
  if (!Array.isArray(input.sub_orders) || input.sub_orders.length === 0)
    throw new WechatValidationError('sub_orders', 'must be a non-empty array')
  const sub_orders = input.sub_orders.map((sub: unknown, index) => {
    const field = `sub_orders[${index}]`
    const record = requireObject(field, sub)
    const key = orderKey(`${field}.order_key`, record.order_key)
    delivery(`${field}.`, record)
    return { ...record, order_key: key }
  })
  payer(input.payer)
  return { ...request, order_key, sub_orders, upload_time: uploadTime(input.upload_time) }
}

function lookup(input: Record<string, unknown>) {
  if (input.transaction_id !== undefined) {
    requireString('transaction_id', input.transaction_id, 32)
    for (const name of ['merchant_id', 'merchant_trade_no', 'sub_merchant_id']) {
      if (input[name] !== undefined)
        throw new WechatValidationError(name, 'goes without transaction_id (name the payment one way)')
    }
    return { transaction_id: input.transaction_id as string }
  }
  if (input.merchant_id === undefined && input.merchant_trade_no === undefined)
    throw new WechatValidationError('transaction_id', 'or merchant_id + merchant_trade_no is required')
  requireString('merchant_id', input.merchant_id, 32)
  requireString('merchant_trade_no', input.merchant_trade_no, 32)
  if (input.sub_merchant_id !== undefined) requireString('sub_merchant_id', input.sub_merchant_id, 32)
  return {
    merchant_id: input.merchant_id as string,
    merchant_trade_no: input.merchant_trade_no as string,
    ...(input.sub_merchant_id !== undefined ? { sub_merchant_id: input.sub_merchant_id as string } : {}),
  }
}

function unixSeconds(field: string, value: unknown): number {
  const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
    throw new WechatValidationError(field, 'must be unix seconds (a non-negative integer) or a Date')
  if (seconds > MAX_SECONDS)
    throw new WechatValidationError(field, 'must be in seconds, not milliseconds (divide by 1000)')
  return seconds
}

function listBody(request: GetShippingOrderListRequest | undefined) {
  if (request === undefined) return {}
  const input = requireObject('request', request)
  if (input.pay_time_range !== undefined) {
    const range = requireObject('pay_time_range', input.pay_time_range)
    for (const name of ['begin_time', 'end_time']) {
      if (range[name] !== undefined) unixSeconds(`pay_time_range.${name}`, range[name])
    }
    if (
      typeof range.begin_time === 'number' &&
      typeof range.end_time === 'number' &&
      range.begin_time > range.end_time
    )
      throw new WechatValidationError('pay_time_range', 'begin_time must not be after end_time')
  }
  const state = input.order_state
  if (
    state !== undefined &&
    (typeof state !== 'number' || !Number.isInteger(state) || state < 1 || state > 6)
  )
    throw new WechatValidationError('order_state', 'must be an integer from 1 to 6')
  if (input.openid !== undefined) requireString('openid', input.openid, 128)
  if (input.last_index !== undefined && typeof input.last_index !== 'string')
    throw new WechatValidationError('last_index', "must be the previous page's last_index")
  const size = input.page_size
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100))
    throw new WechatValidationError('page_size', 'must be an integer from 1 to 100')
  return request
}

/** `{ appid }`: the two questions about the Mini Program itself. */
const appIdBody = (_: undefined, config: ResolvedConfig) => ({ appid: config.appId })

function needs<T>(endpoint: string, field: string, check: (value: unknown) => boolean) {
  return (body: Record<string, unknown>): T => {
    if (!check(body[field]))
      throw new WechatResponseError({ endpoint, reason: `no ${field} in the response` })
    return body[field] as T
  }
}

const isObject = (value: unknown) => value !== null && typeof value === 'object'

/**
 * `POST /wxa/sec/order/upload_shipping_info`. Not idempotent: a payment's shipping can be uploaded,
 * then updated once (§14.6), so a blind repeat after a lost answer would spend the update.
 */
export const uploadShippingInfo = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/upload_shipping_info',
  idempotent: false,
  json: uploadBody,
  read: (): void => undefined,
})

/** `POST /wxa/sec/order/upload_combined_shipping_info`: not idempotent, like `uploadShippingInfo`. */
export const uploadCombinedShippingInfo = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/upload_combined_shipping_info',
  idempotent: false,
  json: combinedBody,
  read: (): void => undefined,
})

/** `POST /wxa/sec/order/get_order`: one payment's shipping record (a read, retried). */
export const getShippingOrder = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/get_order',
  json: (request: ShippingOrderLookup) => lookup(requireObject('request', request)),
  read: (body: Record<string, unknown>): GetShippingOrderResponse => ({
    order: needs<ShippingOrder>('/wxa/sec/order/get_order', 'order', isObject)(body),
  }),
})

/** `POST /wxa/sec/order/get_order_list`: a page of payments (a read, retried). */
export const getShippingOrderList = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/get_order_list',
  json: listBody,
  read: (body: Record<string, unknown>): GetShippingOrderListResponse => ({
    order_list: needs<ShippingOrder[]>('/wxa/sec/order/get_order_list', 'order_list', Array.isArray)(body),
    last_index: typeof body.last_index === 'string' ? body.last_index : '',
    has_more: body.has_more === true,
  }),
})

/**
 * `POST /wxa/sec/order/notify_confirm_receive`. Once per order, so not retried after a transport failure
 * (a repeat would be refused).
 */
export const notifyConfirmReceive = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/notify_confirm_receive',
  idempotent: false,
  json: (request: NotifyConfirmReceiveRequest) => {
    const input = requireObject('request', request)
    return { ...lookup(input), received_time: unixSeconds('received_time', input.received_time) }
  },
  read: (): void => undefined,
})

/** `POST /wxa/sec/order/set_msg_jump_path`: setting the same path again is harmless, so it is retried. */
export const setShippingMsgJumpPath = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/set_msg_jump_path',
  json: (path: string) => {
    requireString('path', path, 1024)
    return { path }
  },
  read: (): void => undefined,
})

/** `POST /wxa/sec/order/is_trade_managed`: whether WeChat manages this Mini Program's shipping. */
export const isTradeManaged = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/is_trade_managed',
  json: appIdBody,
  read: needs<boolean>('/wxa/sec/order/is_trade_managed', 'is_trade_managed', (v) => typeof v === 'boolean'),
})

/** `POST /wxa/sec/order/is_trade_management_confirmation_completed`. */
export const isTradeManagementConfirmationCompleted = defineEndpoint({
  method: 'POST',
  path: '/wxa/sec/order/is_trade_management_confirmation_completed',
  json: appIdBody,
  read: needs<boolean>(
    '/wxa/sec/order/is_trade_management_confirmation_completed',
    'completed',
    (v) => typeof v === 'boolean',
  ),
})
