import { describe, expect, it } from 'vitest'
import { SAMPLE_MENU } from '../../../test-support/sample-menu.js'
import { connectEmulator, type RunningEmulator } from '../src/index.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'

const MENU = {
  button: [...SAMPLE_MENU.button, { type: 'scancode_push', name: '扫码', key: 'rselfmenu_0_1' }],
} as const

async function setup(): Promise<{ e: RunningEmulator; url: (path: string) => string }> {
  const e = await emulator()
  const token = await classicToken(e)
  return { e, url: (path) => `${e.apiBaseUrl}${path}?access_token=${token}` }
}

describe('the custom menu', () => {
  it('stores a menu and answers it from menu/get and get_current_selfmenu_info, until menu/delete', async () => {
    const { url } = await setup()
    expect(await postJson(url('/cgi-bin/menu/create'), MENU)).toEqual({ errcode: 0, errmsg: 'ok' })
    const got = (await getJson(url('/cgi-bin/menu/get'))) as { menu: { button: unknown[]; menuid: number } }
    expect(got.menu.button[0]).toEqual({ ...MENU.button[0], sub_button: [] })
    expect(got.menu.button[1]).toMatchObject({
      name: '菜单',
      sub_button: [
        { type: 'view', url: 'https://www.soso.com/', sub_button: [] },
        expect.anything(),
        expect.anything(),
      ],
    })
    expect(got.menu.menuid).toEqual(expect.any(Number))
    const self = (await getJson(url('/cgi-bin/get_current_selfmenu_info'))) as Record<string, unknown>
    expect(self).toMatchObject({
      is_menu_open: 1,
      selfmenu_info: {
        button: [
          MENU.button[0],
          { name: '菜单', sub_button: { list: MENU.button[1]?.sub_button } },
          MENU.button[2],
        ],
      },
    })
    // What menu/get answers can be sent back as it is (leaf buttons carry an empty sub_button).
    expect((await postJson(url('/cgi-bin/menu/create'), { button: got.menu.button })).errcode).toBe(0)
    expect(await getJson(url('/cgi-bin/menu/delete'))).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await getJson(url('/cgi-bin/menu/get'))).toMatchObject({
      errcode: 46003,
      errmsg: expect.stringMatching(RID),
    })
    expect(await getJson(url('/cgi-bin/get_current_selfmenu_info'))).toEqual({ is_menu_open: 0 })
  })

  const click = (name: string, key = 'K') => ({ type: 'click', name, key })
  const withSubs = (...subs: unknown[]) => ({ button: [{ name: 'Top', sub_button: subs }] })
  it.each([
    ['no button', {}, 40016],
    ['an empty button list', { button: [] }, 40016],
    ['four top-level buttons', { button: [click('a'), click('b'), click('c'), click('d')] }, 40016],
    ['an unknown type', { button: [{ type: 'link', name: 'a', key: 'k' }] }, 40017],
    ['a missing type', { button: [{ name: 'a', key: 'k' }] }, 40017],
    ['a 17-byte top-level name', { button: [click('a'.repeat(17))] }, 40018],
    ['six Chinese characters (18 bytes) at the top', { button: [click('六个汉字六个')] }, 40018],
    ['an empty name', { button: [click('')] }, 40018],
    ['a click without key', { button: [{ type: 'click', name: 'a' }] }, 40019],
    ['a 129-byte key', { button: [click('a', 'k'.repeat(129))] }, 40019],
    ['a view without url', { button: [{ type: 'view', name: 'a' }] }, 40020],
    [
      'a 1025-byte url',
      { button: [{ type: 'view', name: 'a', url: `https://x/${'u'.repeat(1015)}` }] },
      40020,
    ],
    ['a third level', withSubs({ name: 's', sub_button: [click('t')] }), 40022],
    ['six sub-buttons', withSubs(...Array.from({ length: 6 }, (_, i) => click(`s${i}`))), 40023],
    ['a sub_button that is not a list', { button: [{ name: 'Top', sub_button: { list: [] } }] }, 40023],
    ['an unknown sub type', withSubs({ type: 'tap', name: 's', key: 'k' }), 40024],
    ['a 61-byte sub name', withSubs(click('a'.repeat(61))), 40025],
    ['a 129-byte sub key', withSubs(click('s', 'k'.repeat(129))), 40026],
    [
      'a 1025-byte sub url',
      withSubs({ type: 'view', name: 's', url: `https://x/${'u'.repeat(1015)}` }),
      40027,
    ],
    [
      'a miniprogram without appid',
      withSubs({ type: 'miniprogram', name: 's', url: 'https://x', pagepath: 'p' }),
      40097,
    ],
    ['a media_id button without media_id', { button: [{ type: 'media_id', name: 'a' }] }, 40097],
  ])('answers %s with %i', async (_, body, errcode) => {
    const { url } = await setup()
    expect(await postJson(url('/cgi-bin/menu/create'), body)).toMatchObject({
      errcode,
      errmsg: expect.stringMatching(RID),
    })
  })

  it('accepts the limits: 16-byte and 60-byte names, 128-byte keys, 1024-byte urls, 5 sub-buttons', async () => {
    const { url } = await setup()
    const body = {
      button: [
        click('五个汉字五', 'k'.repeat(128)),
        {
          name: 'T',
          sub_button: [
            { type: 'view', name: '二'.repeat(20), url: `https://x/${'u'.repeat(1014)}` },
            ...Array.from({ length: 4 }, (_, i) => click(`s${i}`)),
          ],
        },
      ],
    }
    expect(await postJson(url('/cgi-bin/menu/create'), body)).toEqual({ errcode: 0, errmsg: 'ok' })
  })
})

describe('clickMenu()', () => {
  it('pushes CLICK with the key and VIEW with the url and MenuId, for a follower', async () => {
    const { e, url } = await setup()
    await postJson(url('/cgi-bin/menu/create'), MENU)
    const { menu } = (await getJson(url('/cgi-bin/menu/get'))) as { menu: { menuid: number } }
    const { openid } = await e.control.follow()
    const clicked = await e.control.clickMenu({ openid, key: 'V1001_GOOD' })
    expect(clicked.event).toBe('CLICK')
    expect(clicked.push.event).toMatchObject({
      MsgType: 'event',
      Event: 'CLICK',
      EventKey: 'V1001_GOOD',
      FromUserName: openid,
    })
    const viewed = await connectEmulator(e.url).clickMenu({ openid, url: 'https://www.soso.com/' })
    expect(viewed.push.event).toMatchObject({
      Event: 'VIEW',
      EventKey: 'https://www.soso.com/',
      MenuId: menu.menuid,
    })
  })

  it('refuses a button that is not in the menu, a non-follower and a call with both or neither of key and url', async () => {
    const { e, url } = await setup()
    const { openid } = await e.control.follow()
    await expect(e.control.clickMenu({ openid, key: 'V1001_GOOD' })).rejects.toThrow(/no click button/)
    await postJson(url('/cgi-bin/menu/create'), MENU)
    await expect(e.control.clickMenu({ openid, key: 'rselfmenu_0_1' })).rejects.toThrow(/no click button/)
    await expect(e.control.clickMenu({ openid, url: 'https://elsewhere.example/' })).rejects.toThrow(
      /no view button/,
    )
    await expect(
      e.control.clickMenu({ openid: 'oStranger00000000000000000000', key: 'V1001_GOOD' }),
    ).rejects.toThrow(/only followers/)
    await expect(e.control.clickMenu({ openid, key: 'a', url: 'b' } as never)).rejects.toThrow(
      /either a key or a url/,
    )
    await expect(e.control.clickMenu({ openid } as never)).rejects.toThrow(/either a key or a url/)
  })
})
