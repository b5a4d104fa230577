import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, DEFAULT_MERCHANT, type RunningEmulator } from '../src/index.js'
import { emulator } from './support/emulator-fixture.js'
import { payFetch, payParams, paySign, placeOrder, tradeState } from './support/pay-requests.js'
import { receiver } from './support/push-receiver.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: '0123456789abcdef0123456789abcdef' }

/** An emulator on the real clock (merchant `Authorization` timestamps are real) whose notify_url reaches a local shop. */
async function payEmulator() {
  const emu = await emulator({ clock: { now: () => Date.now() }, apps: [DEFAULT_APP, OTHER_APP] })
  const shop = await receiver(() => ({ status: 204, body: '' }))
  await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: new URL(shop.url).origin })
  return { emu, shop }
}

/** `POST /__wxkit/pay/brand-wcpay-request`, as bridge.js sends it; the status and the parsed answer. */
async function bridgePay(emu: RunningEmulator, body: unknown) {
  const response = await fetch(`${emu.url}/__wxkit/pay/brand-wcpay-request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://page.test' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, answer: JSON.parse(text) }
}

describe('POST /__wxkit/pay/brand-wcpay-request (the client side of wx.chooseWXPay)', () => {
  it('pays an order whose paySign verifies and notifies its notify_url, like control.payOrder', async () => {
    const { emu, shop } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const paid = await bridgePay(emu, payParams(DEFAULT_APP.appId, order.prepay_id))
    expect([paid.status, paid.answer]).toEqual([200, { err_msg: 'get_brand_wcpay_request:ok' }])
    expect(paid.headers.get('access-control-allow-origin')).toBe('*')
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('SUCCESS')
    // The answer comes after the first notification attempt, as payOrder resolves.
    expect(shop.received).toHaveLength(1)
    const [notification] = await emu.control.notifications()
    expect(notification).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      out_trade_no: order.body.out_trade_no,
      acknowledged: true,
    })
  })

  it('refuses a second payment of a paid order and a closed order, with err_desc', async () => {
    const { emu, shop } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    await bridgePay(emu, params)
    expect((await bridgePay(emu, params)).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'the order is already paid',
    })
    const closed = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    await payFetch(
      emu.payBaseUrl,
      'POST',
      `/v3/pay/transactions/out-trade-no/${closed.body.out_trade_no}/close`,
      {
        mchid: DEFAULT_MERCHANT.mchid,
      },
    )
    expect((await bridgePay(emu, payParams(DEFAULT_APP.appId, closed.prepay_id))).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'the order is closed',
    })
    expect(shop.received).toHaveLength(1)
  })

  it('refuses a paySign made with another key or over other values, and pays nothing', async () => {
    const { emu, shop } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string
    const refusals = [
      { ...params, paySign: paySign(params, stranger) },
      { ...params, nonceStr: 'another-nonce' },
      { ...params, timeStamp: String(Number(params.timeStamp) + 1) },
      { ...params, paySign: 'not base64 at all' },
    ]
    for (const refused of refusals) {
      const { answer, text } = await bridgePay(emu, refused)
      expect(answer).toEqual({ err_msg: 'get_brand_wcpay_request:fail', err_desc: 'invalid paySign' })
      expect(text).not.toContain(refused.paySign)
    }
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
    expect(shop.received).toHaveLength(0)
    expect(await emu.control.notifications()).toEqual([])
  })

  it('refuses an appId other than the order’s, even with a valid paySign over it, and one other than wx.config’s', async () => {
    const { emu } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    expect((await bridgePay(emu, payParams(OTHER_APP.appId, order.prepay_id))).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'appId is not the appid of the order',
    })
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    expect((await bridgePay(emu, { ...params, configAppId: OTHER_APP.appId })).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'appId is not the appId of wx.config',
    })
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
    expect((await bridgePay(emu, { ...params, configAppId: DEFAULT_APP.appId })).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:ok',
    })
  })

  it('refuses an unknown prepay_id, a v2 signType, a numeric timeStamp and missing fields', async () => {
    const { emu } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    const desc = async (body: unknown) => (await bridgePay(emu, body)).answer.err_desc
    expect(await desc(payParams(DEFAULT_APP.appId, 'wx000000unknown'))).toBe('no order has this prepay_id')
    expect(await desc({ ...params, package: order.prepay_id })).toBe('package must be prepay_id=…')
    // jweixin sends signType 'SHA1' when chooseWXPay is given none.
    expect(await desc({ ...params, signType: 'SHA1' })).toBe('signType must be RSA for an API v3 order')
    expect(await desc({ ...params, timeStamp: Number(params.timeStamp) })).toBe('timeStamp must be a string')
    // jweixin sends "undefined" when chooseWXPay gets timeStamp instead of timestamp.
    expect(await desc({ ...params, timeStamp: 'undefined' })).toBe('timeStamp must be Unix seconds')
    const { paySign: _, ...unsigned } = params
    expect(await desc(unsigned)).toBe('missing parameter: paySign')
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
  })

  it('plays a cancelled cashier and a bank refusal: nothing is notified, and the order can still be paid', async () => {
    const { emu, shop } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    expect((await bridgePay(emu, { ...params, result: 'cancel' })).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:cancel',
    })
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
    expect((await bridgePay(emu, { ...params, result: 'PAYERROR' })).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'the payment failed (PAYERROR)',
    })
    expect(await tradeState(emu.payBaseUrl, order.body.out_trade_no)).toBe('PAYERROR')
    expect(shop.received).toHaveLength(0)
    expect((await bridgePay(emu, params)).answer.err_msg).toBe('get_brand_wcpay_request:ok')
    expect(shop.received).toHaveLength(1)
    expect((await bridgePay(emu, { ...params, result: 'later' })).answer.err_desc).toMatch(/^result must be/)
  })

  it('refuses a prepay_id older than two hours on the emulator clock', async () => {
    const { emu } = await payEmulator()
    const order = await placeOrder(emu.payBaseUrl, DEFAULT_APP.appId)
    const params = payParams(DEFAULT_APP.appId, order.prepay_id)
    await emu.control.advanceClock(2 * 3600_000 + 1000)
    expect((await bridgePay(emu, params)).answer).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
      err_desc: 'the prepay_id has expired (2 hours)',
    })
  })

  it('answers 400 for a body that is not a JSON object', async () => {
    const { emu } = await payEmulator()
    for (const body of ['not json', '[1]', 'null']) {
      const refused = await bridgePay(emu, body)
      expect(refused.status).toBe(400)
      expect(refused.answer.err_msg).toBe('get_brand_wcpay_request:fail')
    }
  })
})
