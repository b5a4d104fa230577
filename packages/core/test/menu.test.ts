import { describe, expect, test } from 'vitest'
import { SAMPLE_MENU } from '../../../test-support/sample-menu.js'
import { isWechatValidationError, type Menu } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const MENU = SAMPLE_MENU as unknown as Menu

describe('createMenu, getMenu, deleteMenu', () => {
  test('creates the menu, reads it back (and it can be sent back unchanged), then deletes it', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    expect(await wechat.getMenu()).toBeUndefined()
    await wechat.createMenu(MENU)
    const current = await wechat.getMenu()
    expect(current?.menu.button[0]).toEqual({ ...MENU.button[0], sub_button: [] })
    expect(current).not.toHaveProperty('errcode')
    await wechat.createMenu({ button: current?.menu.button ?? [] })
    const { openid } = await emu.control.follow()
    expect((await emu.control.clickMenu({ openid, key: 'V1001_GOOD' })).event).toBe('CLICK')
    await wechat.deleteMenu()
    expect(await wechat.getMenu()).toBeUndefined()
    expect(await calls(emu, '/cgi-bin/menu/create')).toBe(2)
  })

  test('accepts the limits: 16-byte and 60-byte names, 128-byte keys, 1024-byte urls, 3 × 5 buttons', async () => {
    const emu = await emulator()
    const leaf = (i: number) => ({ type: 'click' as const, name: `s${i}`, key: 'k'.repeat(128) })
    await client(emu).createMenu({
      button: [
        { type: 'click', name: '五个汉字五', key: 'a' },
        {
          name: 'b',
          sub_button: [
            { type: 'view', name: '二'.repeat(20), url: `https://x/${'u'.repeat(1014)}` },
            ...[1, 2, 3, 4].map(leaf),
          ],
        },
        { name: 'c', sub_button: [0, 1, 2, 3, 4].map(leaf) },
      ],
    })
    expect(await calls(emu, '/cgi-bin/menu/create')).toBe(1)
  })

  const click = (name: string, key = 'K') => ({ type: 'click', name, key })
  test.each([
    [{}, 'button'],
    [{ button: [] }, 'button'],
    [{ button: [click('a'), click('b'), click('c'), click('d')] }, 'button'],
    [{ button: [click('六个汉字六个')] }, 'button[0].name'],
    [{ button: [{ type: 'link', name: 'a', key: 'k' }] }, 'button[0].type'],
    [{ button: [click('a', 'k'.repeat(129))] }, 'button[0].key'],
    [{ button: [{ type: 'view', name: 'a' }] }, 'button[0].url'],
    [{ button: [{ type: 'view', name: 'a', url: `https://x/${'u'.repeat(1015)}` }] }, 'button[0].url'],
    [
      { button: [{ name: 'T', sub_button: Array.from({ length: 6 }, (_, i) => click(`s${i}`)) }] },
      'button[0].sub_button',
    ],
    [
      { button: [{ name: 'T', sub_button: [{ name: 's', sub_button: [click('t')] }] }] },
      'button[0].sub_button[0].sub_button',
    ],
    [{ button: [{ name: 'T', sub_button: [click('a'.repeat(61))] }] }, 'button[0].sub_button[0].name'],
    [
      {
        button: [
          { name: 'T', sub_button: [{ type: 'miniprogram', name: 's', url: 'https://x', pagepath: 'p' }] },
        ],
      },
      'button[0].sub_button[0].appid',
    ],
    [{ button: [{ type: 'media_id', name: 'a' }] }, 'button[0].media_id'],
    [{ button: [{ name: '菜单', sub_button: {} }] }, 'button[0].sub_button'],
  ])('refuses %j before any request (field %s)', async (menu, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).createMenu(menu as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
