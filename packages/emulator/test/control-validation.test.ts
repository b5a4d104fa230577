import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP, type MintCodeOptions } from '../src/index.js'
import { classicToken, emulator, getJson, tokenErrcode } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

describe('control calls refuse arguments that would silently do nothing or the wrong thing', () => {
  it.each([
    [{ kind: 'login', openid: 123 }, /openid must be a non-empty string/],
    [{ kind: 'login', openid: '' }, /openid must be a non-empty string/],
    [{ kind: 'oauth', unionid: ['u'] }, /unionid must be a non-empty string/],
    [{ kind: 'login', appId: 'wx0000000000000000' }, /unknown appId/],
    [{ kind: 'phone', phoneNumber: 13800138000 }, /phoneNumber must be a string of 1 to 20 digits/],
    [{ kind: 'phone', phoneNumber: '138-0013' }, /phoneNumber must be a string of 1 to 20 digits/],
    [{ kind: 'phone', countryCode: '+86' }, /countryCode must be a string of 1 to 4 digits/],
    [{ kind: 'login', phoneNumber: '13800138000' }, /apply to phone codes only/],
    [{ kind: 'login', scope: 'snsapi_base' }, /scope applies to oauth codes only/],
    [{ kind: 'oauth', scope: 'snsapi_login' }, /scope must be/],
  ])('mintCode(%j) rejects, in process and over HTTP', async (options, message) => {
    const e = await emulator()
    await expect(e.control.mintCode(options as unknown as MintCodeOptions)).rejects.toThrow(message)
    await expect(connectEmulator(e.url).mintCode(options as unknown as MintCodeOptions)).rejects.toThrow(
      message,
    )
  })

  it('revokeTokens rejects an unknown appId instead of revoking nothing, and scopes a known one', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const mine = await classicToken(e)
    const theirs = await classicToken(e, OTHER_APP)
    await expect(e.control.revokeTokens({ appId: 'wx0000000000000000' })).rejects.toThrow(/unknown appId/)
    await e.control.revokeTokens({ appId: OTHER_APP.appId })
    expect(await tokenErrcode(e, theirs)).toBe(40001)
    expect(await tokenErrcode(e, mine)).toBe(0)
  })

  it.each([
    ['/cgi-bin/token?grant_type=client_credential', /without "\?query"/],
    ['/cgi-bin/token#x', /without "\?query"/],
    ['/__wxkit/counters', /own \/__wxkit\/ paths/],
  ])('injectFault rejects the path %s, which no request could ever match', async (path, message) => {
    const e = await emulator()
    await expect(e.control.injectFault({ path, fault: { kind: 'reset' } })).rejects.toThrow(message)
  })

  it.each([
    [{ templateId: 't', keys: ['thing1', 'thing1'] }, /must not repeat/],
    [{ templateId: 't', keys: ['enum1'] }, /needs enums\.enum1/],
    [
      { templateId: 't', keys: ['enum1'], enums: { enum1: [] } },
      /enums\.enum1 must be a non-empty string array/,
    ],
    [{ templateId: 't', keys: ['enum1'], enums: { enum1: '已发货' } }, /enums\.enum1 must be a non-empty/],
    [{ templateId: 't', keys: ['thing1'], enums: { thing1: ['a'] } }, /enums\.thing1 names no enum key/],
    [{ templateId: 't', keys: ['enum1'], enums: { enum1: ['a'], enum2: ['b'] } }, /enums\.enum2 names no/],
  ])('registerTemplate(%j) rejects', async (options, message) => {
    const e = await emulator()
    await expect(e.control.registerTemplate(options as never)).rejects.toThrow(message)
  })

  it('an enum value is matched whole, never as a substring of the allowed values', async () => {
    const e = await emulator()
    await e.control.registerTemplate({ templateId: 't', keys: ['enum1'], enums: { enum1: ['已发货'] } })
    await e.control.subscribe({ openid: 'oUser', templateId: 't', times: 2 })
    const url = `${e.apiBaseUrl}/cgi-bin/message/subscribe/send?access_token=${await classicToken(e)}`
    const send = (value: string) =>
      getJson(url, {
        method: 'POST',
        body: JSON.stringify({ touser: 'oUser', template_id: 't', data: { enum1: { value } } }),
      })
    expect((await send('发货')).errcode).toBe(47003)
    expect((await send('已发货')).errcode).toBe(0)
  })
})
