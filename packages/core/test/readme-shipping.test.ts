import { expect, test } from 'vitest'
import { Wechat, WechatMessageServer } from '../src/index.js'
import { DEFAULT_APP, emulator } from './helpers.js'
import { AES_KEY, serve, TOKEN } from './push-fixture.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test('the README example of order shipping is exactly the code its test runs', () => {
  expect(readmeBlock('### Order shipping')).toBe(exampleBlock(import.meta.url, 'order-shipping'))
})

test('the order shipping example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const messages = new WechatMessageServer({ token: TOKEN, encodingAESKey: AES_KEY, appId: wechat.appId })
  await emu.control.configurePush({
    url: await serve(messages),
    token: TOKEN,
    encodingAESKey: AES_KEY,
    format: 'json',
  })
  const openid = 'o_readme'
  const { transaction_id } = await emu.control.createPayment({
    mchid: '1900000109',
    out_trade_no: 'README-1',
    openid,
    amount: 1990,
  })
  const toShip = new Set<string | undefined>()

  // README:order-shipping:begin
  // WeChat reminds you of payments still waiting for their shipping information.
  messages.on('event.trade_manage_remind_shipping', (event) => void toShip.add(event.transaction_id))

  // Once the parcel left: say how it ships (uploaded once, then it may be updated once).
  await wechat.uploadShippingInfo({
    order_key: { order_number_type: 2, transaction_id }, // or 1 with mchid + out_trade_no
    logistics_type: 1, // 1 express, 2 same-city, 3 virtual, 4 self-pickup
    delivery_mode: 1, // 1 in one go, 2 split (then is_all_delivered)
    shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: 'Blue mug ×2' }],
    upload_time: new Date(), // sent as RFC 3339 in Beijing time: 2025-01-01T08:30:00.000+08:00
    payer: { openid },
  })
  const { order } = await wechat.getShippingOrder({ transaction_id })
  console.log(order.order_state) // 2: shipped
  // README:order-shipping:end

  expect(order.order_state).toBe(2)
  await emu.control.pushTradeManageRemindShipping({ transaction_id })
  expect(toShip).toEqual(new Set([transaction_id]))
  await wechat.close()
})
