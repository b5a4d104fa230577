import { randomBytes } from 'node:crypto'
import type { RunningEmulator } from '@wxkit/emulator'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { WechatUser } from '../src/index.js'
import { CookieJar, json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { DEFAULT_APP, emulatorClient, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { named } from './support/named-cases.js'
import { approveAtWechat, oauthRoundTrip, startOauthLogin } from './support/oauth-flow.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())
afterEach(() => {
  vi.useRealTimers()
})

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })

describe.each(EXPRESS_VERSIONS)('H5 OAuth routes on $name', (version) => {
  let app: TestApp
  const logins: WechatUser[] = []
  beforeEach(async () => {
    logins.length = 0
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: { defaultReturnTo: '/home' },
      session: { secret: SESSION_SECRET },
      onLogin: (identity) => {
        logins.push(identity)
      },
    })
  })
  afterEach(() => app.close())

  it('redirects to the WeChat authorize URL with a fresh 192-bit state bound by a signed cookie', async () => {
    const jar = new CookieJar()
    const first = await startOauthLogin(app, jar, '?returnTo=/account')
    const url = new URL(first.location)
    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.oauthBaseUrl}/connect/oauth2/authorize`)
    expect(url.searchParams.get('appid')).toBe(DEFAULT_APP.appId)
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(first.redirectUri).toBe(`${app.url}/wechat/oauth/callback`)
    expect(first.scope).toBe('snsapi_base')
    expect(url.hash).toBe('#wechat_redirect')
    expect(first.state).toMatch(/^[0-9a-f]{48}$/)
    const stateCookie = jar.get('wxkit.sid.state') as string
    expect(stateCookie).toBeDefined()
    expect(decodeURIComponent(stateCookie).startsWith(`${first.state}.`)).toBe(true)

    const second = await startOauthLogin(app, new CookieJar(), '?returnTo=/account')
    expect(second.state).not.toBe(first.state)
  })

  it('sets the state cookie HttpOnly, SameSite=Lax, for 10 minutes', async () => {
    const response = await app.request('/wechat/oauth/login')
    const cookie = response.headers
      .getSetCookie()
      .find((line) => line.startsWith('wxkit.sid.state=')) as string
    expect(cookie).toMatch(/; HttpOnly/i)
    expect(cookie).toMatch(/; SameSite=Lax/i)
    expect(cookie).toMatch(/; Max-Age=600/i)
    expect(cookie).not.toMatch(/; Secure/i)
  })

  it('signs in with snsapi_base and redirects to returnTo', async () => {
    const jar = new CookieJar()
    const response = await oauthRoundTrip(app, jar, '?returnTo=%2Faccount%3Ftab%3D2')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/account?tab=2')
    const me = await json(await app.request('/wechat/me', { jar }))
    expect(me.source).toBe('oauth')
    expect(typeof me.openid).toBe('string')
    expect(me).not.toHaveProperty('nickname')
    expect(logins).toEqual([me])
  })

  it('fetches the profile for snsapi_userinfo', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar, '?scope=snsapi_userinfo')
    expect(authorize.scope).toBe('snsapi_userinfo')
    const { callbackPath } = await approveAtWechat(authorize)
    const response = await app.request(callbackPath, { jar })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/home')
    const me = await json(await app.request('/wechat/me', { jar }))
    expect(me).toMatchObject({ source: 'oauth', nickname: expect.any(String), avatar: expect.any(String) })
    expect((await emulator.control.counters()).calls['/sns/userinfo']).toBe(1)
  })

  it('uses the configured default scope', async () => {
    await app.close()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: { scope: 'snsapi_userinfo' },
      session: { secret: SESSION_SECRET },
    })
    expect((await startOauthLogin(app, new CookieJar())).scope).toBe('snsapi_userinfo')
  })

  it('signs the user in twice when WeChat delivers the same callback twice (no 40163)', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar, '?returnTo=/again')
    const { callbackPath } = await approveAtWechat(authorize)
    const first = await app.request(callbackPath, { jar })
    const second = await app.request(callbackPath, { jar })
    expect([first.status, second.status]).toEqual([302, 302])
    expect(second.headers.get('location')).toBe('/again')
    expect((await app.request('/wechat/me', { jar })).status).toBe(200)
    expect((await emulator.control.counters()).calls['/sns/oauth2/access_token']).toBe(1)
  })

  it('shares one exchange between concurrent duplicate callbacks', async () => {
    const jar = new CookieJar()
    const { callbackPath } = await approveAtWechat(await startOauthLogin(app, jar))
    const cookie = jar.header()
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => app.request(callbackPath, { headers: { Cookie: cookie } })),
    )
    expect(responses.map((response) => response.status)).toEqual([302, 302, 302, 302, 302])
    expect((await emulator.control.counters()).calls['/sns/oauth2/access_token']).toBe(1)
  })

  it('rejects a replayed state with a new code (403 invalid_state)', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar)
    const { callbackPath } = await approveAtWechat(authorize)
    expect((await app.request(callbackPath, { jar })).status).toBe(302)
    const freshCode = await emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' })
    const replay = await app.request(`/wechat/oauth/callback?code=${freshCode}&state=${authorize.state}`, {
      jar,
    })
    expect(replay.status).toBe(403)
    expect(await json(replay)).toEqual(errorBody('invalid_state'))
  })

  it('rejects a forged state even with a valid code', async () => {
    const jar = new CookieJar()
    await startOauthLogin(app, jar)
    const code = await emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' })
    const forged = randomBytes(24).toString('hex')
    const response = await app.request(`/wechat/oauth/callback?code=${code}&state=${forged}`, { jar })
    expect(response.status).toBe(403)
    expect(await json(response)).toEqual(errorBody('invalid_state'))
  })

  it('rejects a callback from a browser that did not start the login', async () => {
    const { callbackPath } = await approveAtWechat(await startOauthLogin(app, new CookieJar()))
    const stranger = await app.request(callbackPath, { jar: new CookieJar() })
    expect(stranger.status).toBe(403)
    expect(await json(stranger)).toEqual(errorBody('invalid_state'))
  })

  it('rejects a state cookie with a tampered signature', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar)
    const { callbackPath } = await approveAtWechat(authorize)
    jar.set('wxkit.sid.state', `${authorize.state}.${'A'.repeat(43)}`)
    const response = await app.request(callbackPath, { jar })
    expect(response.status).toBe(403)
  })

  it('rejects a state older than 10 minutes', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar)
    const { callbackPath } = await approveAtWechat(authorize)
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1000)
    const response = await app.request(callbackPath, { jar })
    expect(response.status).toBe(403)
    expect(await json(response)).toEqual(errorBody('invalid_state'))
  })

  describe('open-redirect attempts fall back to defaultReturnTo', () => {
    it.each([
      '//evil.com',
      '//evil.com/path',
      'https://evil.com',
      'http://evil.com/login',
      '/\\evil.com',
      '\\\\evil.com',
      '/%2Fevil.com',
      '%2F%2Fevil.com',
      '/%5Cevil.com',
      '/%252F%252Fevil.com',
      '/..//evil.com',
      '/%09/evil.com',
      '/%0d%0aSet-Cookie:%20x=1',
      'javascript:alert(1)',
    ])('returnTo=%s', async (returnTo) => {
      const jar = new CookieJar()
      const response = await oauthRoundTrip(app, jar, `?returnTo=${encodeURIComponent(returnTo)}`)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/home')
    })
  })

  it('sends a user who refused consent (state without code) back to returnTo, signed out', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar, '?returnTo=/article/7')
    const refused = `/wechat/oauth/callback?state=${authorize.state}`
    for (const delivery of [1, 2]) {
      const response = await app.request(refused, { jar })
      expect(response.status, `delivery ${delivery}`).toBe(302)
      expect(response.headers.get('location')).toBe('/article/7')
      expect(response.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid=/)
    }
    expect((await app.request('/wechat/me', { jar })).status).toBe(401)
    expect(logins).toEqual([])
    // The refused state cannot be redeemed with a code afterwards.
    const code = await emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' })
    const late = await app.request(`/wechat/oauth/callback?code=${code}&state=${authorize.state}`, { jar })
    expect(late.status).toBe(403)
    // Another browser cannot use the refusal path to probe states.
    expect((await app.request(refused, { jar: new CookieJar() })).status).toBe(403)
  })

  it('maps an invalid code to 401 invalid_code', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar)
    const response = await app.request(`/wechat/oauth/callback?code=bogus0code&state=${authorize.state}`, {
      jar,
    })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('invalid_code'))
  })

  it('maps a code used elsewhere to 401 code_used', async () => {
    const jar = new CookieJar()
    const authorize = await startOauthLogin(app, jar)
    const { callbackPath, code } = await approveAtWechat(authorize)
    await emulatorClient(emulator).snsOauth2(code)
    const response = await app.request(callbackPath, { jar })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('code_used'))
  })

  it('maps a WeChat outage on the exchange to 502 upstream_error', async () => {
    const jar = new CookieJar()
    const { callbackPath } = await approveAtWechat(await startOauthLogin(app, jar))
    await emulator.control.injectFault({
      path: '/sns/oauth2/access_token',
      times: 3,
      fault: { kind: 'http', status: 503 },
    })
    const response = await app.request(callbackPath, { jar })
    expect(response.status).toBe(502)
    expect(await json(response)).toEqual(errorBody('upstream_error'))
  })

  describe('bad inputs', () => {
    const login: [string, string, number, string][] = [
      ['unknown scope', '?scope=snsapi_login', 400, 'invalid_request'],
      ['empty scope', '?scope=', 400, 'invalid_request'],
      ['unicode scope', `?scope=${encodeURIComponent('范围')}`, 400, 'invalid_request'],
      ['scope twice', '?scope=snsapi_base&scope=snsapi_userinfo', 400, 'invalid_request'],
      ['returnTo twice', '?returnTo=/a&returnTo=/b', 400, 'invalid_request'],
    ]
    it.each(named(login))('GET /oauth/login with %s', async (_label, query, status, code) => {
      const response = await app.request(`/wechat/oauth/login${query}`)
      expect(response.status).toBe(status)
      expect(await json(response)).toEqual(errorBody(code))
    })

    it.each([
      ['an empty returnTo', '?returnTo='],
      ['a unicode returnTo', `?returnTo=${encodeURIComponent('页面')}`],
      ['a too long returnTo', `?returnTo=/${'a'.repeat(2100)}`],
    ])('GET /oauth/login with %s still redirects (returnTo falls back)', async (_label, query) => {
      expect((await app.request(`/wechat/oauth/login${query}`)).status).toBe(302)
    })

    const state = 'a'.repeat(48)
    const callback: [string, string, number, string][] = [
      ['nothing', '', 400, 'invalid_request'],
      ['no code and an unknown state', `?state=${state}`, 403, 'invalid_state'],
      ['no state', '?code=abc', 400, 'invalid_request'],
      ['an empty code', `?code=&state=${state}`, 400, 'invalid_request'],
      ['an empty state', '?code=abc&state=', 400, 'invalid_request'],
      ['a too long code', `?code=${'c'.repeat(257)}&state=${state}`, 400, 'invalid_request'],
      ['a too long state', `?code=abc&state=${'s'.repeat(129)}`, 400, 'invalid_request'],
      ['a unicode code', `?code=${encodeURIComponent('代码')}&state=${state}`, 400, 'invalid_request'],
      ['a unicode state', `?code=abc&state=${encodeURIComponent('状态')}`, 400, 'invalid_request'],
      ['a code twice', `?code=a&code=b&state=${state}`, 400, 'invalid_request'],
      ['a code array in qs syntax', `?code[]=a&state=${state}`, 400, 'invalid_request'],
      ['an unknown well-formed state', `?code=abc&state=${state}`, 403, 'invalid_state'],
      ['a short state', '?code=abc&state=abc', 403, 'invalid_state'],
    ]
    it.each(named(callback))('GET /oauth/callback with %s', async (_label, query, status, code) => {
      const jar = new CookieJar()
      await startOauthLogin(app, jar)
      const response = await app.request(`/wechat/oauth/callback${query}`, { jar })
      expect(response.status).toBe(status)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await json(response)).toEqual(errorBody(code))
    })
  })

  it('uses redirectUri when configured', async () => {
    await app.close()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: { redirectUri: 'https://shop.example.com/wechat/oauth/callback' },
      session: { secret: SESSION_SECRET },
    })
    const authorize = await startOauthLogin(app, new CookieJar())
    expect(authorize.redirectUri).toBe('https://shop.example.com/wechat/oauth/callback')
  })

  it('builds the callback URL from the forwarded origin behind a trusted proxy', async () => {
    await app.close()
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { trustProxy: true, mountPath: '/api' },
    )
    const response = await app.request('/api/wechat/oauth/login', {
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example.com' },
    })
    const url = new URL(response.headers.get('location') as string)
    expect(url.searchParams.get('redirect_uri')).toBe('https://shop.example.com/api/wechat/oauth/callback')
    expect(response.headers.getSetCookie().join('\n')).toMatch(/; Secure/i)
  })

  it('lets onLogin refuse a user: its own response stands and no session starts', async () => {
    await app.close()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
      onLogin: (_identity, _req, res) => {
        res.status(403).json({ blocked: true })
      },
    })
    const jar = new CookieJar()
    const response = await oauthRoundTrip(app, jar)
    expect(response.status).toBe(403)
    expect(await json(response)).toEqual({ blocked: true })
    expect((await app.request('/wechat/me', { jar })).status).toBe(401)
  })

  it('is absent when oauth is false', async () => {
    await app.close()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: false,
      session: { secret: SESSION_SECRET },
    })
    expect((await app.request('/wechat/oauth/login')).status).toBe(404)
    expect((await app.request('/wechat/oauth/callback?code=a&state=b')).status).toBe(404)
  })
})
