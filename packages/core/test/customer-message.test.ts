import { describe, expect, test } from 'vitest'
import {
  type CustomerMessage,
  ErrCode,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
} from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const SEND = '/cgi-bin/message/custom/send'
const TYPING = '/cgi-bin/message/custom/typing'
const HOUR = 3600_000

async function setup() {
  const emu = await emulator()
  await emu.control.userMessage({ openid: 'o_customer' })
  return { emu, wechat: client(emu), openid: 'o_customer' }
}

describe('sendCustomerMessage', () => {
  test('sends text, image, link and miniprogrampage, and the emulator shows each', async () => {
    const { emu, wechat, openid } = await setup()
    const messages: CustomerMessage[] = [
      { touser: openid, msgtype: 'text', text: { content: 'Your parcel left' } },
      { touser: openid, msgtype: 'image', image: { media_id: 'MEDIA_ID' } },
      {
        touser: openid,
        msgtype: 'link',
        link: {
          title: 'Order 1001',
          description: 'Track it',
          url: 'https://example.com/orders/1001',
          thumb_url: 'https://example.com/thumb.png',
        },
      },
      {
        touser: openid,
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: 'Order', pagepath: 'pages/order/order?id=1001', thumb_media_id: 'THUMB' },
      },
    ]
    for (const message of messages) await wechat.sendCustomerMessage(message)
    const delivered = await emu.control.messages()
    expect(delivered).toEqual(
      messages.map((m) =>
        expect.objectContaining({
          kind: 'customer',
          touser: openid,
          msgtype: m.msgtype,
          content: (m as unknown as Record<string, unknown>)[m.msgtype],
        }),
      ),
    )
  })

  test('outside the 48-hour window it is WechatError 45015, sent once', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.advanceClock(48 * HOUR + 1)
    const error = await rejection(
      wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'late' } }),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.ResponseOutOfTimeLimit)
    expect(error).toMatchObject({ endpoint: SEND })
    expect(await calls(emu, SEND)).toBe(1)
  })

  test('an unknown openid is WechatError 40003, and the 21st message of a window 45047', async () => {
    const { wechat, openid } = await setup()
    const unknown = await rejection(
      wechat.sendCustomerMessage({ touser: 'o_stranger', msgtype: 'text', text: { content: 'hi' } }),
    )
    expect(isWechatError(unknown) && unknown.errcode).toBe(ErrCode.InvalidOpenid)
    for (let i = 0; i < 20; i++) {
      await wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: `m${i}` } })
    }
    const spent = await rejection(
      wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'one more' } }),
    )
    expect(isWechatError(spent) && spent.errcode).toBe(ErrCode.ResponseCountLimit)
  })

  test('a timeout is not retried (the user may already have the message)', async () => {
    const { emu, openid } = await setup()
    const wechat = client(emu, { timeout: 200 })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: SEND, fault: { kind: 'delay', ms: 1000 } })
    const error = await rejection(
      wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'once' } }),
    )
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, SEND)).toBe(1)
  })

  test('a revoked token is refreshed once and the message sent once', async () => {
    const { emu, wechat, openid } = await setup()
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    await wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'hi' } })
    expect(await calls(emu, SEND)).toBe(2)
    expect(await emu.control.messages()).toHaveLength(1)
  })

  test.each([
    ['no message', null, 'message'],
    ['an empty touser', { touser: '', msgtype: 'text', text: { content: 'x' } }, 'touser'],
    ['an unknown msgtype', { touser: 'o', msgtype: 'fax', fax: {} }, 'msgtype'],
    ['a missing content field', { touser: 'o', msgtype: 'text' }, 'text'],
    ['empty text', { touser: 'o', msgtype: 'text', text: { content: '' } }, 'text.content'],
    ['an image without media_id', { touser: 'o', msgtype: 'image', image: {} }, 'image.media_id'],
    [
      'a link whose url is not http(s)',
      {
        touser: 'o',
        msgtype: 'link',
        link: { title: 't', description: 'd', url: 'ftp://x', thumb_url: 'https://x.test/t' },
      },
      'link.url',
    ],
    [
      'a link without thumb_url',
      { touser: 'o', msgtype: 'link', link: { title: 't', description: 'd', url: 'https://x.test' } },
      'link.thumb_url',
    ],
    [
      'a page card without thumb_media_id',
      { touser: 'o', msgtype: 'miniprogrampage', miniprogrampage: { title: 't', pagepath: 'pages/a/a' } },
      'miniprogrampage.thumb_media_id',
    ],
  ])('%s is a WechatValidationError before any request', async (_name, message, field) => {
    const { emu, wechat } = await setup()
    const error = await rejection(wechat.sendCustomerMessage(message as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect(await calls(emu, SEND)).toBe(0)
  })
})

describe('setTyping', () => {
  test('sends Typing and CancelTyping within the window, 45015 outside it', async () => {
    const { emu, wechat, openid } = await setup()
    await wechat.setTyping(openid, true)
    await wechat.setTyping(openid, false)
    expect((await emu.control.typing()).map((t) => t.command)).toEqual(['Typing', 'CancelTyping'])
    await emu.control.advanceClock(49 * HOUR)
    const error = await rejection(wechat.setTyping(openid, true))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.ResponseOutOfTimeLimit)
  })

  test('checks the openid and the flag before any request', async () => {
    const { emu, wechat } = await setup()
    const noOpenid = await rejection(wechat.setTyping('', true))
    expect(isWechatValidationError(noOpenid) && noOpenid.field).toBe('openid')
    const notBoolean = await rejection(wechat.setTyping('o', 'yes' as never))
    expect(isWechatValidationError(notBoolean) && notBoolean.field).toBe('typing')
    expect(await calls(emu, TYPING)).toBe(0)
  })
})
