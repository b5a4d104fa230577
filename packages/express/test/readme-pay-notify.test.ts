import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_APP } from './support/emulator.js'
import {
  attemptStatuses,
  NOTIFY_URL,
  PAY_ENV,
  payClient,
  placeOrder,
  send,
  startRelay,
} from './support/pay-shop.js'
import { importListening, readmeCode, readmeSandbox } from './support/readme-code.js'

const sandbox = readmeSandbox('.generated-pay-notify')

// The README's payNotifyRoutes app, run as written against the emulator's WeChat Pay and Redis. Added: an
// import swap for the Express 4 run, and `export { paid }` so the test can see what the handler recorded. A
// relay between the emulator and the app keeps the notification's exact bytes, to replay them.
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the README’s WeChat Pay notifications app on $name', ({ name, module }) => {
  let url: string
  let server: Server
  let paid: Map<string, string | undefined>

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: DEFAULT_APP.appId,
      ...PAY_ENV,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PORT: '0',
    })
    let source = readmeCode('## WeChat Pay notifications')
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-pay-notify-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    const started = await importListening<{ paid: typeof paid }>(`${source}\nexport { paid }\n`, file)
    ;({ server, url } = started)
    paid = started.exports.paid
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('records a paid order once, a replay of the same notification included', async () => {
    const relay = await startRelay([url])
    await sandbox.emulator().control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const out_trade_no = await placeOrder(payClient(sandbox.emulator()))
    await sandbox.emulator().control.payOrder({ out_trade_no })

    expect(await attemptStatuses(sandbox.emulator(), out_trade_no)).toEqual([204])
    const transaction_id = paid.get(out_trade_no)
    expect(transaction_id).toMatch(/^\d+$/)

    paid.delete(out_trade_no)
    const notification = relay.received.at(-1) as (typeof relay.received)[number]
    expect(await send(`${url}/pay/notify`, notification)).toEqual({ status: 204, body: '' })
    expect(paid.has(out_trade_no)).toBe(false) // done marker in Redis: the handler did not run again
  })

  it('refuses a notification whose bytes were changed, and records nothing', async () => {
    const relay = await startRelay([url])
    await sandbox.emulator().control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const out_trade_no = await placeOrder(payClient(sandbox.emulator()))
    relay.targets = []
    await sandbox.emulator().control.payOrder({ out_trade_no })
    const notification = relay.received.at(-1) as (typeof relay.received)[number]
    const tampered = { ...notification, body: Buffer.from(notification.body.toString().replace('"', '"x')) }
    expect((await send(`${url}/pay/notify`, tampered)).status).toBe(401)
    expect(paid.has(out_trade_no)).toBe(false)
  })
})
