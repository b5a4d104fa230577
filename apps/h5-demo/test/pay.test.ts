import {
  DEFAULT_APP,
  DEFAULT_MERCHANT,
  type EmulatorControl,
  type RunningEmulator,
  startEmulator,
} from '@wxkit/emulator'
import type { WechatPay } from '@wxkit/pay'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { wechatPayHeaders } from '../../../test-support/wechat-pay-signature.js'
import { readDemoConfig } from '../server/config.js'
import { EMULATOR_PAY_ORIGIN, emulatorPayClient } from '../server/demo-pay.js'
import { type RunningDemo, startDemo } from '../server/start-demo.js'
import type { DemoPayAvailability, DemoPayOrder, DemoPayOrderCreated } from '../shared/pay-order.js'
import { emulatorMerchantEnv } from './support/pay-env.js'
import { Visitor } from './support/visitor.js'
import { FORGER_KEY, transactionBody } from './support/wechat-pay-notification.js'

const NOTIFY_PATH = '/wechat/pay/notify'

async function order(visitor: Visitor, init: RequestInit = {}, query = ''): Promise<DemoPayOrderCreated> {
  const response = await visitor.fetch(`/demo/pay/orders${query}`, { method: 'POST', ...init })
  expect(response.status).toBe(200)
  return (await response.json()) as DemoPayOrderCreated
}

async function status(visitor: Visitor, out_trade_no: string): Promise<DemoPayOrder> {
  const response = await visitor.fetch(`/demo/pay/orders/${out_trade_no}`)
  expect(response.status).toBe(200)
  return (await response.json()) as DemoPayOrder
}

const prepayIdOf = (created: DemoPayOrderCreated) => created.payParams.package.slice('prepay_id='.length)

describe('the Pay card’s server in emulator mode', () => {
  let demo: RunningDemo
  let control: EmulatorControl
  let merchant: WechatPay
  let origin: string
  let visitor: Visitor
  const openid = 'o_h5demo_pay_visitor_0000000'

  beforeAll(async () => {
    demo = await startDemo({ config: readDemoConfig({ PORT: '0' }), assets: 'vite', host: '127.0.0.1' })
    origin = new URL(demo.url).origin
    const emulator = demo.emulator as NonNullable<RunningDemo['emulator']>
    control = emulator.control
    // The merchant's own view at WeChat Pay: what was really ordered (WeChat Pay's paths, same origin).
    merchant = emulatorPayClient(emulator.url)
    visitor = new Visitor(origin)
    await visitor.signIn(control, openid)
  })
  afterAll(async () => {
    await demo?.close()
  })

  /** The genuine notification the emulator sent for an order, and its attempts' statuses. */
  async function notificationOf(out_trade_no: string) {
    const found = (await control.notifications()).filter((n) => n.out_trade_no === out_trade_no)
    expect(found).toHaveLength(1)
    return found[0] as NonNullable<(typeof found)[0]>
  }

  const notify = (body: string, headers: Record<string, string>) =>
    fetch(`${origin}${NOTIFY_PATH}`, { method: 'POST', headers, body })

  it('says the card can order ¥0.01', async () => {
    const response = await fetch(`${origin}/demo/pay`)
    expect(await response.json()).toEqual({ enabled: true, amount: 1 } satisfies DemoPayAvailability)
  })

  it('refuses to order or show an order without a session (401)', async () => {
    const stranger = new Visitor(origin)
    const created = await stranger.fetch('/demo/pay/orders', { method: 'POST' })
    expect(created.status).toBe(401)
    expect(((await created.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    const { order: mine } = await order(visitor)
    expect((await stranger.fetch(`/demo/pay/orders/${mine.out_trade_no}`)).status).toBe(401)
  })

  it('orders ¥0.01 for the session’s openid, whatever the page sends', async () => {
    const created = await order(
      visitor,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          amount: { total: 100_000 },
          total: 100_000,
          openid: 'o_someone_else_000000000000',
        }),
      },
      '?amount=100000&total=100000&openid=o_someone_else_000000000000',
    )
    expect(created.order).toMatchObject({ amount: 1, state: 'NOTPAY', notifications: 0 })
    expect(created.payParams).toMatchObject({ appId: DEFAULT_APP.appId, signType: 'RSA' })
    // What WeChat Pay holds, once paid: 1 fen, paid by this visitor.
    await control.payOrder({ prepay_id: prepayIdOf(created), openid })
    const held = await merchant.queryOrder({ out_trade_no: created.order.out_trade_no })
    expect(held).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 1 }, payer: { openid } })
  })

  it('is paid when the emulator’s notification reaches /wechat/pay/notify, and only then', async () => {
    const created = await order(visitor)
    const { out_trade_no } = created.order
    expect(await status(visitor, out_trade_no)).toMatchObject({ state: 'NOTPAY' })

    await control.payOrder({ prepay_id: prepayIdOf(created), openid })
    const sent = await notificationOf(out_trade_no)
    // notify_url is https (WeChat Pay's rule); routeNotifyUrl delivered it to the demo's own port.
    expect(sent.url).toBe(`${EMULATOR_PAY_ORIGIN}${NOTIFY_PATH}`)
    expect(sent.target).toBe(`http://127.0.0.1:${new URL(origin).port}${NOTIFY_PATH}`)
    expect(sent.attempts.map((attempt) => attempt.status)).toEqual([204])
    const paid = await status(visitor, out_trade_no)
    expect(paid).toMatchObject({ state: 'SUCCESS', amount: 1, notifications: 1 })
    expect(paid.transaction_id).toMatch(/^\d+$/)

    // Someone else cannot read it.
    const other = new Visitor(origin)
    await other.signIn(control, 'o_h5demo_pay_other_000000000')
    expect((await other.fetch(`/demo/pay/orders/${out_trade_no}`)).status).toBe(404)
  })

  it('handles the same notification once, retried or replayed, copies arriving together included', async () => {
    const created = await order(visitor)
    const { out_trade_no } = created.order
    await control.payOrder({ prepay_id: prepayIdOf(created), openid })
    const { body } = await notificationOf(out_trade_no)
    // WeChat Pay's retries carry the same body, signed anew; a replay carries the same headers too.
    const headers = wechatPayHeaders(body)
    const answers = await Promise.all([
      notify(body, headers),
      notify(body, headers),
      notify(body, wechatPayHeaders(body)),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204])
    const paid = await status(visitor, out_trade_no)
    expect(paid).toMatchObject({ state: 'SUCCESS', notifications: 1 })

    // Another notification (another id) for the paid order runs the handler but changes nothing.
    const transaction = await merchant.queryOrder({ out_trade_no })
    const second = transactionBody({ ...transaction, transaction_id: '4200000000000000000000000001' })
    expect((await notify(second, wechatPayHeaders(second))).status).toBe(204)
    expect(await status(visitor, out_trade_no)).toEqual({ ...paid, notifications: 2 })
  })

  it('answers a WeChat Pay failure as 502/504 with its code only, no key in the answer or the log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const answers: { status: number; body: string }[] = []
      for (const fault of [
        { kind: 'http', status: 503 }, // an unsigned gateway page: unverifiable, so an error
        { kind: 'malformed-json' },
        { kind: 'reset' },
      ] as const) {
        // Order creation is never retried blindly, so one fault is one failed order.
        await control.injectFault({ path: '/v3/pay/transactions/jsapi', times: 1, fault })
        const response = await visitor.fetch('/demo/pay/orders', { method: 'POST' })
        answers.push({ status: response.status, body: await response.text() })
      }
      expect(answers.map((answer) => answer.status)).toEqual([502, 502, 502])
      for (const { body } of answers) {
        expect(JSON.parse(body)).toEqual({
          error: { code: 'upstream_error', message: expect.stringMatching(/^WeChat Pay /) },
        })
      }
      const text = answers.map((answer) => answer.body).join('\n') + logged.mock.calls.flat().join('\n')
      for (const secret of [
        DEFAULT_MERCHANT.apiV3Key,
        DEFAULT_MERCHANT.privateKey.split('\n')[1] as string,
        'Authorization',
        'signature=',
      ]) {
        expect(text).not.toContain(secret)
      }
    } finally {
      logged.mockRestore()
    }
  })

  describe('refuses what WeChat Pay did not send, and the order stays unpaid', () => {
    let unpaid: DemoPayOrderCreated
    let body: string
    beforeAll(async () => {
      unpaid = await order(visitor)
      // Everything a forger could write, even knowing the APIv3 key: the order, paid, for its amount.
      body = transactionBody({
        appid: DEFAULT_APP.appId,
        mchid: DEFAULT_MERCHANT.mchid,
        out_trade_no: unpaid.order.out_trade_no,
        transaction_id: '4200000000000000000000000002',
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        success_time: '2026-12-03T12:00:00+08:00',
        payer: { openid },
        amount: { total: 1, payer_total: 1, currency: 'CNY', payer_currency: 'CNY' },
      })
    })

    it.each([
      ['signed with another key', () => wechatPayHeaders(body, { key: FORGER_KEY })],
      [
        'signed by WeChat Pay 10 minutes ago (a replay)',
        () => wechatPayHeaders(body, { timestampMs: Date.now() - 600_000 }),
      ],
      ['signed by WeChat Pay over other bytes', () => wechatPayHeaders(body.replace('"id":"', '"id":"x'))],
    ])('a notification %s: 401', async (_case, headers) => {
      const answer = await notify(body, headers())
      expect(answer.status).toBe(401)
      expect(await status(visitor, unpaid.order.out_trade_no)).toMatchObject({
        state: 'NOTPAY',
        notifications: 0,
      })
    })

    it('a SIGNTEST probe: 401', async () => {
      expect(await control.sendProbe(`${origin}${NOTIFY_PATH}`)).toEqual({ status: 401 })
    })

    it('a genuine notification that does not match the order: 500, so WeChat Pay retries', async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
      const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
      try {
        const { out_trade_no } = unpaid.order
        for (const transaction of [
          { out_trade_no, amount: { total: 100, currency: 'CNY' } },
          { out_trade_no, payer: { openid: 'o_someone_else_000000000000' } },
          { out_trade_no: 'H5notanorderofthedemo' },
        ]) {
          const forged = transactionBody({
            appid: DEFAULT_APP.appId,
            mchid: DEFAULT_MERCHANT.mchid,
            trade_state: 'SUCCESS',
            payer: { openid },
            amount: { total: 1, currency: 'CNY' },
            ...transaction,
          })
          const answer = await notify(forged, wechatPayHeaders(forged))
          expect(answer.status).toBe(500)
          expect(await answer.json()).toMatchObject({ code: 'FAIL' })
        }
        expect(await status(visitor, out_trade_no)).toMatchObject({ state: 'NOTPAY', notifications: 0 })
      } finally {
        logged.mockRestore()
        warned.mockRestore()
      }
    })
  })
})

describe('the Pay card’s server in real mode', () => {
  let wechat: RunningEmulator
  const demos: RunningDemo[] = []
  const real = () => ({
    PORT: '0',
    WECHAT_APP_ID: DEFAULT_APP.appId,
    WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
    WECHAT_API_BASE_URL: wechat.apiBaseUrl,
    WECHAT_OAUTH_BASE_URL: wechat.oauthBaseUrl,
  })
  const start = async (env: Record<string, string>) => {
    const demo = await startDemo({ config: readDemoConfig(env), assets: 'vite', host: '127.0.0.1' })
    demos.push(demo)
    return { demo, visitor: new Visitor(new URL(demo.url).origin) }
  }

  beforeAll(async () => {
    // An "external" WeChat and WeChat Pay: the emulator on its own, reached through the variables.
    wechat = await startEmulator({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    for (const demo of demos) await demo.close()
    await wechat?.close()
  })

  it('without WECHAT_PAY_* the card is off and says what to set, and ordering answers 503', async () => {
    const { demo, visitor } = await start(real())
    expect(demo.notes.join('\n')).toContain('WECHAT_PAY_* is not set: the Pay card is off')
    const availability = (await (await visitor.fetch('/demo/pay')).json()) as DemoPayAvailability
    expect(availability).toEqual({
      enabled: false,
      amount: 1,
      reason: expect.stringContaining('WECHAT_PAY_'),
    })
    expect((await visitor.fetch('/demo/pay/orders', { method: 'POST' })).status).toBe(401)
    await visitor.signIn(wechat.control, 'o_h5demo_real_nopay_00000000')
    const refused = await visitor.fetch('/demo/pay/orders', { method: 'POST' })
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('pay_unavailable')
    expect((await visitor.fetch(`${NOTIFY_PATH}`, { method: 'POST', body: '{}' })).status).toBe(404)
  })

  it('with WECHAT_PAY_* it orders from that merchant, notified at WECHAT_PAY_NOTIFY_URL', async () => {
    const publicOrigin = 'https://h5.shop.example'
    const { demo, visitor } = await start({
      ...real(),
      ...emulatorMerchantEnv(`${publicOrigin}${NOTIFY_PATH}`),
      WECHAT_PAY_BASE_URL: wechat.payBaseUrl,
    })
    const notes = demo.notes.join('\n')
    expect(notes).toContain(`WeChat Pay: merchant ${DEFAULT_MERCHANT.mchid}`)
    expect(notes).not.toContain(DEFAULT_MERCHANT.apiV3Key)
    // The public origin is a reverse proxy in front of the demo; here the emulator delivers directly.
    await wechat.control.routeNotifyUrl({ from: publicOrigin, to: new URL(demo.url).origin })
    const openid = 'o_h5demo_real_pay_0000000000'
    await visitor.signIn(wechat.control, openid)
    const created = await order(visitor)
    await wechat.control.payOrder({ prepay_id: prepayIdOf(created), openid })
    const [sent] = (await wechat.control.notifications()).filter(
      (n) => n.out_trade_no === created.order.out_trade_no,
    )
    expect(sent?.url).toBe(`${publicOrigin}${NOTIFY_PATH}`)
    expect(sent?.attempts.map((attempt) => attempt.status)).toEqual([204])
    expect(await status(visitor, created.order.out_trade_no)).toMatchObject({
      state: 'SUCCESS',
      amount: 1,
      notifications: 1,
    })
  })
})
