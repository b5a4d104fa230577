import { describe, expect, test } from 'vitest'
import { WechatMessageServer, type WechatPush } from '../src/index.js'
import { client, emulator } from './helpers.js'
import { AES_KEY, serve, TOKEN } from './push-fixture.js'

/** A push route on a real HTTP server, answering a follow with a welcome and recording every event. */
async function pushRoute() {
  const server = new WechatMessageServer({
    token: TOKEN,
    encodingAESKey: AES_KEY,
    appId: 'wx5c0a0e1a7e570001',
  })
  const events: WechatPush[] = []
  server.on('event.subscribe', (message) => {
    events.push(message)
    return `Welcome! You came from ${String(message.EventKey || 'search')}`
  })
  server.on('*', (message) => {
    events.push(message)
    return undefined
  })
  return { url: await serve(server), events }
}

describe('the events Official Account calls cause reach a real push route', () => {
  test('a scanned parameter code: subscribe with qrscene_ and the welcome, then SCAN', async () => {
    const emu = await emulator()
    const route = await pushRoute()
    await emu.control.configurePush({ url: route.url, token: TOKEN, encodingAESKey: AES_KEY, mode: 'safe' })
    const wechat = client(emu, { mpBaseURL: emu.mpBaseUrl })
    const { ticket } = await wechat.createQrCodeTicket({
      action_name: 'QR_STR_SCENE',
      expire_seconds: 300,
      action_info: { scene: { scene_str: 'poster-3' } },
    })
    const first = await emu.control.scanQrCode({ ticket })
    expect(first.push?.result?.reply).toMatchObject({
      MsgType: 'text',
      Content: 'Welcome! You came from qrscene_poster-3',
    })
    const second = await emu.control.scanQrCode({ ticket, openid: first.openid })
    expect(second.push?.result?.reply).toBe('success')
    expect(route.events).toMatchObject([
      {
        MsgType: 'event',
        Event: 'subscribe',
        EventKey: 'qrscene_poster-3',
        Ticket: ticket,
        FromUserName: first.openid,
      },
      { MsgType: 'event', Event: 'SCAN', EventKey: 'poster-3', Ticket: ticket },
    ])
    const user = await wechat.getUserInfo(first.openid)
    expect(user).toMatchObject({
      subscribe: 1,
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene_str: 'poster-3',
    })
  })

  test('a menu tap arrives as CLICK, a template message as TEMPLATESENDJOBFINISH with its msgid', async () => {
    const emu = await emulator()
    const route = await pushRoute()
    await emu.control.configurePush({ url: route.url, token: TOKEN, encodingAESKey: AES_KEY, mode: 'safe' })
    await emu.control.registerOaTemplate({ templateId: 'TPL' })
    const wechat = client(emu)
    await wechat.createMenu({ button: [{ type: 'click', name: 'Hi', key: 'SAY_HI' }] })
    const { openid } = await emu.control.follow()
    await emu.control.clickMenu({ openid, key: 'SAY_HI' })
    const { msgid } = await wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL', data: {} })
    await expect.poll(() => route.events.length, { timeout: 10_000 }).toBe(3)
    expect(route.events).toMatchObject([
      { Event: 'subscribe', FromUserName: openid },
      { Event: 'CLICK', EventKey: 'SAY_HI' },
      { Event: 'TEMPLATESENDJOBFINISH', MsgID: String(msgid), Status: 'success' },
    ])
  })
})
