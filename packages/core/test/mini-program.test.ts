import { describe, expect, test } from 'vitest'
import { ErrCode, isWechatError, isWechatValidationError } from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

describe('jsCode2Session', () => {
  test('exchanges a login code for openid, session_key and unionid (text/plain JSON accepted)', async () => {
    const emu = await emulator()
    const code = await emu.control.mintCode({ kind: 'login', openid: 'o_user_1', unionid: 'u_1' })
    const session = await client(emu).jsCode2Session(code)
    expect(session.openid).toBe('o_user_1')
    expect(session.unionid).toBe('u_1')
    expect(Buffer.from(session.session_key, 'base64')).toHaveLength(16)
  })

  test('a reused code fails with WechatError 40163 and is not retried', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const code = await emu.control.mintCode({ kind: 'login', openid: 'o_user_1' })
    await wechat.jsCode2Session(code)
    const error = await rejection(wechat.jsCode2Session(code))
    expect(isWechatError(error)).toBe(true)
    expect(error).toMatchObject({ errcode: ErrCode.CodeUsed, endpoint: '/sns/jscode2session' })
    expect(await calls(emu, '/sns/jscode2session')).toBe(2)
  })

  test('a retry that finds the code used by the attempt whose answer was lost surfaces the timeout, not 40163', async () => {
    const emu = await emulator()
    // The first attempt times out at 300 ms; WeChat still answers it at 800 ms, using the code; the retry
    // (after about 1.5 s) then meets 40163, which would wrongly blame the code.
    await emu.control.injectFault({ path: '/sns/jscode2session', fault: { kind: 'delay', ms: 800 } })
    const code = await emu.control.mintCode({ kind: 'login', openid: 'o_user_1' })
    const wechat = client(emu, { timeout: 300, retry: { limit: 1, delayMs: 1500, maxDelayMs: 1500 } })
    const error = await rejection(wechat.jsCode2Session(code))
    expect(error).toMatchObject({ name: 'WechatTimeoutError', endpoint: '/sns/jscode2session' })
    expect(await calls(emu, '/sns/jscode2session')).toBe(2)
  })

  test("an unknown code fails with 40029, carrying WeChat's errmsg and the rid parsed from it", async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).jsCode2Session('not-a-real-code'))
    expect(error).toMatchObject({ name: 'WechatError', errcode: 40029, endpoint: '/sns/jscode2session' })
    const { rid, errmsg } = error as { rid?: string; errmsg: string }
    // The emulator answers like WeChat: "invalid code, rid: 6437cc6f-48613c7c-0bdbbd0d".
    expect(errmsg).toMatch(/^invalid code, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/)
    expect(rid).toBe(errmsg.slice(errmsg.indexOf('rid: ') + 5))
  })

  test('a wrong AppSecret fails with 40125', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu, { appSecret: 'wrong-secret-123456' }).jsCode2Session('abc'))
    expect(error).toMatchObject({ errcode: 40125 })
  })

  test('an empty code is refused before any request, naming the field', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).jsCode2Session('  '))
    expect(isWechatValidationError(error) && error.field).toBe('code')
    expect(await emu.control.counters()).toMatchObject({ calls: {} })
  })
})

describe('getUserPhoneNumber', () => {
  test('returns phone_info for a phone code, sent in the JSON body', async () => {
    const emu = await emulator()
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
    const { phone_info } = await client(emu).getUserPhoneNumber(code)
    expect(phone_info.purePhoneNumber).toBe('13800138000')
    expect(phone_info.watermark.appid).toBe(DEFAULT_APP.appId)
    expect(String(phone_info.countryCode)).toBe('86')
  })

  test('a login code is not a phone code: 40029', async () => {
    const emu = await emulator()
    const code = await emu.control.mintCode({ kind: 'login', openid: 'o1' })
    const error = await rejection(client(emu).getUserPhoneNumber(code))
    expect(error).toMatchObject({ errcode: 40029, endpoint: '/wxa/business/getuserphonenumber' })
  })

  test('an empty code is refused before any request', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).getUserPhoneNumber(''))
    expect(isWechatValidationError(error) && error.field).toBe('code')
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(0)
  })
})
