import { describe, expect, test } from 'vitest'
import { ErrCode, isWechatError, isWechatTimeoutError, isWechatValidationError } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const SEND = '/cgi-bin/message/template/send'
const DATA = { keyword1: { value: '1001', color: '#173177' }, keyword2: { value: 'Shipped' } }

async function setup() {
  const emu = await emulator()
  await emu.control.registerOaTemplate({ templateId: 'TPL_SHIPPED', keys: ['keyword1', 'keyword2'] })
  const { openid } = await emu.control.follow()
  return { emu, wechat: client(emu), openid }
}

describe('sendTemplateMessage', () => {
  test('sends to a follower and answers the msgid the emulator recorded', async () => {
    const { emu, wechat, openid } = await setup()
    const { msgid } = await wechat.sendTemplateMessage({
      touser: openid,
      template_id: 'TPL_SHIPPED',
      url: 'https://example.com/orders/1001',
      miniprogram: { appid: 'wx0000000000000mp1', pagepath: 'pages/order/order?id=1001' },
      data: DATA,
    })
    expect(await emu.control.messages()).toEqual([
      expect.objectContaining({
        kind: 'template',
        msgid,
        touser: openid,
        data: DATA,
        url: 'https://example.com/orders/1001',
      }),
    ])
  })

  test('a non-follower is WechatError 43004 and an unknown template 40037, each one request', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.unfollow(openid)
    const notFollowing = await rejection(
      wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL_SHIPPED', data: DATA }),
    )
    expect(isWechatError(notFollowing) && notFollowing.errcode).toBe(ErrCode.RequireSubscribe)
    expect(notFollowing).toMatchObject({ endpoint: SEND })
    const unknown = await rejection(
      wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL_NOPE', data: DATA }),
    )
    expect(isWechatError(unknown) && unknown.errcode).toBe(ErrCode.InvalidTemplateId)
    expect(await calls(emu, SEND)).toBe(2)
  })

  test('a timeout is not retried (it may have been delivered), but a client_msg_id makes a retry safe', async () => {
    const { emu, openid } = await setup()
    const wechat = client(emu, { timeout: 300 })
    await wechat.getAccessToken()
    const message = {
      touser: openid,
      template_id: 'TPL_SHIPPED',
      data: DATA,
      client_msg_id: 'order-1001-shipped',
    }
    // The answer comes too late: the client gives up, yet the emulator still delivers the message.
    await emu.control.injectFault({ path: SEND, fault: { kind: 'delay', ms: 1500 } })
    const lost = await rejection(wechat.sendTemplateMessage(message))
    expect(isWechatTimeoutError(lost)).toBe(true)
    expect(await calls(emu, SEND)).toBe(1)
    await expect.poll(async () => (await emu.control.messages()).length, { timeout: 10_000 }).toBe(1)
    const retried = await wechat.sendTemplateMessage(message)
    const [delivered] = await emu.control.messages()
    expect(retried.msgid).toBe(delivered?.kind === 'template' ? delivered.msgid : undefined)
    expect(await emu.control.messages()).toHaveLength(1)
  })

  test('a revoked token is refreshed once and the message sent once', async () => {
    const { emu, wechat, openid } = await setup()
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    await wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL_SHIPPED', data: DATA })
    expect(await calls(emu, SEND)).toBe(2)
    expect(await emu.control.messages()).toHaveLength(1)
  })

  test.each([
    [null, 'message'],
    [{ touser: '', template_id: 'T', data: {} }, 'touser'],
    [{ touser: 'o1', template_id: '', data: {} }, 'template_id'],
    [{ touser: 'o1', template_id: 'T' }, 'data'],
    [{ touser: 'o1', template_id: 'T', data: { keyword1: { value: 1 } } }, 'data.keyword1.value'],
    [
      { touser: 'o1', template_id: 'T', data: { keyword1: { value: 'a', color: 'red' } } },
      'data.keyword1.color',
    ],
    [{ touser: 'o1', template_id: 'T', data: {}, url: 'javascript:alert(1)' }, 'url'],
    [{ touser: 'o1', template_id: 'T', data: {}, miniprogram: { pagepath: 'p' } }, 'miniprogram.appid'],
    [{ touser: 'o1', template_id: 'T', data: {}, client_msg_id: 'x'.repeat(65) }, 'client_msg_id'],
  ])('refuses %j before any request (field %s)', async (message, field) => {
    const { emu, wechat } = await setup()
    const error = await rejection(wechat.sendTemplateMessage(message as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
