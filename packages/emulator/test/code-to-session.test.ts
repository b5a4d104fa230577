import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { emulator, getJson, RID } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

function sessionUrl(base: string, code: string, app = DEFAULT_APP, grant = 'authorization_code'): string {
  return `${base}/sns/jscode2session?appid=${app.appId}&secret=${app.appSecret}&js_code=${code}&grant_type=${grant}`
}

describe('GET /sns/jscode2session', () => {
  it('exchanges a login code for the default user, a 16-byte session_key and no errcode', async () => {
    const e = await emulator()
    const code = await e.control.mintCode({ kind: 'login' })
    const response = await fetch(sessionUrl(e.apiBaseUrl, code))
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const body = JSON.parse(await response.text()) as Record<string, string>
    expect(Object.keys(body).sort()).toEqual(['openid', 'session_key'])
    expect(body.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
    expect(Buffer.from(body.session_key ?? '', 'base64')).toHaveLength(16)
  })

  it('returns the openid and unionid the code was minted for', async () => {
    const e = await emulator()
    const code = await e.control.mintCode({ kind: 'login', openid: 'oUserA', unionid: 'uUnionA' })
    expect(await getJson(sessionUrl(e.apiBaseUrl, code))).toMatchObject({
      openid: 'oUserA',
      unionid: 'uUnionA',
    })
  })

  it('gives each app its own default openid', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const a = await getJson(sessionUrl(e.apiBaseUrl, await e.control.mintCode({ kind: 'login' })))
    const b = await getJson(
      sessionUrl(
        e.apiBaseUrl,
        await e.control.mintCode({ kind: 'login', appId: OTHER_APP.appId }),
        OTHER_APP,
      ),
    )
    expect(a.openid).not.toBe(b.openid)
  })

  it('answers 40163 for a code used twice', async () => {
    const e = await emulator()
    const code = await e.control.mintCode({ kind: 'login' })
    expect((await getJson(sessionUrl(e.apiBaseUrl, code))).openid).toBeTypeOf('string')
    const reused = await getJson(sessionUrl(e.apiBaseUrl, code))
    expect(reused.errcode).toBe(40163)
    expect(reused.errmsg).toMatch(RID)
    expect(reused.errmsg).not.toContain(code)
  })

  it('expires a code after 5 minutes with 40029', async () => {
    const e = await emulator()
    const fresh = await e.control.mintCode({ kind: 'login' })
    const stale = await e.control.mintCode({ kind: 'login' })
    await e.control.advanceClock(5 * 60_000 - 1)
    expect((await getJson(sessionUrl(e.apiBaseUrl, fresh))).openid).toBeTypeOf('string')
    await e.control.advanceClock(1)
    expect((await getJson(sessionUrl(e.apiBaseUrl, stale))).errcode).toBe(40029)
  })

  it('answers 40029 for an unknown code, a phone code and another app’s code', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const phone = await e.control.mintCode({ kind: 'phone' })
    const other = await e.control.mintCode({ kind: 'login', appId: OTHER_APP.appId })
    for (const code of ['0a3bcDEFghij0123456789abcdefghij', phone, other]) {
      expect((await getJson(sessionUrl(e.apiBaseUrl, code))).errcode).toBe(40029)
    }
    expect((await getJson(sessionUrl(e.apiBaseUrl, other, OTHER_APP))).openid).toBeTypeOf('string')
  })

  it.each([
    ['no appid', `secret=${DEFAULT_APP.appSecret}&js_code=c&grant_type=authorization_code`, 41002],
    ['no secret', `appid=${DEFAULT_APP.appId}&js_code=c&grant_type=authorization_code`, 41004],
    [
      'no js_code',
      `appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&grant_type=authorization_code`,
      41008,
    ],
    [
      'a wrong grant_type',
      `appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&js_code=c&grant_type=x`,
      40002,
    ],
    ['an unknown appid', `appid=wx0&secret=s&js_code=c&grant_type=authorization_code`, 40013],
    ['a wrong secret', `appid=${DEFAULT_APP.appId}&secret=s&js_code=c&grant_type=authorization_code`, 40125],
  ])('answers %s with %i', async (_name, query, errcode) => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/sns/jscode2session?${query}`)).errcode).toBe(errcode)
  })

  it('does not consume a code on a failed credential check', async () => {
    const e = await emulator()
    const code = await e.control.mintCode({ kind: 'login' })
    const wrong = { ...DEFAULT_APP, appSecret: 'nope' }
    expect((await getJson(sessionUrl(e.apiBaseUrl, code, wrong))).errcode).toBe(40125)
    expect((await getJson(sessionUrl(e.apiBaseUrl, code))).openid).toBeTypeOf('string')
  })
})

describe('codes across apps', () => {
  it('answers another app 40029 for a code, used or not, never 40163', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const code = await e.control.mintCode({ kind: 'login' })
    expect((await getJson(sessionUrl(e.apiBaseUrl, code))).openid).toBeTypeOf('string')
    expect((await getJson(sessionUrl(e.apiBaseUrl, code, OTHER_APP))).errcode).toBe(40029)
    expect((await getJson(sessionUrl(e.apiBaseUrl, code))).errcode).toBe(40163)
  })
})
