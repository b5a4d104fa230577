import type { RunningEmulator } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import {
  ErrCode,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
  sessionKeySignature,
} from '../src/index.js'
import { redactUrl } from '../src/redact.js'
import { calls, client, emulator, expectNoSecrets, rejection } from './helpers.js'

const CHECK = '/wxa/checksession'
const RESET = '/wxa/resetusersessionkey'

async function loggedIn(emu: RunningEmulator, openid = 'o_session') {
  const wechat = client(emu)
  const { session_key } = await wechat.jsCode2Session(await emu.control.mintCode({ kind: 'login', openid }))
  return { wechat, openid, sessionKey: session_key }
}

describe('checkSessionKey', () => {
  test('is true for the key jsCode2Session handed out, false once it was reset (87009)', async () => {
    const emu = await emulator()
    const { wechat, openid, sessionKey } = await loggedIn(emu)
    expect(await wechat.checkSessionKey({ openid, sessionKey })).toBe(true)
    await wechat.resetUserSessionKey({ openid, sessionKey })
    expect(await wechat.checkSessionKey({ openid, sessionKey })).toBe(false)
  })

  test('sends the hmac signature, never the key, and hooks see the signature redacted', async () => {
    const emu = await emulator()
    const seen: string[] = []
    const wechat = client(emu, {
      hooks: { beforeRequest: [({ request }) => void seen.push(request.url)] },
    })
    const { session_key: sessionKey } = await wechat.jsCode2Session(
      await emu.control.mintCode({ kind: 'login', openid: 'o_session' }),
    )
    await wechat.checkSessionKey({ openid: 'o_session', sessionKey })
    const url = seen.find((u) => u.includes(CHECK)) ?? ''
    expect(new URL(url).searchParams.get('signature')).toBe('***')
    expect(new URL(url).searchParams.get('sig_method')).toBe('hmac_sha256')
    expect(url).not.toContain(sessionKeySignature(sessionKey))
    expect(url).not.toContain(encodeURIComponent(sessionKey))
    expect(redactUrl(`https://x.test${CHECK}?signature=abc&openid=o`)).toBe(
      `https://x.test${CHECK}?signature=***&openid=o`,
    )
  })

  test('a user who never logged in is WechatError 40003, not false', async () => {
    const emu = await emulator()
    const { wechat, sessionKey } = await loggedIn(emu)
    const error = await rejection(wechat.checkSessionKey({ openid: 'o_stranger', sessionKey }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
    expectNoSecrets(error, [sessionKey, sessionKeySignature(sessionKey)])
  })

  test('a revoked token is refreshed once', async () => {
    const emu = await emulator()
    const { wechat, openid, sessionKey } = await loggedIn(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    expect(await wechat.checkSessionKey({ openid, sessionKey })).toBe(true)
    expect(await calls(emu, CHECK)).toBe(2)
  })

  test.each([
    ['a missing openid', { openid: '', sessionKey: 'k' }, 'openid'],
    ['a missing session key', { openid: 'o', sessionKey: '' }, 'sessionKey'],
    ['no request object', null, 'request'],
  ])('%s is a WechatValidationError before any request', async (_name, input, field) => {
    const emu = await emulator()
    const wechat = client(emu)
    const error = await rejection(wechat.checkSessionKey(input as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect(await calls(emu, CHECK)).toBe(0)
  })
})

describe('resetUserSessionKey', () => {
  test('answers a new key; the old one stops working and the next login hands out the new one', async () => {
    const emu = await emulator()
    const { wechat, openid, sessionKey } = await loggedIn(emu)
    const reset = await wechat.resetUserSessionKey({ openid, sessionKey })
    expect(reset.openid).toBe(openid)
    expect(reset.session_key).not.toBe(sessionKey)
    expect(Buffer.from(reset.session_key, 'base64')).toHaveLength(16)
    expect(await wechat.checkSessionKey({ openid, sessionKey: reset.session_key })).toBe(true)
    const again = await wechat.jsCode2Session(await emu.control.mintCode({ kind: 'login', openid }))
    expect(again.session_key).toBe(reset.session_key)
  })

  test('a stale key is WechatError 87009 with neither key nor signature in it', async () => {
    const emu = await emulator()
    const { wechat, openid, sessionKey } = await loggedIn(emu)
    const { session_key: fresh } = await wechat.resetUserSessionKey({ openid, sessionKey })
    const error = await rejection(wechat.resetUserSessionKey({ openid, sessionKey }))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidSignature)
    expect(error).toMatchObject({ endpoint: RESET })
    expectNoSecrets(error, [sessionKey, sessionKeySignature(sessionKey), fresh])
  })

  test('a timeout is not retried (the key may already have changed)', async () => {
    const emu = await emulator()
    const { openid, sessionKey } = await loggedIn(emu)
    const wechat = client(emu, { timeout: 200 })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: RESET, fault: { kind: 'delay', ms: 1000 } })
    const error = await rejection(wechat.resetUserSessionKey({ openid, sessionKey }))
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, RESET)).toBe(1)
    expectNoSecrets(error, [sessionKey, sessionKeySignature(sessionKey)])
  })

  test('a revoked token is refreshed once and the key reset once', async () => {
    const emu = await emulator()
    const { wechat, openid, sessionKey } = await loggedIn(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const { session_key } = await wechat.resetUserSessionKey({ openid, sessionKey })
    expect(await calls(emu, RESET)).toBe(2)
    expect(await wechat.checkSessionKey({ openid, sessionKey: session_key })).toBe(true)
  })
})
