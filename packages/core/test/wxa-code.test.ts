import { describe, expect, test } from 'vitest'
import { ErrCode, isWechatError, isWechatTimeoutError, isWechatValidationError } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const GETWXACODE = '/wxa/getwxacode'
const CREATE = '/cgi-bin/wxaapp/createwxaqrcode'
const PNG = [0x89, 0x50, 0x4e, 0x47]

describe('getWxaCode and createWxaQrCode', () => {
  test('return the image bytes', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const code = await wechat.getWxaCode({ path: 'pages/item/item?id=42', width: 280, is_hyaline: true })
    const square = await wechat.createWxaQrCode({ path: 'pages/item/item?id=42', width: 1280 })
    expect([...code.subarray(0, 4)]).toEqual(PNG)
    expect([...square.subarray(0, 4)]).toEqual(PNG)
  })

  test('the lifetime limit surfaces as WechatError 45029, a JSON answer with HTTP 200', async () => {
    const emu = await emulator({ miniProgram: { limitedCodes: 1 } })
    const wechat = client(emu)
    await wechat.getWxaCode({ path: 'pages/a/a' })
    const error = await rejection(wechat.createWxaQrCode({ path: 'pages/a/a' }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.CodeLimitReached)
    expect(error).toMatchObject({ endpoint: CREATE })
  })

  test.each([GETWXACODE, CREATE])('an injected 40001 on %s refreshes the token once', async (path) => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path, fault: { kind: 'errcode', errcode: 40001 } })
    const bytes =
      path === GETWXACODE
        ? await wechat.getWxaCode({ path: 'pages/a/a' })
        : await wechat.createWxaQrCode({ path: 'pages/a/a' })
    expect([...bytes.subarray(0, 4)]).toEqual(PNG)
    expect(await calls(emu, path)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3) // cold, the normal repeat, one force refresh
  })

  test('a timeout is not retried: the lost code may have spent one of the 100,000', async () => {
    const emu = await emulator()
    const wechat = client(emu, { timeout: 300 })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: GETWXACODE, fault: { kind: 'delay', ms: 1000 } })
    const error = await rejection(wechat.getWxaCode({ path: 'pages/a/a' }))
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, GETWXACODE)).toBe(1)
  })

  test.each([
    [{}, 'path'],
    [{ path: '' }, 'path'],
    [{ path: 'pages/a/a?x=1 2' }, 'path'],
    [{ path: `pages/a/a?x=${'1'.repeat(1020)}` }, 'path'],
    [{ path: 'pages/a/a', width: 279 }, 'width'],
    [{ path: 'pages/a/a', env_version: 'prod' }, 'env_version'],
    [null, 'request'],
  ])('getWxaCode refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).getWxaCode(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test.each([
    [{}, 'path', /non-empty/],
    [{ path: `pages/a/a?n=${'中'.repeat(40)}` }, 'path', /128 bytes/],
    [{ path: 'pages/a/a', width: 1281 }, 'width', /280 to 1280/],
  ])('createWxaQrCode refuses %j before any request (field %s)', async (request, field, reason) => {
    const emu = await emulator()
    const error = await rejection(client(emu).createWxaQrCode(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((error as Error).message).toMatch(reason)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
