import { describe, expect, test } from 'vitest'
import {
  type CustomerMessage,
  ErrCode,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
  type Wechat,
} from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const SEND = '/cgi-bin/message/custom/send'
const TYPING = '/cgi-bin/message/custom/typing'
const HOUR = 3600_000
const MINUTE = 60_000

async function setup() {
  const emu = await emulator()
  await emu.control.userMessage({ openid: 'o_customer' })
  return { emu, wechat: client(emu), openid: 'o_customer' }
}

/** A temporary media id: the emulator, like WeChat, refuses media ids it did not hand out (40007). */
async function mediaId(wechat: Wechat, type: 'image' | 'voice' | 'video' | 'thumb', filename: string) {
  return (await wechat.uploadTempMedia({ type, data: new Uint8Array([1, 2, 3]), filename })).media_id
}

describe('sendCustomerMessage', () => {
  test('sends text, image, link and miniprogrampage, and the emulator shows each', async () => {
    const { emu, wechat, openid } = await setup()
    const image = await mediaId(wechat, 'image', 'parcel.png')
    const thumb = await mediaId(wechat, 'thumb', 'thumb.jpg')
    const messages: CustomerMessage[] = [
      { touser: openid, msgtype: 'text', text: { content: 'Your parcel left' } },
      { touser: openid, msgtype: 'image', image: { media_id: image } },
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
        miniprogrampage: { title: 'Order', pagepath: 'pages/order/order?id=1001', thumb_media_id: thumb },
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

describe('sendCustomerMessage: the Official Account types', () => {
  const article = {
    title: 'T',
    description: 'D',
    url: 'https://example.com/a',
    picurl: 'https://example.com/p.png',
  }
  const oa = (touser: string, media: { voice: string; video: string; thumb: string }): CustomerMessage[] => [
    { touser, msgtype: 'voice', voice: { media_id: media.voice } },
    {
      touser,
      msgtype: 'video',
      video: { media_id: media.video, thumb_media_id: media.thumb, description: 'D' },
    },
    {
      touser,
      msgtype: 'music',
      music: {
        title: 'Song',
        musicurl: 'https://example.com/m.mp3',
        hqmusicurl: 'https://example.com/hq.mp3',
        thumb_media_id: media.thumb,
      },
    },
    { touser, msgtype: 'news', news: { articles: [article] } },
    { touser, msgtype: 'mpnews', mpnews: { media_id: 'MPNEWS' } },
    { touser, msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: 'ARTICLE' } },
    {
      touser,
      msgtype: 'msgmenu',
      msgmenu: {
        head_content: 'How was it?',
        list: [
          { id: '101', content: 'Good' },
          { id: '102', content: 'Bad' },
        ],
        tail_content: 'Thanks',
      },
    },
    { touser, msgtype: 'wxcard', wxcard: { card_id: 'CARD' } },
    {
      touser,
      msgtype: 'miniprogrampage',
      miniprogrampage: { title: 'Shop', appid: 'wxmini', pagepath: 'pages/a/a', thumb_media_id: media.thumb },
      customservice: { kf_account: 'test1@account' },
    },
  ]

  async function follower() {
    const emu = await emulator()
    const { openid } = await emu.control.follow({ openid: 'o_follower' })
    await emu.control.userMessage({ openid })
    return { emu, wechat: client(emu), openid }
  }

  test('sends each type to a follower who wrote, and the emulator shows it as sent', async () => {
    const { emu, wechat, openid } = await follower()
    const messages = oa(openid, {
      voice: await mediaId(wechat, 'voice', 'hello.amr'),
      video: await mediaId(wechat, 'video', 'hello.mp4'),
      thumb: await mediaId(wechat, 'thumb', 'thumb.jpg'),
    })
    for (const message of messages) await wechat.sendCustomerMessage(message)
    const delivered = (await emu.control.messages()).filter((m) => m.kind === 'customer')
    expect(delivered.map((m) => [m.msgtype, m.content])).toEqual(
      messages.map((m) => [m.msgtype, (m as unknown as Record<string, unknown>)[m.msgtype]]),
    )
    expect(delivered.at(-1)).toMatchObject({ kfAccount: 'test1@account' })
  })

  test("48 hours after the follower's last message it is WechatError 45015; a new message reopens it", async () => {
    const { emu, wechat, openid } = await follower()
    const voice: CustomerMessage = {
      touser: openid,
      msgtype: 'voice',
      // Uploaded by another client, so this one's first token is fetched after the clock moves.
      voice: { media_id: await mediaId(client(emu), 'voice', 'hello.mp3') },
    }
    // The emulator's clock also runs in real time: a minute either side of the 48 hours.
    await emu.control.advanceClock(48 * HOUR - MINUTE)
    await wechat.sendCustomerMessage(voice)
    await emu.control.advanceClock(2 * MINUTE)
    const error = await rejection(wechat.sendCustomerMessage(voice))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.ResponseOutOfTimeLimit)
    await emu.control.userMessage({ openid })
    await wechat.sendCustomerMessage(voice)
    expect(await calls(emu, SEND)).toBe(3)
  })

  test.each([
    ['a voice without media_id', { msgtype: 'voice', voice: {} }, 'voice.media_id'],
    [
      'a video without thumb_media_id',
      { msgtype: 'video', video: { media_id: 'V' } },
      'video.thumb_media_id',
    ],
    [
      'a video with a non-string title',
      { msgtype: 'video', video: { media_id: 'V', thumb_media_id: 'T', title: 7 } },
      'video.title',
    ],
    [
      'music whose hqmusicurl is not http(s)',
      {
        msgtype: 'music',
        music: { musicurl: 'https://x.test/m', hqmusicurl: 'ftp://x', thumb_media_id: 'T' },
      },
      'music.hqmusicurl',
    ],
    ['news without articles', { msgtype: 'news', news: {} }, 'news.articles'],
    ['news with no article', { msgtype: 'news', news: { articles: [] } }, 'news.articles'],
    ['news with two articles', { msgtype: 'news', news: { articles: [article, article] } }, 'news.articles'],
    [
      'news whose article has no picurl',
      { msgtype: 'news', news: { articles: [{ ...article, picurl: undefined }] } },
      'news.articles[0].picurl',
    ],
    [
      'news whose article url is not http(s)',
      { msgtype: 'news', news: { articles: [{ ...article, url: 'x' }] } },
      'news.articles[0].url',
    ],
    ['mpnews without media_id', { msgtype: 'mpnews', mpnews: {} }, 'mpnews.media_id'],
    [
      'mpnewsarticle without article_id',
      { msgtype: 'mpnewsarticle', mpnewsarticle: {} },
      'mpnewsarticle.article_id',
    ],
    [
      'msgmenu without head_content',
      { msgtype: 'msgmenu', msgmenu: { list: [{ id: '1', content: 'c' }], tail_content: 't' } },
      'msgmenu.head_content',
    ],
    [
      'msgmenu with an empty list',
      { msgtype: 'msgmenu', msgmenu: { head_content: 'h', list: [], tail_content: 't' } },
      'msgmenu.list',
    ],
    [
      'msgmenu whose item has no content',
      {
        msgtype: 'msgmenu',
        msgmenu: { head_content: 'h', list: [{ id: '1', content: 'a' }, { id: '2' }], tail_content: 't' },
      },
      'msgmenu.list[1].content',
    ],
    ['wxcard without card_id', { msgtype: 'wxcard', wxcard: {} }, 'wxcard.card_id'],
    [
      'a page card with an empty appid',
      {
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: 't', appid: '', pagepath: 'p', thumb_media_id: 'm' },
      },
      'miniprogrampage.appid',
    ],
    [
      'customservice that is not an object',
      { msgtype: 'wxcard', wxcard: { card_id: 'C' }, customservice: 'kf' },
      'customservice',
    ],
    [
      'customservice without kf_account',
      { msgtype: 'wxcard', wxcard: { card_id: 'C' }, customservice: {} },
      'customservice.kf_account',
    ],
  ])('%s is a WechatValidationError before any request', async (_name, message, field) => {
    const { emu, wechat, openid } = await follower()
    const error = await rejection(wechat.sendCustomerMessage({ touser: openid, ...message } as never))
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
