import { describe, expect, test } from 'vitest'
import { isWechatError, isWechatValidationError } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const QR = '/wxa/getwxacodeunlimit'

describe('getQrCode', () => {
  test('returns the image bytes', async () => {
    const emu = await emulator()
    const bytes = await client(emu).getQrCode({
      scene: 'id=42&from=poster',
      page: 'pages/item/item',
      width: 430,
      check_path: false,
    })
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  test('a JSON answer with HTTP 200 is an error, not an image, and a 40001 there refreshes the token', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const bytes = await wechat.getQrCode({ scene: 'a' })
    expect(bytes.length).toBeGreaterThan(100)
    expect(await calls(emu, QR)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(2)
  })

  test('an injected 45009 JSON error surfaces as WechatError', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: QR, fault: { kind: 'errcode', errcode: 45009 } })
    const error = await rejection(client(emu).getQrCode({ scene: 'a' }))
    expect(isWechatError(error) && error.errcode).toBe(45009)
    expect(error).toMatchObject({ endpoint: QR })
  })

  test.each([
    [{ scene: '' }, 'scene'],
    [{ scene: 'x'.repeat(33) }, 'scene'],
    [{ scene: '中文' }, 'scene'],
    [{ scene: 'a%20b' }, 'scene'],
    [{ scene: 'a', page: '/pages/index/index' }, 'page'],
    [{ scene: 'a', page: 'pages/index/index?x=1' }, 'page'],
    [{ scene: 'a', width: 279 }, 'width'],
    [{ scene: 'a', width: 1281 }, 'width'],
    [{ scene: 'a', width: 300.5 }, 'width'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).getQrCode(request))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('accepts every character WeChat allows in a scene and the width bounds', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getQrCode({ scene: "!#$&'()*+,/:;=?@-._~aZ09", width: 280 })
    await wechat.getQrCode({ scene: 'x'.repeat(32), width: 1280 })
    expect(await calls(emu, QR)).toBe(2)
  })
})
