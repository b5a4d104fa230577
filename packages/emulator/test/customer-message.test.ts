import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, postJson } from './support/emulator-fixture.js'
import { receiver } from './support/push-receiver.js'
import { mediaForm, postUpload, uploadMedia } from './support/temp-media.js'

const HOUR = 3600_000
const MINUTE = 60_000

async function setup() {
  const e = await emulator()
  // A fresh token per call: the tests move the clock past a token's lifetime.
  const call = async (path: string, body: unknown) =>
    postJson(`${e.apiBaseUrl}${path}?access_token=${await classicToken(e)}`, body)
  const send = (body: unknown) => call('/cgi-bin/message/custom/send', body)
  const typing = (body: unknown) => call('/cgi-bin/message/custom/typing', body)
  return { e, send, typing }
}

const text = (touser: string, content = 'Hello') => ({ touser, msgtype: 'text', text: { content } })

describe('POST /cgi-bin/message/custom/send (§14.5)', () => {
  it('delivers each Mini Program type within 48 hours of the user message, and messages() shows them', async () => {
    const { e, send } = await setup()
    await e.control.userMessage({ openid: 'oUser' })
    const image = await uploadMedia(e, 'image', 'a.png')
    const thumb = await uploadMedia(e, 'thumb', 't.jpg')
    const bodies = [
      text('oUser'),
      { touser: 'oUser', msgtype: 'image', image: { media_id: image } },
      {
        touser: 'oUser',
        msgtype: 'link',
        link: {
          title: 'T',
          description: 'D',
          url: 'https://example.com/a',
          thumb_url: 'https://example.com/t.png',
        },
      },
      {
        touser: 'oUser',
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: 'T', pagepath: 'pages/index/index', thumb_media_id: thumb },
      },
    ]
    for (const body of bodies) expect(await send(body)).toEqual({ errcode: 0, errmsg: 'ok' })
    const messages = await e.control.messages()
    expect(messages.map((m) => m.kind === 'customer' && m.msgtype)).toEqual([
      'text',
      'image',
      'link',
      'miniprogrampage',
    ])
    expect(messages[0]).toMatchObject({ kind: 'customer', touser: 'oUser', content: { content: 'Hello' } })
  })

  it('answers 45015 without a user message, and after 48 hours; a new message reopens the window', async () => {
    const { e, send } = await setup()
    await e.control.mintCode({ kind: 'login', openid: 'oUser' }) // a known user who never wrote
    expect(await send(text('oUser'))).toMatchObject({ errcode: 45015 })
    await e.control.userMessage({ openid: 'oUser' })
    // The emulator's clock also runs in real time: a minute either side of the 48 hours, not 1 ms.
    await e.control.advanceClock(48 * HOUR - MINUTE)
    expect(await send(text('oUser'))).toMatchObject({ errcode: 0 })
    await e.control.advanceClock(2 * MINUTE)
    expect(await send(text('oUser'))).toMatchObject({ errcode: 45015 })
    await e.control.userMessage({ openid: 'oUser' })
    expect(await send(text('oUser'))).toMatchObject({ errcode: 0 })
    expect(await e.control.messages()).toHaveLength(2)
  })

  it('a user message or a user_enter_tempsession event pushed with pushMessage opens the window', async () => {
    const { e, send } = await setup()
    const server = await receiver(() => ({ status: 200, body: 'success' }))
    await e.control.pushMessage({
      url: server.url,
      token: 'pushtoken',
      message: { MsgType: 'text', Content: 'hi', FromUserName: 'oPushed' },
    })
    expect(await send(text('oPushed'))).toMatchObject({ errcode: 0 })
    await e.control.pushMessage({
      url: server.url,
      token: 'pushtoken',
      message: { MsgType: 'event', Event: 'user_enter_tempsession', FromUserName: 'oEntered' },
    })
    expect(await send(text('oEntered'))).toMatchObject({ errcode: 0 })
  })

  it('answers 45047 after 20 messages in one window', async () => {
    const { e, send } = await setup()
    await e.control.userMessage({ openid: 'oUser' })
    for (let i = 0; i < 20; i++) expect(await send(text('oUser', `m${i}`))).toMatchObject({ errcode: 0 })
    expect(await send(text('oUser'))).toMatchObject({ errcode: 45047 })
  })

  it('answers 40003 for an unknown or empty touser and 47001 for a bad msgtype or field', async () => {
    const { e, send } = await setup()
    await e.control.userMessage({ openid: 'oUser' })
    expect(await send(text('oNobody'))).toMatchObject({ errcode: 40003 })
    expect(await send(text(''))).toMatchObject({ errcode: 40003 })
    expect(await send({ touser: 'oUser', msgtype: 'fax', fax: {} })).toMatchObject({ errcode: 47001 })
    expect(await send({ touser: 'oUser', msgtype: 'text' })).toMatchObject({ errcode: 47001 })
    expect(await send({ touser: 'oUser', msgtype: 'text', text: { content: '' } })).toMatchObject({
      errcode: 47001,
    })
    expect(await send({ touser: 'oUser', msgtype: 'link', link: { title: 'T' } })).toMatchObject({
      errcode: 47001,
    })
    expect(await e.control.messages()).toEqual([])
  })

  it("answers 40007 for a media id that is unknown, another app's or older than 3 days (§15.5)", async () => {
    const other = { appId: 'wx_other_app', appSecret: 'other-secret-0123456789abcdef' }
    const e = await emulator({ apps: [DEFAULT_APP, other] })
    await e.control.userMessage({ openid: 'oUser' })
    const send = async (body: unknown) =>
      postJson(`${e.apiBaseUrl}/cgi-bin/message/custom/send?access_token=${await classicToken(e)}`, body)
    const image = (media_id: string) => ({ touser: 'oUser', msgtype: 'image', image: { media_id } })
    const page = (thumb_media_id: string) => ({
      touser: 'oUser',
      msgtype: 'miniprogrampage',
      miniprogrampage: { title: 'T', pagepath: 'pages/index/index', thumb_media_id },
    })
    const own = await uploadMedia(e, 'image', 'a.png')
    const theirs = (await postUpload(e, 'image', mediaForm('a.png', new Uint8Array([1])), {}, other))
      .media_id as string
    expect(await send(image('MEDIA_ID'))).toMatchObject({ errcode: 40007 })
    expect(await send(image(theirs))).toMatchObject({ errcode: 40007 })
    expect(await send(page('THUMB'))).toMatchObject({ errcode: 40007 })
    expect(await send(image(own))).toEqual({ errcode: 0, errmsg: 'ok' })
    await e.control.advanceClock(3 * 24 * HOUR + MINUTE)
    await e.control.userMessage({ openid: 'oUser' }) // the window is open again: only the media is stale
    expect(await send(image(own))).toMatchObject({ errcode: 40007 })
    expect((await e.control.messages()).filter((m) => m.kind === 'customer')).toHaveLength(1)
  })
})

/** Temporary media ids for the Official Account bodies. */
async function officialAccountMedia(e: Awaited<ReturnType<typeof emulator>>) {
  return {
    voice: await uploadMedia(e, 'voice', 'v.amr'),
    video: await uploadMedia(e, 'video', 'v.mp4'),
    thumb: await uploadMedia(e, 'thumb', 't.jpg'),
  }
}

/** One body of each Official Account type (§14.5), sent to `touser`. */
const officialAccountBodies = (touser: string, media: { voice: string; video: string; thumb: string }) => [
  { touser, msgtype: 'voice', voice: { media_id: media.voice } },
  { touser, msgtype: 'video', video: { media_id: media.video, thumb_media_id: media.thumb, title: 'T' } },
  {
    touser,
    msgtype: 'music',
    music: {
      musicurl: 'https://example.com/m.mp3',
      hqmusicurl: 'https://example.com/hq.mp3',
      thumb_media_id: media.thumb,
    },
  },
  {
    touser,
    msgtype: 'news',
    news: {
      articles: [
        { title: 'T', description: 'D', url: 'https://example.com/a', picurl: 'https://example.com/p.png' },
      ],
    },
  },
  { touser, msgtype: 'mpnews', mpnews: { media_id: 'MPNEWS' } },
  { touser, msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: 'ARTICLE' } },
  {
    touser,
    msgtype: 'msgmenu',
    msgmenu: { head_content: 'Rate us', list: [{ id: '101', content: 'Good' }], tail_content: 'Thanks' },
  },
  { touser, msgtype: 'wxcard', wxcard: { card_id: 'CARD' } },
  {
    touser,
    msgtype: 'miniprogrampage',
    miniprogrampage: { title: 'T', appid: 'wxmini', pagepath: 'pages/a/a', thumb_media_id: media.thumb },
    customservice: { kf_account: 'test1@account' },
  },
]

describe('Official Account types of message/custom/send (§14.5)', () => {
  it('delivers each type to a follower who wrote within 48 hours; messages() shows them', async () => {
    const { e, send } = await setup()
    const { openid } = await e.control.follow({ openid: 'oFan' })
    await e.control.userMessage({ openid })
    const bodies = officialAccountBodies(openid, await officialAccountMedia(e))
    for (const body of bodies) expect(await send(body)).toEqual({ errcode: 0, errmsg: 'ok' })
    const messages = await e.control.messages()
    const customer = messages.filter((m) => m.kind === 'customer')
    expect(customer.map((m) => [m.msgtype, m.content])).toEqual(
      bodies.map((b) => [b.msgtype, (b as Record<string, unknown>)[b.msgtype]]),
    )
    expect(customer.at(-1)).toMatchObject({ kfAccount: 'test1@account' })
    expect(customer[0]).not.toHaveProperty('kfAccount')
  })

  it('keeps a follower to the 48-hour window from their last message: 45015 after it, open again after a message', async () => {
    const { e, send } = await setup()
    const { openid } = await e.control.follow({ openid: 'oFan' })
    const voice = officialAccountBodies(openid, await officialAccountMedia(e))[0]
    expect(await send(voice)).toMatchObject({ errcode: 45015 })
    await e.control.userMessage({ openid })
    // The emulator's clock also runs in real time: a minute either side of the 48 hours.
    await e.control.advanceClock(48 * HOUR - MINUTE)
    expect(await send(voice)).toMatchObject({ errcode: 0 })
    await e.control.advanceClock(2 * MINUTE)
    expect(await send(voice)).toMatchObject({ errcode: 45015 })
    await e.control.userMessage({ openid })
    expect(await send(voice)).toMatchObject({ errcode: 0 })
    expect(await e.control.messages()).toHaveLength(2)
  })

  it.each([
    ['video without thumb_media_id', { msgtype: 'video', video: { media_id: 'V' } }],
    [
      'music without hqmusicurl',
      { msgtype: 'music', music: { musicurl: 'https://x.test/m', thumb_media_id: 'T' } },
    ],
    ['news with no article', { msgtype: 'news', news: { articles: [] } }],
    [
      'news with two articles',
      {
        msgtype: 'news',
        news: {
          articles: [1, 2].map(() => ({
            title: 'T',
            description: 'D',
            url: 'https://x.test',
            picurl: 'https://x.test/p',
          })),
        },
      },
    ],
    [
      'news with an article missing picurl',
      { msgtype: 'news', news: { articles: [{ title: 'T', description: 'D', url: 'https://x.test' }] } },
    ],
    [
      'msgmenu with an empty list',
      { msgtype: 'msgmenu', msgmenu: { head_content: 'H', list: [], tail_content: 'T' } },
    ],
    [
      'msgmenu with an item without id',
      { msgtype: 'msgmenu', msgmenu: { head_content: 'H', list: [{ content: 'c' }], tail_content: 'T' } },
    ],
    ['wxcard without card_id', { msgtype: 'wxcard', wxcard: {} }],
    ['customservice without kf_account', { msgtype: 'mpnews', mpnews: { media_id: 'M' }, customservice: {} }],
  ])('answers 47001 for %s and delivers nothing', async (_name, body) => {
    const { e, send } = await setup()
    const { openid } = await e.control.follow({ openid: 'oFan' })
    await e.control.userMessage({ openid })
    expect(await send({ touser: openid, ...body })).toMatchObject({ errcode: 47001 })
    expect((await e.control.messages()).filter((m) => m.kind === 'customer')).toEqual([])
  })
})

describe('POST /cgi-bin/message/custom/typing (§14.5)', () => {
  it('records Typing and CancelTyping within the window, 45015 outside it, 40097 for another command', async () => {
    const { e, typing } = await setup()
    await e.control.mintCode({ kind: 'login', openid: 'oUser' })
    expect(await typing({ touser: 'oUser', command: 'Typing' })).toMatchObject({ errcode: 45015 })
    await e.control.userMessage({ openid: 'oUser' })
    expect(await typing({ touser: 'oUser', command: 'Typing' })).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await typing({ touser: 'oUser', command: 'CancelTyping' })).toMatchObject({ errcode: 0 })
    expect(await typing({ touser: 'oUser', command: 'typing' })).toMatchObject({ errcode: 40097 })
    expect((await e.control.typing()).map((t) => t.command)).toEqual(['Typing', 'CancelTyping'])
  })
})

describe('userMessage()', () => {
  it('refuses a missing openid and an unknown app', async () => {
    const { e } = await setup()
    await expect(e.control.userMessage({} as never)).rejects.toThrow(/userMessage needs an openid/)
    await expect(e.control.userMessage({ openid: 'o', appId: 'wx_unknown' })).rejects.toThrow(/unknown appId/)
  })
})
