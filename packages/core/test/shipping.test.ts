import { createSign, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { DEFAULT_APP, DEFAULT_MERCHANT, type RunningEmulator } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import {
  ErrCode,
  formatShippingTime,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
  type UploadShippingInfoRequest,
  type Wechat,
  WechatMessageServer,
} from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'
import { AES_KEY, serve, TOKEN } from './push-fixture.js'

const UPLOAD = '/wxa/sec/order/upload_shipping_info'
const GET = '/wxa/sec/order/get_order'
const MCHID = '1900000109'
const OPENID = 'oShip000000000000000000000001'

/** An emulator, a client, and one payment the shipping endpoints know. */
async function setup(): Promise<{ emu: RunningEmulator; wechat: Wechat; transaction_id: string }> {
  const emu = await emulator()
  const wechat = client(emu)
  const { transaction_id } = await emu.control.createPayment({
    mchid: MCHID,
    out_trade_no: 'ORDER-1',
    openid: OPENID,
    amount: 990,
    description: 'Blue mug',
  })
  return { emu, wechat, transaction_id }
}

/** A valid upload for the payment `transaction_id`, with `overrides`. */
function shipping(
  transaction_id: string,
  overrides: Record<string, unknown> = {},
): UploadShippingInfoRequest {
  return {
    order_key: { order_number_type: 2, transaction_id },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: 'Blue mug' }],
    upload_time: new Date('2025-01-01T00:30:00Z'),
    payer: { openid: OPENID },
    ...overrides,
  } as UploadShippingInfoRequest
}

/** `call` fails with a WechatValidationError naming `field`, and nothing reached the emulator. */
async function expectRefusedBeforeSending(call: (wechat: Wechat) => Promise<unknown>, field: string) {
  const emu = await emulator()
  const error = await rejection(call(client(emu)))
  expect(isWechatValidationError(error) && error.field).toBe(field)
  expect((await emu.control.counters()).calls).toEqual({})
}

describe('formatShippingTime', () => {
  test('writes a Date in Beijing time with milliseconds and +08:00', () => {
    expect(formatShippingTime(new Date('2022-12-15T05:29:35.120Z'))).toBe('2022-12-15T13:29:35.120+08:00')
    expect(formatShippingTime(new Date('2024-12-31T20:00:00Z'))).toBe('2025-01-01T04:00:00.000+08:00')
  })
})

describe('uploadShippingInfo', () => {
  test('ships a payment by transaction_id or by mchid + out_trade_no; getShippingOrder shows it', async () => {
    const { wechat, transaction_id } = await setup()
    await wechat.uploadShippingInfo(shipping(transaction_id))
    const { order } = await wechat.getShippingOrder({ transaction_id })
    expect(order).toMatchObject({
      transaction_id,
      merchant_id: MCHID,
      merchant_trade_no: 'ORDER-1',
      order_state: 2,
      shipping: {
        logistics_type: 1,
        finish_shipping: true,
        shipping_list: [
          {
            tracking_no: 'SF1234567890',
            goods_desc: 'Blue mug',
            upload_time: Date.parse('2025-01-01T00:30:00Z') / 1000,
          },
        ],
      },
    })
    await wechat.uploadShippingInfo(
      shipping(transaction_id, {
        order_key: { order_number_type: 1, mchid: MCHID, out_trade_no: 'ORDER-1' },
        upload_time: '2025-01-01T09:00:00.5-02:00',
      }),
    )
    const again = await wechat.getShippingOrder({ merchant_id: MCHID, merchant_trade_no: 'ORDER-1' })
    expect(again.order.shipping?.shipping_list[0]?.upload_time).toBe(
      Date.parse('2025-01-01T11:00:00Z') / 1000,
    )
  })

  test('a payment can be updated once: the third upload is WechatError 10060003', async () => {
    const { wechat, transaction_id } = await setup()
    await wechat.uploadShippingInfo(shipping(transaction_id))
    await wechat.uploadShippingInfo(shipping(transaction_id))
    const error = await rejection(wechat.uploadShippingInfo(shipping(transaction_id)))
    expect(isWechatError(error) && error.errcode).toBe(10060003)
    expect(error).toMatchObject({ endpoint: UPLOAD })
  })

  test('an unknown payment is WechatError 10060001 (PaymentNotFound)', async () => {
    const { wechat } = await setup()
    const error = await rejection(wechat.uploadShippingInfo(shipping('4200000000000000000000000000')))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.PaymentNotFound)
  })

  test('a refunded payment is WechatError 10060004 (PaymentNotShippable)', async () => {
    const { emu, wechat, transaction_id } = await setup()
    await emu.control.setShippingOrderState({ transaction_id, order_state: 5 })
    const error = await rejection(wechat.uploadShippingInfo(shipping(transaction_id)))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.PaymentNotShippable)
  })

  test("another payer's openid is WechatError 40003", async () => {
    const { wechat, transaction_id } = await setup()
    const error = await rejection(
      wechat.uploadShippingInfo(shipping(transaction_id, { payer: { openid: 'oNot' } })),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
  })

  test('an injected 40001 refreshes the token once and ships once', async () => {
    const { emu, wechat, transaction_id } = await setup()
    await emu.control.injectFault({ path: UPLOAD, fault: { kind: 'errcode', errcode: 40001 } })
    await wechat.uploadShippingInfo(shipping(transaction_id))
    expect(await calls(emu, UPLOAD)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3) // cold, the normal repeat, one force refresh
    expect((await emu.control.shipping()).orders[0]).toMatchObject({ uploads: 1 })
  })

  test('a timeout is not retried: a repeat would spend the one update', async () => {
    const { emu, transaction_id } = await setup()
    const wechat = client(emu, { timeout: 300 })
    await emu.control.injectFault({ path: UPLOAD, fault: { kind: 'delay', ms: 1000 } })
    const error = await rejection(wechat.uploadShippingInfo(shipping(transaction_id)))
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, UPLOAD)).toBe(1)
  })

  const parcel = { tracking_no: 'T1', express_company: 'SF', item_desc: 'Mug' }
  test.each([
    [null, 'request'],
    [{ order_key: undefined }, 'order_key'],
    [{ order_key: { order_number_type: 3, transaction_id: 't' } }, 'order_key.order_number_type'],
    [{ order_key: { order_number_type: 1, mchid: MCHID } }, 'order_key.out_trade_no'],
    [{ order_key: { order_number_type: 1, out_trade_no: 'O' } }, 'order_key.mchid'],
    [
      { order_key: { order_number_type: 1, mchid: MCHID, out_trade_no: 'O', transaction_id: 't' } },
      'order_key.transaction_id',
    ],
    [{ order_key: { order_number_type: 2 } }, 'order_key.transaction_id'],
    [{ order_key: { order_number_type: 2, transaction_id: 't', mchid: MCHID } }, 'order_key.mchid'],
    [{ logistics_type: 0 }, 'logistics_type'],
    [{ logistics_type: 5 }, 'logistics_type'],
    [{ logistics_type: '1' }, 'logistics_type'],
    [{ delivery_mode: 3 }, 'delivery_mode'],
    [{ delivery_mode: 2 }, 'is_all_delivered'],
    [{ shipping_list: [] }, 'shipping_list'],
    [{ shipping_list: Array.from({ length: 16 }, () => parcel) }, 'shipping_list'],
    [{ shipping_list: 'SF1' }, 'shipping_list'],
    [{ shipping_list: [parcel, null] }, 'shipping_list[1]'],
    [{ shipping_list: [{ ...parcel, item_desc: '' }] }, 'shipping_list[0].item_desc'],
    [{ shipping_list: [{ ...parcel, tracking_no: undefined }] }, 'shipping_list[0].tracking_no'],
    [{ shipping_list: [{ ...parcel, express_company: undefined }] }, 'shipping_list[0].express_company'],
    [
      { shipping_list: [{ ...parcel, contact: { receiver_contact: '13800138000' } }] },
      'shipping_list[0].contact.receiver_contact',
    ],
    [
      { shipping_list: [{ ...parcel, contact: { consignor_contact: 1 } }] },
      'shipping_list[0].contact.consignor_contact',
    ],
    [{ upload_time: '2025-01-01T08:30:00' }, 'upload_time'],
    [{ upload_time: '2025-01-01 08:30:00+08:00' }, 'upload_time'],
    [{ upload_time: '2025-13-01T08:30:00+08:00' }, 'upload_time'],
    [{ upload_time: '2025-01-01T08:30:00+0800' }, 'upload_time'],
    [{ upload_time: '2025-02-30T08:30:00+08:00' }, 'upload_time'],
    [{ upload_time: '2025-01-01T24:00:00+08:00' }, 'upload_time'],
    [{ upload_time: '2025-01-01T08:30:00+08:60' }, 'upload_time'],
    [{ upload_time: 1735691400 }, 'upload_time'],
    [{ upload_time: new Date(Number.NaN) }, 'upload_time'],
    [{ payer: undefined }, 'payer'],
    [{ payer: {} }, 'payer.openid'],
  ])('refuses %j before any request (field %s)', async (overrides, field) => {
    const request = overrides === null ? null : shipping('4200000000000000000000000001', overrides)
    await expectRefusedBeforeSending((wechat) => wechat.uploadShippingInfo(request as never), field)
  })

  test('takes virtual goods without a tracking number and masked contacts', async () => {
    const { wechat, transaction_id } = await setup()
    await wechat.uploadShippingInfo(
      shipping(transaction_id, {
        logistics_type: 3,
        delivery_mode: 2,
        is_all_delivered: false,
        shipping_list: [{ item_desc: 'E-book', contact: { receiver_contact: '+86-177****7890' } }],
      }),
    )
    const { order } = await wechat.getShippingOrder({ transaction_id })
    expect(order.shipping).toMatchObject({ logistics_type: 3, delivery_mode: 2, finish_shipping: false })
  })
})

describe('uploadCombinedShippingInfo', () => {
  test('ships each sub-order; an unknown one is WechatError 10060001', async () => {
    const { emu, wechat, transaction_id } = await setup()
    await emu.control.createPayment({ mchid: MCHID, out_trade_no: 'SUB-1', openid: OPENID, amount: 1 })
    const sub = (out_trade_no: string) => ({
      order_key: { order_number_type: 1 as const, mchid: MCHID, out_trade_no },
      logistics_type: 4 as const,
      delivery_mode: 1 as const,
      shipping_list: [{ item_desc: 'Picked up at the shop' }],
    })
    const request = (subs: ReturnType<typeof sub>[]) => ({
      order_key: { order_number_type: 2 as const, transaction_id },
      sub_orders: subs,
      upload_time: new Date(),
      payer: { openid: OPENID },
    })
    const error = await rejection(wechat.uploadCombinedShippingInfo(request([sub('NOPE')])))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.PaymentNotFound)
    await wechat.uploadCombinedShippingInfo(request([sub('SUB-1')]))
    const { order } = await wechat.getShippingOrder({ merchant_id: MCHID, merchant_trade_no: 'SUB-1' })
    expect(order.order_state).toBe(2)
  })

  test.each([
    [{ sub_orders: [] }, 'sub_orders'],
    [{ sub_orders: [{ order_key: { order_number_type: 2 } }] }, 'sub_orders[0].order_key.transaction_id'],
    [
      { sub_orders: [{ order_key: { order_number_type: 2, transaction_id: 't' }, logistics_type: 9 }] },
      'sub_orders[0].logistics_type',
    ],
    [
      {
        sub_orders: [
          {
            order_key: { order_number_type: 2, transaction_id: 't' },
            logistics_type: 3,
            delivery_mode: 1,
            shipping_list: [],
          },
        ],
      },
      'sub_orders[0].shipping_list',
    ],
    [{ order_key: { order_number_type: 0 } }, 'order_key.order_number_type'],
    [{ upload_time: 'yesterday' }, 'upload_time'],
  ])('refuses %j before any request (field %s)', async (overrides, field) => {
    const request = {
      order_key: { order_number_type: 2, transaction_id: 't' },
      sub_orders: [
        {
          order_key: { order_number_type: 2, transaction_id: 's' },
          logistics_type: 3,
          delivery_mode: 1,
          shipping_list: [{ item_desc: 'x' }],
        },
      ],
      upload_time: new Date(),
      payer: { openid: OPENID },
      ...overrides,
    }
    await expectRefusedBeforeSending((wechat) => wechat.uploadCombinedShippingInfo(request as never), field)
  })
})

describe('getShippingOrder and getShippingOrderList', () => {
  test('an unknown payment is WechatError 10060001', async () => {
    const { wechat } = await setup()
    const error = await rejection(wechat.getShippingOrder({ transaction_id: '4200000000000000000000000000' }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.PaymentNotFound)
    expect(error).toMatchObject({ endpoint: GET })
  })

  test('getShippingOrder is retried after a timeout (it only reads)', async () => {
    const { emu, transaction_id } = await setup()
    const wechat = client(emu, { timeout: 300 })
    await emu.control.injectFault({ path: GET, fault: { kind: 'delay', ms: 1000 } })
    await expect(wechat.getShippingOrder({ transaction_id })).resolves.toMatchObject({
      order: { transaction_id },
    })
    expect(await calls(emu, GET)).toBe(2)
  })

  test('getShippingOrderList pages through the payments and filters them', async () => {
    const { emu, wechat } = await setup()
    await emu.control.createPayment({ mchid: MCHID, out_trade_no: 'ORDER-2', openid: 'oOther', amount: 1 })
    const first = await wechat.getShippingOrderList({ page_size: 1 })
    expect(first).toMatchObject({ has_more: true, order_list: [{ merchant_trade_no: 'ORDER-1' }] })
    const next = await wechat.getShippingOrderList({ page_size: 1, last_index: first.last_index })
    expect(next).toMatchObject({ has_more: false, order_list: [{ merchant_trade_no: 'ORDER-2' }] })
    expect((await wechat.getShippingOrderList({ openid: 'oOther' })).order_list).toHaveLength(1)
    expect((await wechat.getShippingOrderList()).order_list).toHaveLength(2)
    expect((await wechat.getShippingOrderList({ order_state: 2 })).order_list).toEqual([])
  })

  test.each([
    [{}, 'transaction_id'],
    [{ merchant_id: MCHID }, 'merchant_trade_no'],
    [{ transaction_id: 't', merchant_id: MCHID }, 'merchant_id'],
    [{ transaction_id: '' }, 'transaction_id'],
  ])('getShippingOrder refuses %j before any request (field %s)', async (request, field) => {
    await expectRefusedBeforeSending((wechat) => wechat.getShippingOrder(request as never), field)
  })

  test.each([
    [{ page_size: 0 }, 'page_size'],
    [{ page_size: 101 }, 'page_size'],
    [{ order_state: 7 }, 'order_state'],
    [{ openid: '' }, 'openid'],
    [{ last_index: 1 }, 'last_index'],
    [{ pay_time_range: { begin_time: Date.now() } }, 'pay_time_range.begin_time'],
    [{ pay_time_range: { end_time: -1 } }, 'pay_time_range.end_time'],
    [{ pay_time_range: { begin_time: 20, end_time: 10 } }, 'pay_time_range'],
  ])('getShippingOrderList refuses %j before any request (field %s)', async (request, field) => {
    await expectRefusedBeforeSending((wechat) => wechat.getShippingOrderList(request as never), field)
  })
})

describe('notifyConfirmReceive', () => {
  test('reminds once after shipping; before shipping and a second time it is WechatError 10060004', async () => {
    const { emu, wechat, transaction_id } = await setup()
    const before = await rejection(wechat.notifyConfirmReceive({ transaction_id, received_time: new Date() }))
    expect(isWechatError(before) && before.errcode).toBe(ErrCode.PaymentNotShippable)
    await wechat.uploadShippingInfo(shipping(transaction_id))
    await wechat.notifyConfirmReceive({
      merchant_id: MCHID,
      merchant_trade_no: 'ORDER-1',
      received_time: new Date(),
    })
    expect((await emu.control.shipping()).orders[0]).toMatchObject({ confirmReminded: true })
    const twice = await rejection(wechat.notifyConfirmReceive({ transaction_id, received_time: 1735691400 }))
    expect(isWechatError(twice) && twice.errcode).toBe(ErrCode.PaymentNotShippable)
  })

  test.each([
    [{ transaction_id: 't' }, 'received_time'],
    [{ transaction_id: 't', received_time: Date.now() }, 'received_time'],
    [{ transaction_id: 't', received_time: 1.5 }, 'received_time'],
    [{ received_time: 1 }, 'transaction_id'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    await expectRefusedBeforeSending((wechat) => wechat.notifyConfirmReceive(request as never), field)
  })
})

describe('setShippingMsgJumpPath, isTradeManaged, isTradeManagementConfirmationCompleted', () => {
  test('set the jump path and read what WeChat decided', async () => {
    const { emu, wechat } = await setup()
    await wechat.setShippingMsgJumpPath('pages/order/detail?from=shipping')
    expect((await emu.control.shipping()).msgJumpPath).toBe('pages/order/detail?from=shipping')
    expect(await wechat.isTradeManaged()).toBe(false)
    expect(await wechat.isTradeManagementConfirmationCompleted()).toBe(false)
    await emu.control.setTradeManaged({ managed: true, confirmationCompleted: true })
    expect(await wechat.isTradeManaged()).toBe(true)
    expect(await wechat.isTradeManagementConfirmationCompleted()).toBe(true)
  })

  test('setShippingMsgJumpPath refuses an empty path before any request', async () => {
    await expectRefusedBeforeSending((wechat) => wechat.setShippingMsgJumpPath(''), 'path')
  })
})

describe('trade_manage_remind_shipping', () => {
  test('pushTradeManageRemindShipping reaches a WechatMessageServer, signed and encrypted', async () => {
    const { emu, wechat, transaction_id } = await setup()
    const messages = new WechatMessageServer({ token: TOKEN, encodingAESKey: AES_KEY, appId: wechat.appId })
    const reminders: unknown[] = []
    messages.on('event.trade_manage_remind_shipping', (event) => void reminders.push(event))
    await emu.control.configurePush({
      url: await serve(messages),
      token: TOKEN,
      encodingAESKey: AES_KEY,
      format: 'json',
    })
    const outcome = await emu.control.pushTradeManageRemindShipping({ transaction_id, msg: 'Ship it' })
    expect(outcome.result?.attempts.at(-1)?.status).toBe(200)
    expect(reminders).toEqual([
      expect.objectContaining({
        MsgType: 'event',
        Event: 'trade_manage_remind_shipping',
        FromUserName: OPENID,
        transaction_id,
        merchant_id: MCHID,
        merchant_trade_no: 'ORDER-1',
        msg: 'Ship it',
      }),
    ])
  })
})

/** Place a JSAPI order with the emulator's merchant API, signed as the default merchant (§16.1). */
async function placeOrder(emu: RunningEmulator, out_trade_no: string, openid: string): Promise<void> {
  const path = '/v3/pay/transactions/jsapi'
  const body = JSON.stringify({
    appid: DEFAULT_APP.appId,
    mchid: DEFAULT_MERCHANT.mchid,
    description: 'Blue mug',
    out_trade_no,
    notify_url: 'https://shop.example/notify',
    amount: { total: 1990, currency: 'CNY' },
    payer: { openid },
  })
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = createSign('RSA-SHA256')
    .update(`POST\n${path}\n${timestamp}\n${nonce}\n${body}\n`)
    .sign(DEFAULT_MERCHANT.privateKey, 'base64')
  const response = await fetch(emu.payBaseUrl + path, {
    method: 'POST',
    headers: {
      Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${DEFAULT_MERCHANT.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${DEFAULT_MERCHANT.serialNo}"`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body,
  })
  expect(response.status).toBe(200)
}

describe('an order paid through the emulated WeChat Pay', () => {
  test('is known to the shipping endpoints: uploadShippingInfo by its transaction_id succeeds', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const shop = await listenForTest(createServer((_req, res) => res.writeHead(204).end()))
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: shop })
    await placeOrder(emu, 'PAID-1', OPENID)
    const unpaid = await rejection(
      wechat.getShippingOrder({ merchant_id: DEFAULT_MERCHANT.mchid, merchant_trade_no: 'PAID-1' }),
    )
    expect(isWechatError(unpaid) && unpaid.errcode).toBe(ErrCode.PaymentNotFound)

    const paid = await emu.control.payOrder({ out_trade_no: 'PAID-1', openid: OPENID })
    const transaction_id = paid.transaction_id as string
    await wechat.uploadShippingInfo(shipping(transaction_id))
    const { order } = await wechat.getShippingOrder({ transaction_id })
    expect(order).toMatchObject({
      merchant_id: DEFAULT_MERCHANT.mchid,
      merchant_trade_no: 'PAID-1',
      paid_amount: 1990,
      description: 'Blue mug',
      openid: OPENID,
      order_state: 2,
    })
  })

  test('a refused payment (PAYERROR) is not', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await placeOrder(emu, 'PAYERR-1', OPENID)
    await emu.control.payOrder({ out_trade_no: 'PAYERR-1', result: 'PAYERROR' })
    const error = await rejection(
      wechat.uploadShippingInfo(
        shipping('x', {
          order_key: { order_number_type: 1, mchid: DEFAULT_MERCHANT.mchid, out_trade_no: 'PAYERR-1' },
        }),
      ),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.PaymentNotFound)
  })
})
