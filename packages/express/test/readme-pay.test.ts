import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { inspect } from 'node:util'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { json } from './support/app-harness.js'
import { DEFAULT_APP } from './support/emulator.js'
import { attemptStatuses, PAY_ENV, payClient, type Relay, send, startRelay } from './support/pay-shop.js'
import { importListening, readmeCaller, readmeCode, readmeSandbox } from './support/readme-code.js'

const sandbox = readmeSandbox('.generated-pay')

interface PayApp {
  orders: Map<string, { openid: string; total: number; transaction_id?: string }>
  shipments: string[]
}

// The README's order → pay → notify app, run as written against the emulator. Added: an import swap for the
// Express 4 run, and `export { orders, shipments }` so the test can count what the handler did. A relay
// between the emulator and the app keeps the notification's exact bytes, to replay them.
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the README’s order → pay → notify app on $name', ({ name, module }) => {
  let url: string
  let server: Server
  let app: PayApp
  let relay: Relay
  // Each run its own origin: the emulator's retries for one run never reach the other's app.
  const PUBLIC_ORIGIN = `https://pay-readme-${name.at(-1)}.shop.example`

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      WECHAT_API_BASE_URL: sandbox.emulator().apiBaseUrl,
      WECHAT_PAY_BASE_URL: sandbox.emulator().payBaseUrl,
      ...PAY_ENV,
      PUBLIC_ORIGIN,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      PORT: '0',
    })
    let source = readmeCode('## Order → pay → notify')
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-pay-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    const started = await importListening<PayApp>(`${source}\nexport { orders, shipments }\n`, file)
    ;({ server, url } = started)
    app = started.exports
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  const call = readmeCaller(() => url)

  // A relay per test (it closes after the test): the emulator notifies it, it passes on to the app.
  beforeEach(async () => {
    relay = await startRelay([url])
    await sandbox.emulator().control.routeNotifyUrl({ from: PUBLIC_ORIGIN, to: relay.url })
  })

  /** A Mini Program session for `openid`: its `Authorization` header. */
  async function signIn(openid: string): Promise<{ Authorization: string }> {
    const code = await sandbox.emulator().control.mintCode({ kind: 'login', openid })
    const login = await call('/wechat/mini/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    expect(login.status).toBe(200)
    return { Authorization: `Bearer ${(await json(login)).sessionToken}` }
  }

  /** `openid` orders; the order number and the payment parameters the client got. */
  async function order(auth: { Authorization: string }) {
    const created = await call('/api/orders', { method: 'POST', headers: auth })
    expect(created.status).toBe(200)
    return (await json(created)) as { out_trade_no: string; payParams: Record<string, string> }
  }

  it('creates the order, is paid, and handles the notification exactly once, a replay included', async () => {
    const openid = `o_pay_readme_${name.at(-1)}`
    const auth = await signIn(openid)
    const { out_trade_no, payParams } = await order(auth)
    expect(Object.keys(payParams).sort()).toEqual(
      ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp'].sort(),
    )
    expect(payParams).toMatchObject({ appId: DEFAULT_APP.appId, signType: 'RSA' })
    expect(payParams.package).toMatch(/^prepay_id=wx\w+$/)
    expect(app.orders.get(out_trade_no)).toEqual({ openid, total: 1 })
    expect((await json(await call(`/api/orders/${out_trade_no}`, { headers: auth }))).paid).toBe(false)

    const before = relay.received.length
    await sandbox.emulator().control.payOrder({
      prepay_id: payParams.package?.slice('prepay_id='.length) as string,
      openid,
    })
    const delivered = relay.received.slice(before)
    expect(delivered.map((r) => r.status)).toEqual([204])
    expect(app.shipments).toEqual([out_trade_no])
    expect(app.orders.get(out_trade_no)?.transaction_id).toMatch(/^\d+$/)
    expect(await attemptStatuses(sandbox.emulator(), out_trade_no)).toEqual([204])
    expect((await json(await call(`/api/orders/${out_trade_no}`, { headers: auth }))).paid).toBe(true)

    // The same bytes and signature again (a replay, or a retry after a lost acknowledgement): 204, no rerun.
    const notification = delivered[0] as (typeof delivered)[number]
    for (let copy = 0; copy < 2; copy++) {
      expect(await send(`${url}/wechat/pay/notify`, notification)).toEqual({ status: 204, body: '' })
    }
    expect(app.shipments).toEqual([out_trade_no])

    // Another user does not see the order.
    const other = await signIn(`o_pay_readme_other_${name.at(-1)}`)
    expect((await call(`/api/orders/${out_trade_no}`, { headers: other })).status).toBe(404)
  })

  it('is retried by WeChat Pay after a lost acknowledgement and still ships once', async () => {
    const auth = await signIn(`o_pay_readme_retry_${name.at(-1)}`)
    const { out_trade_no } = await order(auth)
    const shipped = app.shipments.length
    const first = relay.received.length
    relay.override = (status, index) => (index === first ? 502 : status) // WeChat Pay never saw the 204
    await sandbox.emulator().control.payOrder({ out_trade_no })
    expect(await attemptStatuses(sandbox.emulator(), out_trade_no)).toEqual([502])
    expect(app.shipments.slice(shipped)).toEqual([out_trade_no])
    await sandbox.emulator().control.advanceClock(15_000) // WeChat Pay's first retry
    expect(await attemptStatuses(sandbox.emulator(), out_trade_no)).toEqual([502, 204])
    expect(app.shipments.slice(shipped)).toEqual([out_trade_no])
  })

  it('answers 500 to a notification for an order it does not know, so WeChat Pay retries', async () => {
    // An order placed behind the app's back (its onTransaction throws: no such order).
    const out_trade_no = `X${Date.now()}${randomBytes(4).toString('hex')}`
    await payClient(sandbox.emulator()).jsapiOrder({
      description: 'Green tea',
      out_trade_no,
      amount: { total: 1 },
      payer: { openid: 'o_pay_readme_stranger' },
      notify_url: `${PUBLIC_ORIGIN}/wechat/pay/notify`,
    })
    const shipped = app.shipments.length
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      await sandbox.emulator().control.payOrder({ out_trade_no })
      expect(await attemptStatuses(sandbox.emulator(), out_trade_no)).toEqual([500])
      expect(app.shipments).toHaveLength(shipped)
      const lines = logged.mock.calls.map((args) => inspect(args))
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`handler threw[\\s\\S]*no order ${out_trade_no}`)),
      ])
      for (const secret of [DEFAULT_MERCHANT.apiV3Key, process.env.SESSION_SECRET as string]) {
        expect(lines.join('\n')).not.toContain(secret)
      }
    } finally {
      logged.mockRestore()
    }
  })
})
