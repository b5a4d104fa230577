import { describe, expect, it } from 'vitest'
import { connectEmulator, type RunningEmulator } from '../src/index.js'
import { decryptPush, pushSignature } from '../src/push/push-crypto.js'
import { parsePushXml, toPushXml } from '../src/push/push-xml.js'
import { classicToken, emulator, FIXED_NOW, postJson } from './support/emulator-fixture.js'
import { type Received, receiver } from './support/push-receiver.js'

const token = 'pushtoken1'
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'

/** The event a safe-mode XML push carried, after checking its signature. */
function eventOf(request: Received | undefined): Record<string, unknown> {
  const outer = parsePushXml(request?.body ?? '') as { Encrypt: string }
  const { timestamp, nonce, msg_signature } = Object.fromEntries(request?.query ?? [])
  expect(msg_signature).toBe(pushSignature(token, timestamp ?? '', nonce ?? '', outer.Encrypt))
  return parsePushXml(decryptPush(encodingAESKey, outer.Encrypt)?.message ?? '') ?? {}
}

/** An emulator whose pushes go, in safe-mode XML, to a receiver answering a text welcome to `subscribe`. */
async function setup(): Promise<{ e: RunningEmulator; server: Awaited<ReturnType<typeof receiver>> }> {
  const e = await emulator()
  const server = await receiver((request) => {
    const event = eventOf(request)
    if (event.Event !== 'subscribe') return { body: 'success' }
    const reply = toPushXml({
      ToUserName: event.FromUserName,
      FromUserName: event.ToUserName,
      CreateTime: Math.floor(FIXED_NOW / 1000),
      MsgType: 'text',
      Content: 'Welcome!',
    })
    return { body: reply }
  })
  await e.control.configurePush({ url: server.url, token, encodingAESKey, mode: 'compatible' })
  return { e, server }
}

describe('the events Official Account control calls and APIs push', () => {
  it('pushes subscribe on follow() and unsubscribe on unfollow(), and follow() shows the server’s reply', async () => {
    const { e, server } = await setup()
    const followed = await e.control.follow({ openid: 'oFollower0000000000000000000' })
    expect(eventOf(server.received[0])).toMatchObject({
      MsgType: 'event',
      Event: 'subscribe',
      FromUserName: 'oFollower0000000000000000000',
      ToUserName: expect.stringMatching(/^gh_/),
      CreateTime: String(Math.floor(FIXED_NOW / 1000)),
    })
    expect(followed.push?.result?.reply).toMatchObject({ MsgType: 'text', Content: 'Welcome!' })
    await connectEmulator(e.url).unfollow('oFollower0000000000000000000')
    expect(eventOf(server.received[1])).toMatchObject({ Event: 'unsubscribe' })
    expect(server.received).toHaveLength(2)
  })

  it('pushes subscribe with qrscene_ and Ticket for a first scan, SCAN for the next, nothing for an expired code', async () => {
    const { e, server } = await setup()
    const access = await classicToken(e)
    const created = await postJson(`${e.apiBaseUrl}/cgi-bin/qrcode/create?access_token=${access}`, {
      action_name: 'QR_STR_SCENE',
      expire_seconds: 120,
      action_info: { scene: { scene_str: 'visitor-7' } },
    })
    const ticket = created.ticket as string
    const first = await e.control.scanQrCode({ ticket })
    expect(eventOf(server.received[0])).toMatchObject({
      Event: 'subscribe',
      EventKey: 'qrscene_visitor-7',
      Ticket: ticket,
    })
    expect(first.push?.result?.reply).toMatchObject({ Content: 'Welcome!' })
    const again = await e.control.scanQrCode({ ticket, openid: first.openid })
    expect(eventOf(server.received[1])).toMatchObject({
      Event: 'SCAN',
      EventKey: 'visitor-7',
      Ticket: ticket,
      FromUserName: first.openid,
    })
    expect(again.push?.result?.reply).toBe('success')
    await e.control.advanceClock(120_000)
    expect((await e.control.scanQrCode({ ticket, openid: first.openid })).event).toBeNull()
    expect(server.received).toHaveLength(2)
  })

  it('pushes CLICK and VIEW for menu taps', async () => {
    const { e, server } = await setup()
    const access = await classicToken(e)
    await postJson(`${e.apiBaseUrl}/cgi-bin/menu/create?access_token=${access}`, {
      button: [
        { type: 'click', name: 'Hi', key: 'SAY_HI' },
        { type: 'view', name: 'Shop', url: 'https://shop.example/' },
      ],
    })
    const { openid } = await e.control.follow()
    await e.control.clickMenu({ openid, key: 'SAY_HI' })
    await e.control.clickMenu({ openid, url: 'https://shop.example/' })
    expect(eventOf(server.received[1])).toMatchObject({
      Event: 'CLICK',
      EventKey: 'SAY_HI',
      FromUserName: openid,
    })
    expect(eventOf(server.received[2])).toMatchObject({
      Event: 'VIEW',
      EventKey: 'https://shop.example/',
      MenuId: expect.stringMatching(/^\d+$/),
    })
  })

  it('pushes TEMPLATESENDJOBFINISH with the msgid after a template message, and pushes() lists it', async () => {
    const { e, server } = await setup()
    await e.control.registerOaTemplate({ templateId: 'oa-tpl' })
    const { openid } = await e.control.follow()
    const access = await classicToken(e)
    const sent = await postJson(`${e.apiBaseUrl}/cgi-bin/message/template/send?access_token=${access}`, {
      touser: openid,
      template_id: 'oa-tpl',
      data: { first: { value: 'Hello' } },
    })
    await expect.poll(() => server.received.length).toBe(2)
    expect(eventOf(server.received[1])).toMatchObject({
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: String(sent.msgid),
      Status: 'success',
      FromUserName: openid,
    })
    const pushes = await e.control.pushes()
    expect(pushes.map((push) => push.message.Event)).toEqual(['subscribe', 'TEMPLATESENDJOBFINISH'])
  })

  it('reports the event without sending it when no push URL is configured', async () => {
    const e = await emulator()
    const { push } = await e.control.follow()
    expect(push).toEqual({ event: expect.objectContaining({ Event: 'subscribe', MsgType: 'event' }) })
    expect(await e.control.pushes()).toEqual([])
  })
})
