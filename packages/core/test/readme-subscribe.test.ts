import { expect, test } from 'vitest'
import { isWechatValidationError, truncateString, Wechat } from '../src/index.js'
import { calls, DEFAULT_APP, emulator } from './helpers.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test('the README example of value checks is exactly the code its test runs', () => {
  expect(readmeBlock('#### Values are checked before sending')).toBe(exampleBlock(import.meta.url, 'values'))
})

test('the value checks example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const openid = 'o_readme'
  await emu.control.registerTemplate({ templateId: 'TPL_ORDER', keys: ['thing1', 'amount2', 'phrase3'] })
  await emu.control.registerTemplate({ templateId: 'TPL', keys: ['phrase1'] })
  await emu.control.subscribe({ openid, templateId: 'TPL_ORDER' })
  await emu.control.subscribe({ openid, templateId: 'TPL' })
  const title = 'Your parcel from the shop around the corner has been shipped'
  const data = { phrase1: { value: '已发货' } }

  // README:values:begin
  const order = { templateId: 'TPL_ORDER', templateKeys: ['thing1', 'amount2', 'phrase3'] }
  try {
    await wechat.sendMessageWithTemplate(order, [title, '¥99.00', '配送中'], openid)
  } catch (error) {
    // Nothing was sent. error.field is 'data.thing1.value' and error.message ends with
    // 'thing allows at most 20 characters; use truncateString'.
    if (!isWechatValidationError(error) || error.field !== 'data.thing1.value') throw error
    await wechat.sendMessageWithTemplate(order, [truncateString(title, 20), '¥99.00', '配送中'], openid)
  }

  // One call unchecked: the values go as they are (WeChat answers 47003, a WechatError, for one it refuses).
  await wechat.sendMessage({ touser: openid, template_id: 'TPL', data }, { validate: false })
  // README:values:end

  expect((await emu.control.messages()).map((m) => 'data' in m && m.data)).toEqual([
    {
      thing1: { value: truncateString(title, 20) },
      amount2: { value: '¥99.00' },
      phrase3: { value: '配送中' },
    },
    { phrase1: { value: '已发货' } },
  ])
  expect(await calls(emu, '/cgi-bin/message/subscribe/send')).toBe(2) // the refused first try never left
  await wechat.close()
})
