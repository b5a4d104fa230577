import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP, type RunningEmulator } from '../src/index.js'
import { classicToken, emulator, FIXED_NOW, postJson, RID } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }
const DATA = {
  first: { value: '您好' },
  keyword1: { value: 'A-1001', color: '#173177' },
  thing2: { value: '已发货' },
}

async function setup(): Promise<{
  e: RunningEmulator
  openid: string
  send: (body: Record<string, unknown>) => Promise<Record<string, unknown>>
}> {
  const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
  await e.control.registerOaTemplate({ templateId: 'oa-tpl', keys: ['first', 'keyword1', 'thing2'] })
  const { openid } = await e.control.follow()
  const token = await classicToken(e)
  const url = `${e.apiBaseUrl}/cgi-bin/message/template/send?access_token=${token}`
  return {
    e,
    openid,
    send: (body) => postJson(url, { touser: openid, template_id: 'oa-tpl', data: DATA, ...body }),
  }
}

describe('POST /cgi-bin/message/template/send', () => {
  it('delivers to a follower, answers a msgid and lists the message in messages()', async () => {
    const { e, openid, send } = await setup()
    const body = await send({
      url: 'https://example.com/order/1',
      miniprogram: { appid: 'wxmini', pagepath: 'pages/o' },
    })
    expect(body).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })
    expect(await e.control.messages()).toEqual([
      {
        kind: 'template',
        appId: DEFAULT_APP.appId,
        touser: openid,
        templateId: 'oa-tpl',
        msgid: body.msgid,
        url: 'https://example.com/order/1',
        miniprogram: { appid: 'wxmini', pagepath: 'pages/o' },
        data: DATA,
        sentAt: FIXED_NOW,
      },
    ])
  })

  it('delivers a client_msg_id once: the repeat answers the first msgid, and after 10 minutes it is new again', async () => {
    const { e, send } = await setup()
    const first = await send({ client_msg_id: 'order-1001-shipped' })
    const repeat = await send({ client_msg_id: 'order-1001-shipped' })
    expect(repeat.msgid).toBe(first.msgid)
    expect(await e.control.messages()).toHaveLength(1)
    const other = await send({ client_msg_id: 'order-1002-shipped' })
    expect(other.msgid).not.toBe(first.msgid)
    await e.control.advanceClock(10 * 60_000)
    expect((await send({ client_msg_id: 'order-1001-shipped' })).msgid).not.toBe(first.msgid)
    expect(await e.control.messages()).toHaveLength(3)
  })

  it('answers 43004 for a user who does not follow (any more)', async () => {
    const { e, openid, send } = await setup()
    await e.control.unfollow(openid)
    expect(await send({})).toMatchObject({ errcode: 43004, errmsg: expect.stringMatching(RID) })
    expect(await e.control.messages()).toEqual([])
  })

  it('answers 40037 for an unknown template or one registered for another app', async () => {
    const { e, send } = await setup()
    await e.control.registerOaTemplate({ templateId: 'theirs', appId: OTHER_APP.appId })
    expect((await send({ template_id: 'nope' })).errcode).toBe(40037)
    expect((await send({ template_id: 'theirs' })).errcode).toBe(40037)
    expect((await send({ template_id: '' })).errcode).toBe(40037)
  })

  it.each([
    ['touser empty', { touser: '' }, 40003],
    ['touser unknown', { touser: 'oNeverSeen000000000000000000' }, 40003],
    ['data not an object', { data: 'x' }, 47001],
    ['a value not a string', { data: { ...DATA, first: { value: 1 } } }, 47001],
    ['a colour not a string', { data: { ...DATA, first: { value: 'a', color: 0 } } }, 47001],
    ['url not a string', { url: 42 }, 47001],
    ['miniprogram without appid', { miniprogram: { pagepath: 'p' } }, 47001],
    ['client_msg_id empty', { client_msg_id: '' }, 47001],
    ['a template key missing', { data: { first: DATA.first, thing2: DATA.thing2 } }, 47003],
    ['a typed key breaking its rule', { data: { ...DATA, thing2: { value: '字'.repeat(21) } } }, 47003],
  ])('answers %s with %i', async (_, extra, errcode) => {
    const { e, send } = await setup()
    const body = await send(extra)
    expect(body).toMatchObject({ errcode, errmsg: expect.stringMatching(RID) })
    if (errcode === 47003)
      expect(body.errmsg).toMatch(/^argument invalid! data\.(keyword1|thing2)\.value invalid/)
    expect(await e.control.messages()).toEqual([])
  })

  it('checks registerOaTemplate arguments, in process and over HTTP', async () => {
    const e = await emulator()
    for (const control of [e.control, connectEmulator(e.url)]) {
      await expect(control.registerOaTemplate({ templateId: '' })).rejects.toThrow(/templateId/)
      await expect(control.registerOaTemplate({ templateId: 't', keys: ['a b'] })).rejects.toThrow(
        /keys must be/,
      )
      await expect(control.registerOaTemplate({ templateId: 't', keys: ['first', 'first'] })).rejects.toThrow(
        /repeat/,
      )
      await expect(
        control.registerOaTemplate({ templateId: 't', appId: 'wx0000000000000000' }),
      ).rejects.toThrow(/unknown appId/)
    }
  })
})
