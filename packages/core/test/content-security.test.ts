import { describe, expect, test } from 'vitest'
import {
  ErrCode,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
  WechatMessageServer,
} from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'
import { AES_KEY, serve, TOKEN } from './push-fixture.js'

const CHECK = '/wxa/msg_sec_check'
const MEDIA = '/wxa/media_check_async'

/** An emulator, a client, and a user who has just logged in (content checks need one within 2 hours). */
async function setup(options: Parameters<typeof emulator>[0] = {}) {
  const emu = await emulator(options)
  const wechat = client(emu)
  const { openid } = await wechat.jsCode2Session(
    await emu.control.mintCode({ kind: 'login', openid: 'oCheck' }),
  )
  return { emu, wechat, openid }
}

describe('msgSecCheck', () => {
  test("answers WeChat's verdict, decided in the emulator by setContentRules", async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.setContentRules({ risky: ['casino'], review: ['discount'] })
    const pass = await wechat.msgSecCheck({ openid, scene: 2, content: 'Great parcel, thanks!' })
    expect(pass).toMatchObject({ result: { suggest: 'pass', label: 100 }, trace_id: expect.any(String) })
    const risky = await wechat.msgSecCheck({ openid, scene: 3, content: 'Casino tonight', title: 'fun' })
    expect(risky.result.suggest).toBe('risky')
    expect(risky.detail).toContainEqual(expect.objectContaining({ strategy: 'keyword', keyword: 'casino' }))
    const review = await wechat.msgSecCheck({ openid, scene: 1, content: 'me', signature: 'discount codes' })
    expect(review.result.suggest).toBe('review')
  })

  test('a user who has not logged in for 2 hours is WechatError 40003', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.advanceClock(2 * 3600_000)
    const error = await rejection(wechat.msgSecCheck({ openid, scene: 2, content: 'x' }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
    expect(error).toMatchObject({ endpoint: CHECK })
  })

  test("another app's user is WechatError 43104", async () => {
    const other = { appId: 'wx00000000000other', appSecret: 'other-secret-0000000000000000000' }
    const { emu, wechat } = await setup({ apps: [DEFAULT_APP, other] })
    await emu.control.mintCode({ kind: 'login', appId: other.appId, openid: 'oOtherAppUser' })
    const error = await rejection(wechat.msgSecCheck({ openid: 'oOtherAppUser', scene: 2, content: 'x' }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.AppIdOpenidMismatch)
  })

  test('an injected 40001 refreshes the token once', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.injectFault({ path: CHECK, fault: { kind: 'errcode', errcode: 40001 } })
    await wechat.msgSecCheck({ openid, scene: 2, content: 'x' })
    expect(await calls(emu, CHECK)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3) // cold, the normal repeat, one force refresh
  })

  test('is retried after a timeout (it only reads)', async () => {
    const { emu, openid } = await setup()
    const wechat = client(emu, { timeout: 300 })
    await emu.control.injectFault({ path: CHECK, fault: { kind: 'delay', ms: 1000 } })
    await expect(wechat.msgSecCheck({ openid, scene: 2, content: 'x' })).resolves.toMatchObject({
      result: { suggest: 'pass' },
    })
  })

  test.each([
    [null, 'request'],
    [{ scene: 2, content: 'x' }, 'openid'],
    [{ openid: 'o', scene: 5, content: 'x' }, 'scene'],
    [{ openid: 'o', scene: '2', content: 'x' }, 'scene'],
    [{ openid: 'o', scene: 2, content: '' }, 'content'],
    [{ openid: 'o', scene: 2, content: '字'.repeat(2501) }, 'content'],
    [{ openid: 'o', scene: 2, content: 'x', title: 1 }, 'title'],
    [{ openid: 'o', scene: 2, content: 'x', nickname: {} }, 'nickname'],
    [{ openid: 'o', scene: 2, content: 'x', signature: 'sig' }, 'signature'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).msgSecCheck(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('mediaCheckAsync', () => {
  test('answers a trace_id; the verdict reaches a WechatMessageServer as wxa_media_check after advanceClock', async () => {
    const { emu, wechat, openid } = await setup({ miniProgram: { mediaCheckDelayMs: 60_000 } })
    const messages = new WechatMessageServer({ token: TOKEN, encodingAESKey: AES_KEY, appId: wechat.appId })
    const verdicts = new Map<string, string | undefined>()
    messages.on('event.wxa_media_check', (event) => void verdicts.set(event.trace_id, event.result?.suggest))
    await emu.control.configurePush({
      url: await serve(messages),
      token: TOKEN,
      encodingAESKey: AES_KEY,
      format: 'json',
    })
    await emu.control.setContentRules({ risky: ['/nsfw/'] })
    const { trace_id } = await wechat.mediaCheckAsync({
      media_url: 'https://cdn.example.com/nsfw/7.png',
      media_type: 2,
      scene: 1,
      openid,
    })
    expect(verdicts.size).toBe(0)
    await emu.control.advanceClock(60_000)
    expect(verdicts.get(trace_id)).toBe('risky')
  })

  test('a timeout is not retried: a repeat would start a second check', async () => {
    const { emu, openid } = await setup()
    const wechat = client(emu, { timeout: 300 })
    await emu.control.injectFault({ path: MEDIA, fault: { kind: 'delay', ms: 1000 } })
    const error = await rejection(
      wechat.mediaCheckAsync({ media_url: 'https://x.example/a.png', media_type: 2, scene: 1, openid }),
    )
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, MEDIA)).toBe(1)
  })

  test('an injected 40001 refreshes the token once and starts one check', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.injectFault({ path: MEDIA, fault: { kind: 'errcode', errcode: 40001 } })
    await wechat.mediaCheckAsync({ media_url: 'https://x.example/a.png', media_type: 1, scene: 4, openid })
    expect(await calls(emu, MEDIA)).toBe(2)
  })

  test('an unknown user is WechatError 40003', async () => {
    const { wechat } = await setup()
    const error = await rejection(
      wechat.mediaCheckAsync({
        media_url: 'https://x.example/a.png',
        media_type: 2,
        scene: 1,
        openid: 'oNope',
      }),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
  })

  test.each([
    [null, 'request'],
    [{ media_type: 2, scene: 1, openid: 'o' }, 'media_url'],
    [{ media_url: 'ftp://x.example/a.png', media_type: 2, scene: 1, openid: 'o' }, 'media_url'],
    [{ media_url: 'https://x.example/a.png', media_type: 3, scene: 1, openid: 'o' }, 'media_type'],
    [{ media_url: 'https://x.example/a.png', media_type: 2, scene: 0, openid: 'o' }, 'scene'],
    [{ media_url: 'https://x.example/a.png', media_type: 2, scene: 1 }, 'openid'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).mediaCheckAsync(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
