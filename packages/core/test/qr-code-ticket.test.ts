import { describe, expect, test } from 'vitest'
import { ErrCode, isWechatError, isWechatValidationError, Wechat } from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const CREATE = '/cgi-bin/qrcode/create'

describe('createQrCodeTicket and qrCodeImageUrl', () => {
  test('a temporary code: the ticket, its life, and an image URL the emulator serves', async () => {
    const emu = await emulator()
    const wechat = client(emu, { mpBaseURL: emu.mpBaseUrl })
    const created = await wechat.createQrCodeTicket({
      action_name: 'QR_STR_SCENE',
      expire_seconds: 600,
      action_info: { scene: { scene_str: 'visitor-7' } },
    })
    expect(created).toEqual({
      ticket: expect.any(String),
      expire_seconds: 600,
      url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//),
    })
    const src = wechat.qrCodeImageUrl(created.ticket)
    expect(src.startsWith(`${emu.mpBaseUrl}/cgi-bin/showqrcode?ticket=`)).toBe(true)
    expect(new URL(src).searchParams.get('ticket')).toBe(created.ticket)
    const image = await fetch(src)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect((await emu.control.scanQrCode({ ticket: created.ticket })).event).toBe('subscribe')
  })

  test('permanent codes have no expire_seconds; the image URL defaults to mp.weixin.qq.com', async () => {
    const emu = await emulator()
    const created = await client(emu).createQrCodeTicket({
      action_name: 'QR_LIMIT_SCENE',
      action_info: { scene: { scene_id: 100_000 } },
    })
    expect(created).not.toHaveProperty('expire_seconds')
    const wechat = new Wechat({ ...DEFAULT_APP })
    expect(wechat.qrCodeImageUrl('gQ+a/b==')).toBe(
      'https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ%2Ba%2Fb%3D%3D',
    )
    await wechat.close()
  })

  test('a quota error (45009) surfaces as WechatError', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: CREATE, fault: { kind: 'errcode', errcode: 45009 } })
    const error = await rejection(
      client(emu).createQrCodeTicket({ action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } }),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.QuotaExceeded)
  })

  test('transient failures are retried (a repeat only mints another ticket)', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: CREATE, fault: { kind: 'http', status: 502 } })
    await client(emu).createQrCodeTicket({ action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } })
    expect(await calls(emu, CREATE)).toBe(2)
  })

  const scene = (value: Record<string, unknown>) => ({ scene: value })
  test.each([
    [{ action_name: 'QR_FOREVER', action_info: scene({ scene_id: 1 }) }, 'action_name'],
    [{ action_name: 'QR_SCENE' }, 'action_info'],
    [{ action_name: 'QR_SCENE', action_info: {} }, 'action_info.scene'],
    [{ action_name: 'QR_SCENE', action_info: scene({ scene_id: 0 }) }, 'action_info.scene.scene_id'],
    [
      { action_name: 'QR_SCENE', action_info: scene({ scene_id: 4_294_967_296 }) },
      'action_info.scene.scene_id',
    ],
    [{ action_name: 'QR_SCENE', action_info: scene({ scene_str: 'a' }) }, 'action_info.scene.scene_id'],
    [
      { action_name: 'QR_LIMIT_SCENE', action_info: scene({ scene_id: 100_001 }) },
      'action_info.scene.scene_id',
    ],
    [{ action_name: 'QR_STR_SCENE', action_info: scene({ scene_str: '' }) }, 'action_info.scene.scene_str'],
    [
      { action_name: 'QR_LIMIT_STR_SCENE', action_info: scene({ scene_str: 'x'.repeat(65) }) },
      'action_info.scene.scene_str',
    ],
    [
      { action_name: 'QR_SCENE', expire_seconds: 2_592_001, action_info: scene({ scene_id: 1 }) },
      'expire_seconds',
    ],
    [{ action_name: 'QR_SCENE', expire_seconds: 0, action_info: scene({ scene_id: 1 }) }, 'expire_seconds'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).createQrCodeTicket(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('says so when expire_seconds looks like milliseconds', async () => {
    const emu = await emulator()
    const error = await rejection(
      client(emu).createQrCodeTicket({
        action_name: 'QR_SCENE',
        expire_seconds: 600_000_000_000,
        action_info: { scene: { scene_id: 1 } },
      }),
    )
    expect((error as Error).message).toMatch(/milliseconds/)
  })

  test('qrCodeImageUrl refuses an empty ticket and mpBaseURL must be an http(s) URL', () => {
    const wechat = new Wechat({ ...DEFAULT_APP })
    expect(() => wechat.qrCodeImageUrl('')).toThrow(/ticket/)
    expect(() => new Wechat({ ...DEFAULT_APP, mpBaseURL: 'ftp://x' })).toThrow(/mpBaseURL/)
  })
})
