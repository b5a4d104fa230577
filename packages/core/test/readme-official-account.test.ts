import { expect, test } from 'vitest'
import { Wechat } from '../src/index.js'
import { calls, DEFAULT_APP, emulator } from './helpers.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test('the Official Account README example is exactly the code this test runs', () => {
  expect(readmeBlock('### Official Account: template messages')).toBe(
    exampleBlock(import.meta.url, 'template-messages'),
  )
})

test('the Official Account README example works against the emulator', async () => {
  const emu = await emulator({ officialAccount: { followerPageSize: 2 } })
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl, mpBaseURL: emu.mpBaseUrl })
  await emu.control.registerOaTemplate({ templateId: 'TPL_SHIPPED', keys: ['keyword1', 'keyword2'] })
  const { openid } = await emu.control.follow()
  const { openid: otherOpenid } = await emu.control.follow()
  await emu.control.follow()
  const synced: string[] = []
  const sync = async (follower: string) => void synced.push(follower)

  // README:template-messages:begin
  // A template message to a follower; client_msg_id makes a retry after a lost answer safe.
  const { msgid } = await wechat.sendTemplateMessage({
    touser: openid,
    template_id: 'TPL_SHIPPED',
    url: 'https://example.com/orders/1001',
    client_msg_id: 'order-1001-shipped',
    data: { keyword1: { value: '1001' }, keyword2: { value: 'Shipped', color: '#173177' } },
  })

  // A "scan to follow" code for one visitor, valid 10 minutes.
  const { ticket } = await wechat.createQrCodeTicket({
    action_name: 'QR_STR_SCENE',
    expire_seconds: 600,
    action_info: { scene: { scene_str: 'visitor-7' } },
  })
  const src = wechat.qrCodeImageUrl(ticket) // <img src>: no token in it

  // Followers: one user, many users (split into calls of 100), every openid page by page.
  const user = await wechat.getUserInfo(openid, { lang: 'en' })
  if (user.subscribe === 1) console.log(user.subscribe_scene, user.qr_scene_str)
  const users = await wechat.batchGetUserInfo([openid, { openid: otherOpenid, lang: 'en' }])
  for await (const follower of wechat.followers()) await sync(follower)

  // The custom menu.
  await wechat.createMenu({
    button: [
      { type: 'click', name: 'Hello', key: 'SAY_HELLO' },
      { name: 'More', sub_button: [{ type: 'view', name: 'Shop', url: 'https://example.com/shop' }] },
    ],
  })
  const current = await wechat.getMenu() // undefined when there is none
  await wechat.deleteMenu()
  // README:template-messages:end

  const [message] = await emu.control.messages()
  expect(message).toMatchObject({ kind: 'template', msgid, clientMsgId: 'order-1001-shipped' })
  expect((await fetch(src)).headers.get('content-type')).toBe('image/png')
  expect(user.subscribe).toBe(1)
  expect(users.map((u) => u.openid)).toEqual([openid, otherOpenid])
  expect(synced).toHaveLength(3)
  expect(await calls(emu, '/cgi-bin/user/get')).toBe(3)
  expect(current?.menu.button).toHaveLength(2)
  expect(await wechat.getMenu()).toBeUndefined()
  await wechat.close()
})
