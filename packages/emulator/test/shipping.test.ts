import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP, DEFAULT_MERCHANT } from '../src/index.js'
import { classicToken, emulator, FIXED_NOW, postJson, RID } from './support/emulator-fixture.js'
import { jsapiBody, payFetch } from './support/pay-requests.js'
import { receiver } from './support/push-receiver.js'

const MCHID = '1900000109'
const OPENID = 'oShip000000000000000000000001'

/** An emulator, a token, one registered payment, and a way to call the shipping paths. */
async function setup() {
  const e = await emulator()
  const access = await classicToken(e)
  const payment = await e.control.createPayment({
    mchid: MCHID,
    out_trade_no: 'ORDER-1',
    openid: OPENID,
    amount: 990,
    description: 'Blue mug',
  })
  const call = (name: string, body: unknown) =>
    postJson(`${e.apiBaseUrl}/wxa/sec/order/${name}?access_token=${access}`, body)
  return { e, payment, call }
}

/** A valid `upload_shipping_info` body for `key`, with `overrides`. */
function upload(key: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    order_key: key,
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ tracking_no: 'SF1', express_company: 'SF', item_desc: 'Blue mug' }],
    upload_time: '2025-01-01T08:30:00.000+08:00',
    payer: { openid: OPENID },
    ...overrides,
  }
}

describe('createPayment', () => {
  it('hands out a 28-digit transaction_id shaped like WeChat Pay’s, or keeps the one given', async () => {
    const { e, payment } = await setup()
    expect(payment).toEqual({
      appId: DEFAULT_APP.appId,
      transaction_id: expect.stringMatching(/^4200\d{24}$/),
      mchid: MCHID,
      out_trade_no: 'ORDER-1',
      openid: OPENID,
      amount: 990,
    })
    const given = await e.control.createPayment({
      transaction_id: '4200000000000000000000000042',
      mchid: MCHID,
      out_trade_no: 'ORDER-2',
      openid: OPENID,
      amount: 1,
    })
    expect(given.transaction_id).toBe('4200000000000000000000000042')
  })

  it('refuses a taken key and malformed fields, over HTTP too', async () => {
    const { e } = await setup()
    const http = connectEmulator(e.url)
    await expect(
      http.createPayment({ mchid: MCHID, out_trade_no: 'ORDER-1', openid: 'oOther', amount: 1 }),
    ).rejects.toThrow(/taken/)
    await expect(
      http.createPayment({ mchid: MCHID, out_trade_no: 'X', openid: OPENID, amount: 1.5 }),
    ).rejects.toThrow(/amount/)
    await expect(
      http.createPayment({ mchid: '', out_trade_no: 'X', openid: OPENID, amount: 1 }),
    ).rejects.toThrow(/mchid/)
  })
})

describe('POST /wxa/sec/order/upload_shipping_info', () => {
  it('takes an upload by either key, then one update, then answers 10060003', async () => {
    const { e, payment, call } = await setup()
    const byTransaction = { order_number_type: 2, transaction_id: payment.transaction_id }
    const byMerchant = { order_number_type: 1, mchid: MCHID, out_trade_no: 'ORDER-1' }
    expect(await call('upload_shipping_info', upload(byTransaction))).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await call('upload_shipping_info', upload(byMerchant))).toEqual({ errcode: 0, errmsg: 'ok' })
    const third = await call('upload_shipping_info', upload(byTransaction))
    expect(third).toMatchObject({ errcode: 10060003, errmsg: expect.stringMatching(RID) })
    const [order] = (await e.control.shipping()).orders
    expect(order).toMatchObject({ order_state: 2, uploads: 2 })
  })

  it('answers 10060001 for a payment it does not know, or one of another app', async () => {
    const other = { appId: 'wx00000000000other', appSecret: 'other-secret-0000000000000000000' }
    const e = await emulator({ apps: [DEFAULT_APP, other] })
    await e.control.createPayment({
      appId: other.appId,
      mchid: MCHID,
      out_trade_no: 'THEIRS',
      openid: OPENID,
      amount: 1,
    })
    const access = await classicToken(e)
    const body = upload({ order_number_type: 1, mchid: MCHID, out_trade_no: 'THEIRS' })
    const answer = await postJson(
      `${e.apiBaseUrl}/wxa/sec/order/upload_shipping_info?access_token=${access}`,
      body,
    )
    expect(answer.errcode).toBe(10060001)
  })

  it('answers 10060004 once the payment is refunded or its receipt confirmed', async () => {
    const { e, payment, call } = await setup()
    await e.control.setShippingOrderState({ transaction_id: payment.transaction_id, order_state: 5 })
    const key = { order_number_type: 2, transaction_id: payment.transaction_id }
    expect((await call('upload_shipping_info', upload(key))).errcode).toBe(10060004)
  })

  it("answers 40003 for a payer who is not the payment's", async () => {
    const { payment, call } = await setup()
    const key = { order_number_type: 2, transaction_id: payment.transaction_id }
    expect(
      (await call('upload_shipping_info', upload(key, { payer: { openid: 'oSomeoneElse' } }))).errcode,
    ).toBe(40003)
  })

  it.each([
    ['order_number_type 3', { order_key: { order_number_type: 3, transaction_id: 'x' } }],
    ['type 1 without out_trade_no', { order_key: { order_number_type: 1, mchid: MCHID } }],
    [
      'type 2 without transaction_id',
      { order_key: { order_number_type: 2, mchid: MCHID, out_trade_no: 'ORDER-1' } },
    ],
    ['logistics_type 0 (§14.6)', { logistics_type: 0 }],
    ['logistics_type 5', { logistics_type: 5 }],
    ['delivery_mode 3', { delivery_mode: 3 }],
    ['split without is_all_delivered', { delivery_mode: 2 }],
    ['an empty shipping_list', { shipping_list: [] }],
    [
      '16 parcels',
      {
        shipping_list: Array.from({ length: 16 }, () => ({
          item_desc: 'x',
          tracking_no: 'T',
          express_company: 'SF',
        })),
      },
    ],
    ['a parcel without item_desc', { shipping_list: [{ tracking_no: 'T', express_company: 'SF' }] }],
    ['express without tracking_no', { shipping_list: [{ express_company: 'SF', item_desc: 'x' }] }],
    [
      'an unmasked phone number',
      {
        shipping_list: [
          {
            tracking_no: 'T',
            express_company: 'SF',
            item_desc: 'x',
            contact: { receiver_contact: '13800138000' },
          },
        ],
      },
    ],
    ['upload_time without an offset', { upload_time: '2025-01-01T08:30:00' }],
    ['upload_time in unix seconds', { upload_time: 1735691400 }],
    ['upload_time not a date', { upload_time: '2025-13-45T08:30:00+08:00' }],
    ['upload_time on February 30', { upload_time: '2025-02-30T08:30:00+08:00' }],
    ['upload_time at 24:00', { upload_time: '2025-01-01T24:00:00+08:00' }],
    ['no payer', { payer: undefined }],
  ])('answers 47001 for %s', async (_name, overrides) => {
    const { payment, call } = await setup()
    const body = upload({ order_number_type: 2, transaction_id: payment.transaction_id }, overrides)
    expect((await call('upload_shipping_info', body)).errcode).toBe(47001)
  })

  it('takes virtual goods without a tracking number, and a split delivery that finishes later', async () => {
    const { e, payment, call } = await setup()
    const key = { order_number_type: 2, transaction_id: payment.transaction_id }
    const virtual = { logistics_type: 3, shipping_list: [{ item_desc: 'E-book' }] }
    expect((await call('upload_shipping_info', upload(key, virtual))).errcode).toBe(0)
    const split = {
      delivery_mode: 2,
      is_all_delivered: true,
      shipping_list: [
        { tracking_no: 'A', express_company: 'SF', item_desc: 'Mug' },
        {
          tracking_no: 'B',
          express_company: 'SF',
          item_desc: 'Lid',
          contact: { receiver_contact: '+86-138****8000' },
        },
      ],
    }
    expect((await call('upload_shipping_info', upload(key, split))).errcode).toBe(0)
    const [order] = (await e.control.shipping()).orders
    expect(order?.shipping).toEqual({
      delivery_mode: 2,
      logistics_type: 1,
      finish_shipping: true,
      goods_desc: 'Mug; Lid',
      finish_shipping_count: 2,
      shipping_list: [
        {
          tracking_no: 'A',
          express_company: 'SF',
          goods_desc: 'Mug',
          upload_time: Math.floor(Date.parse('2025-01-01T08:30:00+08:00') / 1000),
        },
        {
          tracking_no: 'B',
          express_company: 'SF',
          goods_desc: 'Lid',
          upload_time: Math.floor(Date.parse('2025-01-01T08:30:00+08:00') / 1000),
          contact: { receiver_contact: '+86-138****8000' },
        },
      ],
    })
  })
})

describe('POST /wxa/sec/order/upload_combined_shipping_info', () => {
  it('ships every sub-order, and refuses the whole upload when one sub-order is unknown', async () => {
    const { e, payment, call } = await setup()
    await e.control.createPayment({ mchid: MCHID, out_trade_no: 'SUB-1', openid: OPENID, amount: 1 })
    const sub = (out_trade_no: string) => ({
      order_key: { order_number_type: 1, mchid: MCHID, out_trade_no },
      logistics_type: 3,
      delivery_mode: 1,
      shipping_list: [{ item_desc: 'Gift card' }],
    })
    const body = (subs: unknown[]) => ({
      order_key: { order_number_type: 2, transaction_id: payment.transaction_id },
      sub_orders: subs,
      upload_time: '2025-01-01T08:30:00+08:00',
      payer: { openid: OPENID },
    })
    expect((await call('upload_combined_shipping_info', body([sub('SUB-1'), sub('NOPE')]))).errcode).toBe(
      10060001,
    )
    expect((await e.control.shipping()).orders.map((o) => o.order_state)).toEqual([1, 1])
    expect((await call('upload_combined_shipping_info', body([sub('SUB-1')]))).errcode).toBe(0)
    expect((await e.control.shipping()).orders.map((o) => o.order_state)).toEqual([1, 2])
    expect((await call('upload_combined_shipping_info', body([]))).errcode).toBe(47001)
  })
})

describe('get_order, get_order_list, notify_confirm_receive', () => {
  it('get_order answers the payment by either key, 10060001 for an unknown one, 47001 without a key', async () => {
    const { payment, call } = await setup()
    const expected = {
      transaction_id: payment.transaction_id,
      merchant_id: MCHID,
      merchant_trade_no: 'ORDER-1',
      description: 'Blue mug',
      paid_amount: 990,
      openid: OPENID,
      trade_create_time: FIXED_NOW / 1000,
      pay_time: FIXED_NOW / 1000,
      in_complaint: false,
      order_state: 1,
    }
    expect(await call('get_order', { transaction_id: payment.transaction_id })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      order: expected,
    })
    expect((await call('get_order', { merchant_id: MCHID, merchant_trade_no: 'ORDER-1' })).order).toEqual(
      expected,
    )
    expect((await call('get_order', { transaction_id: '4200000000000000000000000000' })).errcode).toBe(
      10060001,
    )
    expect((await call('get_order', { merchant_id: MCHID })).errcode).toBe(47001)
  })

  it('get_order_list pages with last_index and filters by state, openid and pay time', async () => {
    const { e, call } = await setup()
    await e.control.createPayment({ mchid: MCHID, out_trade_no: 'ORDER-2', openid: 'oOther', amount: 1 })
    const first = await call('get_order_list', { page_size: 1 })
    expect(first).toMatchObject({ errcode: 0, has_more: true, last_index: '1' })
    expect((first.order_list as { merchant_trade_no: string }[]).map((o) => o.merchant_trade_no)).toEqual([
      'ORDER-1',
    ])
    const second = await call('get_order_list', { page_size: 1, last_index: first.last_index })
    expect(second).toMatchObject({ has_more: false, order_list: [{ merchant_trade_no: 'ORDER-2' }] })
    expect(await call('get_order_list', { openid: 'oOther' })).toMatchObject({
      order_list: [{ openid: 'oOther' }],
    })
    expect((await call('get_order_list', { order_state: 2 })).order_list).toEqual([])
    const later = { begin_time: FIXED_NOW / 1000 + 1 }
    expect((await call('get_order_list', { pay_time_range: later })).order_list).toEqual([])
    for (const bad of [
      { page_size: 0 },
      { page_size: 101 },
      { order_state: 7 },
      { last_index: 'x' },
      { pay_time_range: { begin_time: -1 } },
    ])
      expect((await call('get_order_list', bad)).errcode).toBe(47001)
  })

  it('notify_confirm_receive works once, after shipping (10060004 before and after)', async () => {
    const { payment, call } = await setup()
    const remind = { transaction_id: payment.transaction_id, received_time: FIXED_NOW / 1000 }
    expect((await call('notify_confirm_receive', remind)).errcode).toBe(10060004)
    await call(
      'upload_shipping_info',
      upload({ order_number_type: 2, transaction_id: payment.transaction_id }),
    )
    expect((await call('notify_confirm_receive', { ...remind, received_time: 'now' })).errcode).toBe(47001)
    expect(await call('notify_confirm_receive', remind)).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await call('notify_confirm_receive', remind)).errcode).toBe(10060004)
    expect(
      (
        await call('notify_confirm_receive', {
          merchant_id: MCHID,
          merchant_trade_no: 'NOPE',
          received_time: 1,
        })
      ).errcode,
    ).toBe(10060001)
  })
})

describe('set_msg_jump_path, is_trade_managed, is_trade_management_confirmation_completed', () => {
  it('stores the jump path and answers what setTradeManaged decided, for the caller’s own appid only', async () => {
    const { e, call } = await setup()
    expect(await call('set_msg_jump_path', { path: 'pages/order/detail?from=ship' })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    })
    expect((await call('set_msg_jump_path', {})).errcode).toBe(47001)
    const appid = DEFAULT_APP.appId
    expect(await call('is_trade_managed', { appid })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      is_trade_managed: false,
    })
    expect(await call('is_trade_management_confirmation_completed', { appid })).toMatchObject({
      completed: false,
    })
    await connectEmulator(e.url).setTradeManaged(true)
    expect(await call('is_trade_managed', { appid })).toMatchObject({ is_trade_managed: true })
    await e.control.setTradeManaged({ managed: true, confirmationCompleted: true })
    expect(await call('is_trade_management_confirmation_completed', { appid })).toMatchObject({
      completed: true,
    })
    expect((await call('is_trade_managed', { appid: 'wx00000000000other' })).errcode).toBe(40013)
    expect((await call('is_trade_managed', {})).errcode).toBe(47001)
    expect(await e.control.shipping()).toMatchObject({
      tradeManaged: true,
      msgJumpPath: 'pages/order/detail?from=ship',
    })
    await e.control.reset()
    expect(await e.control.shipping()).toEqual({
      tradeManaged: false,
      confirmationCompleted: false,
      msgJumpPath: undefined,
      orders: [],
    })
  })

  it('every shipping path needs a valid access_token', async () => {
    const e = await emulator()
    const answer = await postJson(`${e.apiBaseUrl}/wxa/sec/order/get_order?access_token=nope`, {
      transaction_id: 'x',
    })
    expect(answer.errcode).toBe(40014)
    expect((await postJson(`${e.apiBaseUrl}/wxa/sec/order/is_trade_managed`, {})).errcode).toBe(41001)
  })
})

describe('orders paid through the emulated WeChat Pay', () => {
  it('become payments the shipping endpoints know, with the order’s amount, payer and description', async () => {
    // The merchant API checks request timestamps against the emulator clock: let it run in real time.
    const e = await emulator({ clock: { now: () => Date.now() } })
    const shop = await receiver(() => ({ status: 204 }))
    await e.control.routeNotifyUrl({ from: 'https://shop.example', to: new URL(shop.url).origin })
    const access = await classicToken(e)
    const call = (name: string, body: unknown) =>
      postJson(`${e.apiBaseUrl}/wxa/sec/order/${name}?access_token=${access}`, body)
    const order = jsapiBody(DEFAULT_APP.appId, { payer: { openid: OPENID } })
    const failed = jsapiBody(DEFAULT_APP.appId, { payer: { openid: OPENID } })
    for (const body of [order, failed])
      await payFetch(e.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body)
    const byMerchant = { merchant_id: DEFAULT_MERCHANT.mchid, merchant_trade_no: order.out_trade_no }
    expect((await call('get_order', byMerchant)).errcode).toBe(10060001)

    const paid = await e.control.payOrder({ out_trade_no: order.out_trade_no })
    await e.control.payOrder({ out_trade_no: failed.out_trade_no, result: 'PAYERROR' })
    expect((await call('get_order', byMerchant)).order).toMatchObject({
      transaction_id: paid.transaction_id,
      paid_amount: 1,
      description: 'Tea',
      openid: OPENID,
      order_state: 1,
    })
    const key = { order_number_type: 2, transaction_id: paid.transaction_id }
    expect(await call('upload_shipping_info', upload(key))).toEqual({ errcode: 0, errmsg: 'ok' })
    const missing = { merchant_id: DEFAULT_MERCHANT.mchid, merchant_trade_no: failed.out_trade_no }
    expect((await call('get_order', missing)).errcode).toBe(10060001)
  })
})
