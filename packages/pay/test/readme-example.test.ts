import { createServer } from 'node:http'
import {
  DEFAULT_APP,
  DEFAULT_MERCHANT,
  PAY_PLATFORM_PUBLIC_KEY,
  type RunningEmulator,
  startEmulator,
} from '@wxkit/emulator'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type PayNotification, WechatPay } from '../src/index.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())

it('takes an order from creation through payment to the verified notification', async () => {
  const pay = new WechatPay({
    mchId: DEFAULT_MERCHANT.mchid,
    appId: DEFAULT_APP.appId,
    merchantSerialNo: DEFAULT_MERCHANT.serialNo,
    privateKey: DEFAULT_MERCHANT.privateKey,
    apiV3Key: DEFAULT_MERCHANT.apiV3Key,
    platform: PAY_PLATFORM_PUBLIC_KEY, // { publicKeyId: 'PUB_KEY_ID_…', publicKey: '-----BEGIN PUBLIC KEY-----…' }
    baseURL: emulator.payBaseUrl, // default https://api.mch.weixin.qq.com
  })

  // Your notify_url: hand parseNotification the exact raw bytes, answer 204 once handled.
  const paid: PayNotification[] = []
  const shop = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    try {
      paid.push(await pay.parseNotification({ headers: req.headers, body: Buffer.concat(chunks) }))
      res.writeHead(204).end()
    } catch {
      res
        .writeHead(401, { 'Content-Type': 'application/json' })
        .end('{"code":"FAIL","message":"bad signature"}')
    }
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  const { port } = shop.address() as { port: number }
  await emulator.control.routeNotifyUrl({ from: 'https://shop.example', to: `http://127.0.0.1:${port}` })

  // 1. The server creates the order and hands the page its payment parameters.
  const { prepay_id } = await pay.jsapiOrder({
    description: 'Green tea',
    out_trade_no: 'T20260601001',
    amount: { total: 1 }, // fen
    payer: { openid: 'o_buyer' },
    notify_url: 'https://shop.example/wechat/pay/notify',
  })
  const params = pay.jsapiPayParams(prepay_id) // → wx.requestPayment(params) / wx.chooseWXPay(params)
  expect(params.package).toBe(`prepay_id=${prepay_id}`)

  // 2. The user pays (in the emulator, instead of a phone).
  await emulator.control.payOrder({ prepay_id, openid: 'o_buyer' })

  // 3. WeChat Pay notifies; the notification was verified and decrypted.
  const [notification] = paid
  expect(notification?.event_type).toBe('TRANSACTION.SUCCESS')
  if (notification?.event_type === 'TRANSACTION.SUCCESS') {
    expect(notification.resource.trade_state).toBe('SUCCESS')
    expect(notification.resource.out_trade_no).toBe('T20260601001')
  }
  expect((await pay.queryOrder({ out_trade_no: 'T20260601001' })).trade_state).toBe('SUCCESS')
  expect((await emulator.control.notifications())[0]?.acknowledged).toBe(true)
  shop.close()
})
