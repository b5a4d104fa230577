import { expect, test } from 'vitest'
import { Wechat } from '../src/index.js'
import { DEFAULT_APP, emulator } from './helpers.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test.each([['session-keys', '### Session keys']])(
  'the README example %s is exactly the code its test runs',
  (name, heading) => {
    expect(readmeBlock(heading)).toBe(exampleBlock(import.meta.url, name))
  },
)

test('the session keys example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const { openid, session_key } = await wechat.jsCode2Session(
    await emu.control.mintCode({ kind: 'login', openid: 'o_readme' }),
  )
  const sessions = new Map<string, string>()

  // README:session-keys:begin
  // Is the session_key from jsCode2Session still current? (false when WeChat says 87009)
  if (await wechat.checkSessionKey({ openid, sessionKey: session_key })) {
    // Replace it: the old key stops working, and the next jsCode2Session hands out the new one.
    const { session_key: fresh } = await wechat.resetUserSessionKey({ openid, sessionKey: session_key })
    await sessions.set(openid, fresh)
  }
  // README:session-keys:end

  const fresh = sessions.get(openid) ?? ''
  expect(await wechat.checkSessionKey({ openid, sessionKey: session_key })).toBe(false)
  expect(await wechat.checkSessionKey({ openid, sessionKey: fresh })).toBe(true)
  await wechat.close()
})

test('the customer service example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const openid = 'o_readme'
  await emu.control.userMessage({ openid }) // the user wrote to the Mini Program's customer service
  // A thumbnail uploaded as temporary media: the emulator, like WeChat, refuses media ids it never handed out.
  const { media_id } = await wechat.uploadTempMedia({
    type: 'thumb',
    data: new Uint8Array([0xff, 0xd8]),
    filename: 't.jpg',
  })

  // README:customer-service:begin
  // Within 48 hours of the user's last message: show "typing…", then answer.
  await wechat.setTyping(openid, true)
  await wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'Your parcel left' } })
  await wechat.sendCustomerMessage({
    touser: openid,
    msgtype: 'miniprogrampage',
    miniprogrampage: { title: 'Order 1001', pagepath: 'pages/order/order?id=1001', thumb_media_id: media_id },
  })
  // README:customer-service:end

  expect((await emu.control.messages()).map((m) => m.kind === 'customer' && m.msgtype)).toEqual([
    'text',
    'miniprogrampage',
  ])
  await wechat.close()
})
