import { describe, expect, test } from 'vitest'
import { isWechatError, isWechatValidationError } from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

describe('web OAuth', () => {
  test('the authorize URL keeps WeChat parameter order and the emulator redirects with a code that exchanges', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const url = wechat.buildOauth2AuthorizeUrl({
      redirectUri: 'https://example.com/callback?next=/cart',
      scope: 'snsapi_base',
      state: 'xyz123',
    })
    expect(url).toBe(
      `${emu.oauthBaseUrl}/connect/oauth2/authorize?appid=${DEFAULT_APP.appId}` +
        `&redirect_uri=${encodeURIComponent('https://example.com/callback?next=/cart')}` +
        '&response_type=code&scope=snsapi_base&state=xyz123#wechat_redirect',
    )
    const response = await fetch(url, { redirect: 'manual' })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.searchParams.get('state')).toBe('xyz123')
    const code = location.searchParams.get('code') ?? ''
    const token = await wechat.snsOauth2(code)
    expect(token).toMatchObject({ scope: 'snsapi_base', expires_in: 7200 })
    expect(token.openid).toBeTruthy()
    expect(await wechat.snsAuth(token.access_token, token.openid)).toBe(true)
    expect(await wechat.snsAuth(token.access_token, 'someone-else')).toBe(false)
  })

  test('snsOauth2 turns a non-zero errcode into a WechatError (the Go package ignored it)', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const code = await emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o_web' })
    await wechat.snsOauth2(code)
    const error = await rejection(wechat.snsOauth2(code))
    expect(isWechatError(error) && error.errcode).toBe(40163)
    expect(error).toMatchObject({ endpoint: '/sns/oauth2/access_token' })
    expect(await calls(emu, '/sns/oauth2/access_token')).toBe(2)
  })

  test('snsUserInfo returns the profile for snsapi_userinfo and 48001 for snsapi_base', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const rich = await wechat.snsOauth2(
      await emu.control.mintCode({
        kind: 'oauth',
        scope: 'snsapi_userinfo',
        openid: 'o_rich',
        unionid: 'u_rich',
      }),
    )
    const user = await wechat.snsUserInfo(rich.access_token, rich.openid, 'en')
    expect(user.openid).toBe('o_rich')
    expect(typeof user.sex).toBe('number')
    expect(Array.isArray(user.privilege)).toBe(true)
    const base = await wechat.snsOauth2(
      await emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o_base' }),
    )
    const error = await rejection(wechat.snsUserInfo(base.access_token, base.openid))
    expect(isWechatError(error) && error.errcode).toBe(48001)
  })

  test('snsRefreshToken renews a user token; an unknown refresh_token is 40030', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const first = await wechat.snsOauth2(
      await emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o_r' }),
    )
    const renewed = await wechat.snsRefreshToken(first.refresh_token)
    expect(renewed.openid).toBe('o_r')
    expect(await wechat.snsAuth(renewed.access_token, 'o_r')).toBe(true)
    const error = await rejection(wechat.snsRefreshToken('nope-not-a-refresh-token'))
    expect(isWechatError(error) && error.errcode).toBe(40030)
  })

  test('user-token errors never touch the global access_token', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    expect(await wechat.snsAuth('invalid-user-token-xxxxxxxx', 'o1')).toBe(false)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(0)
  })

  test.each([
    [{ redirectUri: 'not a url', scope: 'snsapi_base', state: 's' }, 'redirectUri'],
    [{ redirectUri: 'javascript:alert(1)', scope: 'snsapi_base', state: 's' }, 'redirectUri'],
    [{ redirectUri: 'https://e.com/', scope: 'snsapi_login', state: 's' }, 'scope'],
    [{ redirectUri: 'https://e.com/', scope: 'snsapi_base', state: 'a-b' }, 'state'],
    [{ redirectUri: 'https://e.com/', scope: 'snsapi_base', state: 'a'.repeat(129) }, 'state'],
  ])('buildOauth2AuthorizeUrl refuses %j (field %s)', async (options, field) => {
    const emu = await emulator()
    const wechat = client(emu)
    expect(() => wechat.buildOauth2AuthorizeUrl(options as never)).toThrow(
      expect.objectContaining({ name: 'WechatValidationError', field }),
    )
  })

  test('empty codes and tokens are refused before any request', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const errors = await Promise.all([
      rejection(wechat.snsOauth2('')),
      rejection(wechat.snsRefreshToken('')),
      rejection(wechat.snsUserInfo('', 'o')),
      rejection(wechat.snsAuth('t', '')),
    ])
    expect(errors.map((e) => isWechatValidationError(e) && e.field)).toEqual([
      'code',
      'refreshToken',
      'accessToken',
      'openid',
    ])
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
