import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, type RunningEmulator } from '../src/index.js'
import { classicToken, emulator, getJson, RID } from './support/emulator-fixture.js'

const CALLBACK = 'https://app.example/auth/callback'

function authorizeUrl(
  e: RunningEmulator,
  scope = 'snsapi_userinfo',
  state = 'xyz123',
  redirect = CALLBACK,
): string {
  return (
    `${e.oauthBaseUrl}/connect/oauth2/authorize?appid=${DEFAULT_APP.appId}` +
    `&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=${scope}&state=${state}#wechat_redirect`
  )
}

/** Submit the consent form the way a browser does when a button is pressed. */
async function pressButton(e: RunningEmulator, page: string, action: 'allow' | 'deny'): Promise<Response> {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page)
  if (!form) throw new Error('no consent form')
  const fields = new URLSearchParams()
  for (const [, name, value] of (form[2] ?? '').matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    fields.append(
      name ?? '',
      (value ?? '').replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"'),
    )
  }
  expect(page).toContain(`name="action" value="${action}"`)
  fields.append('action', action)
  return fetch(new URL(form[1] ?? '', e.oauthBaseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields,
  })
}

async function oauthCode(e: RunningEmulator, scope = 'snsapi_userinfo'): Promise<string> {
  const code = await e.control.mintCode({ kind: 'oauth', scope: scope as 'snsapi_userinfo' })
  return code
}

function exchangeUrl(e: RunningEmulator, code: string, secret = DEFAULT_APP.appSecret): string {
  return `${e.apiBaseUrl}/sns/oauth2/access_token?appid=${DEFAULT_APP.appId}&secret=${secret}&code=${code}&grant_type=authorization_code`
}

describe('GET /connect/oauth2/authorize', () => {
  it('shows a consent page for snsapi_userinfo whose Allow redirects with a code and the state', async () => {
    const e = await emulator()
    const page = await fetch(authorizeUrl(e), { redirect: 'manual' })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const allowed = await pressButton(e, await page.text(), 'allow')
    expect(allowed.status).toBe(302)
    const location = new URL(allowed.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK)
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(location.searchParams.get('state')).toBe('xyz123')
    const token = await getJson(exchangeUrl(e, location.searchParams.get('code') ?? ''))
    expect(token.scope).toBe('snsapi_userinfo')
  })

  it('redirects with only the state when the user presses Deny', async () => {
    const e = await emulator()
    const page = await (await fetch(authorizeUrl(e))).text()
    const denied = await pressButton(e, page, 'deny')
    expect(denied.status).toBe(302)
    expect(denied.headers.get('location')).toBe(`${CALLBACK}?state=xyz123`)
  })

  it('redirects at once for snsapi_base, keeping the redirect_uri query and fragment', async () => {
    const e = await emulator()
    const redirect = 'https://app.example/cb?from=menu#/home'
    const response = await fetch(authorizeUrl(e, 'snsapi_base', 's1', redirect), { redirect: 'manual' })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(/^https:\/\/app\.example\/cb\?from=menu&code=[A-Za-z0-9_-]{32}&state=s1#\/home$/)
  })

  it('approves snsapi_userinfo at once with oauth.autoApprove', async () => {
    const e = await emulator({ oauth: { autoApprove: true } })
    const response = await fetch(authorizeUrl(e), { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy()
  })

  it.each([
    ['no appid', `redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_base`, 10012],
    [
      'an unknown appid',
      `appid=wx0&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_base`,
      40013,
    ],
    ['no redirect_uri', `appid=${DEFAULT_APP.appId}&response_type=code&scope=snsapi_base`, 10011],
    [
      'a relative redirect_uri',
      `appid=${DEFAULT_APP.appId}&redirect_uri=%2Fcb&response_type=code&scope=snsapi_base`,
      10003,
    ],
    [
      'a wrong response_type',
      `appid=${DEFAULT_APP.appId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=token&scope=snsapi_base`,
      40097,
    ],
    [
      'no scope',
      `appid=${DEFAULT_APP.appId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code`,
      10010,
    ],
    [
      'an unknown scope',
      `appid=${DEFAULT_APP.appId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_login`,
      10005,
    ],
    [
      'a state with symbols',
      `appid=${DEFAULT_APP.appId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_base&state=a-b`,
      10013,
    ],
    [
      'a 129-byte state',
      `appid=${DEFAULT_APP.appId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_base&state=${'a'.repeat(129)}`,
      10013,
    ],
    [
      'parameters out of order',
      `redirect_uri=${encodeURIComponent(CALLBACK)}&appid=${DEFAULT_APP.appId}&response_type=code&scope=snsapi_base`,
      40097,
    ],
  ])('shows an error page for %s (errcode %i)', async (_name, query, errcode) => {
    const e = await emulator()
    const response = await fetch(`${e.oauthBaseUrl}/connect/oauth2/authorize?${query}`, {
      redirect: 'manual',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-wxkit-errcode')).toBe(String(errcode))
    expect(await response.text()).toContain(`data-errcode="${errcode}"`)
  })
})

describe('GET /sns/oauth2/access_token', () => {
  it('exchanges a code for a user token, refresh token, openid and scope, without errcode', async () => {
    const e = await emulator()
    const body = await getJson(exchangeUrl(e, await oauthCode(e)))
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'openid',
      'refresh_token',
      'scope',
    ])
    expect(body.expires_in).toBe(7200)
    expect(body.scope).toBe('snsapi_userinfo')
  })

  it('includes the unionid for snsapi_userinfo only', async () => {
    const e = await emulator()
    const withUnion = await e.control.mintCode({ kind: 'oauth', openid: 'oU1', unionid: 'uU1' })
    expect((await getJson(exchangeUrl(e, withUnion))).unionid).toBe('uU1')
    const base = await e.control.mintCode({ kind: 'oauth', openid: 'oU1', scope: 'snsapi_base' })
    expect((await getJson(exchangeUrl(e, base))).unionid).toBeUndefined()
  })

  it('answers 40163 for a reused code, 42003 for an expired one and 40029 for an unknown one', async () => {
    const e = await emulator()
    const code = await oauthCode(e)
    await getJson(exchangeUrl(e, code))
    const reused = await getJson(exchangeUrl(e, code))
    expect(reused.errcode).toBe(40163)
    expect(reused.errmsg).toMatch(RID)
    const stale = await oauthCode(e)
    await e.control.advanceClock(5 * 60_000)
    expect((await getJson(exchangeUrl(e, stale))).errcode).toBe(42003)
    expect((await getJson(exchangeUrl(e, 'nope'))).errcode).toBe(40029)
    expect((await getJson(exchangeUrl(e, await e.control.mintCode({ kind: 'login' })))).errcode).toBe(40029)
  })

  it.each([
    [
      'no code',
      `appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&grant_type=authorization_code`,
      41008,
    ],
    [
      'a wrong grant_type',
      `appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&code=c&grant_type=client_credential`,
      40002,
    ],
    ['a wrong secret', `appid=${DEFAULT_APP.appId}&secret=x&code=c&grant_type=authorization_code`, 40125],
    ['an unknown appid', `appid=wx0&secret=x&code=c&grant_type=authorization_code`, 40013],
  ])('answers %s with %i', async (_name, query, errcode) => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/sns/oauth2/access_token?${query}`)).errcode).toBe(errcode)
  })
})

describe('GET /sns/oauth2/refresh_token', () => {
  function refreshUrl(e: RunningEmulator, refreshToken: string, grant = 'refresh_token'): string {
    return `${e.apiBaseUrl}/sns/oauth2/refresh_token?appid=${DEFAULT_APP.appId}&grant_type=${grant}&refresh_token=${refreshToken}`
  }

  it('extends a live token and replaces an expired one, keeping the refresh token', async () => {
    const e = await emulator()
    const first = await getJson(exchangeUrl(e, await oauthCode(e)))
    await e.control.advanceClock(3600_000)
    const extended = await getJson(refreshUrl(e, first.refresh_token as string))
    expect(extended.access_token).toBe(first.access_token)
    expect(extended.expires_in).toBe(7200)
    expect(extended.refresh_token).toBe(first.refresh_token)
    await e.control.advanceClock(7200_000)
    const replaced = await getJson(refreshUrl(e, first.refresh_token as string))
    expect(replaced.access_token).not.toBe(first.access_token)
    const auth = `${e.apiBaseUrl}/sns/auth?openid=${first.openid}&access_token=`
    expect((await getJson(`${auth}${first.access_token}`)).errcode).toBe(42001)
    expect((await getJson(`${auth}${replaced.access_token}`)).errcode).toBe(0)
  })

  it('answers 42002 after 30 days, 40030 for an unknown refresh token, 40002 for a wrong grant_type', async () => {
    const e = await emulator()
    const first = await getJson(exchangeUrl(e, await oauthCode(e)))
    expect((await getJson(refreshUrl(e, 'nope'))).errcode).toBe(40030)
    expect((await getJson(refreshUrl(e, first.refresh_token as string, 'authorization_code'))).errcode).toBe(
      40002,
    )
    await e.control.advanceClock(30 * 24 * 3600_000)
    expect((await getJson(refreshUrl(e, first.refresh_token as string))).errcode).toBe(42002)
  })
})

describe('GET /sns/userinfo and /sns/auth', () => {
  it('answers the default user profile with an avatar the emulator serves as a PNG', async () => {
    const e = await emulator()
    const token = await getJson(exchangeUrl(e, await oauthCode(e)))
    const info = await getJson(
      `${e.apiBaseUrl}/sns/userinfo?access_token=${token.access_token}&openid=${token.openid}&lang=zh_CN`,
    )
    expect(info).toMatchObject({ openid: token.openid, nickname: expect.any(String), sex: 0, privilege: [] })
    expect(info.errcode).toBeUndefined()
    const avatar = await fetch(info.headimgurl as string)
    expect(avatar.headers.get('content-type')).toBe('image/png')
    const png = PNG.sync.read(Buffer.from(await avatar.arrayBuffer()))
    expect([png.width, png.height]).toEqual([132, 132])
  })

  it('answers 48001 for a snsapi_base token and 40003 for another openid', async () => {
    const e = await emulator()
    const base = await getJson(exchangeUrl(e, await oauthCode(e, 'snsapi_base')))
    const info = `${e.apiBaseUrl}/sns/userinfo?access_token=${base.access_token}`
    expect((await getJson(`${info}&openid=${base.openid}`)).errcode).toBe(48001)
    expect((await getJson(`${info}&openid=oSomeoneElse`)).errcode).toBe(40003)
  })

  it('checks the user token: 41001 missing, 40014 junk, 42001 expired, 48001 for a global token', async () => {
    const e = await emulator()
    const token = await getJson(exchangeUrl(e, await oauthCode(e)))
    const auth = `${e.apiBaseUrl}/sns/auth?openid=${token.openid}`
    expect(await getJson(`${auth}&access_token=${token.access_token}`)).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
    })
    expect((await getJson(auth)).errcode).toBe(41001)
    expect((await getJson(`${auth}&access_token=junk`)).errcode).toBe(40014)
    expect((await getJson(`${auth}&access_token=${await classicToken(e)}`)).errcode).toBe(48001)
    expect(
      (await getJson(`${e.apiBaseUrl}/sns/auth?openid=x&access_token=${token.access_token}`)).errcode,
    ).toBe(40003)
    await e.control.advanceClock(7200_000)
    expect((await getJson(`${auth}&access_token=${token.access_token}`)).errcode).toBe(42001)
  })

  it('refuses a user token on a global API with 48001', async () => {
    const e = await emulator()
    const token = await getJson(exchangeUrl(e, await oauthCode(e)))
    const body = await getJson(
      `${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=${token.access_token}`,
    )
    expect(body.errcode).toBe(48001)
  })
})
