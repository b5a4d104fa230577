import type { RunningEmulator } from '@wxkit/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

describe.each(EXPRESS_VERSIONS)('methods, mounting and odd requests on $name', (version) => {
  let app: TestApp
  afterEach(() => app?.close())

  async function signedIn(target: TestApp, openid = 'o_edges'): Promise<CookieJar> {
    const jar = new CookieJar()
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    expect((await target.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })).status).toBe(
      200,
    )
    return jar
  }

  it('answers HEAD like GET on /me and /jssdk/config, without a body', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const jar = await signedIn(app)
    const me = await app.request('/wechat/me', { method: 'HEAD', jar })
    expect(me.status).toBe(200)
    expect(me.headers.get('cache-control')).toBe('no-store')
    expect(await me.text()).toBe('')
    expect((await app.request('/wechat/me', { method: 'HEAD' })).status).toBe(401)
    const config = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`, {
      method: 'HEAD',
    })
    expect(config.status).toBe(200)
  })

  it('lets HEAD on the OAuth routes fall through to the app, creating no login state', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const response = await app.request('/wechat/oauth/login', { method: 'HEAD' })
    expect(response.status).toBe(404)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('leaves OPTIONS and other methods on its paths to the app (e.g. a CORS handler)', async () => {
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      {
        before: (express) =>
          express.use((req, res, next) => {
            if (req.method === 'OPTIONS') res.status(204).setHeader('X-App', 'cors').end()
            else next()
          }),
      },
    )
    const preflight = await app.request('/wechat/mini/login', { method: 'OPTIONS' })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('x-app')).toBe('cors')
    const jar = await signedIn(app)
    expect((await app.request('/wechat/logout', { jar })).status).toBe(404)
    expect((await app.request('/wechat/me', { jar })).status).toBe(200)
  })

  it('does not clear the cookie on a logout that carries none (a cross-site form under SameSite=Lax)', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const response = await app.request('/wechat/logout', { method: 'POST' })
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('answers under app.use("/api", wechat(...)) with the prefix relative to the mount path', async () => {
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { mountPath: '/api' },
    )
    const jar = new CookieJar()
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_mounted' })
    expect(
      (await app.request('/api/wechat/mini/login', { method: 'POST', json: { code }, jar })).status,
    ).toBe(200)
    expect((await json(await app.request('/api/wechat/me', { jar }))).openid).toBe('o_mounted')
    expect((await app.request('/wechat/me', { jar })).status).toBe(404)
    // The session cookie is for the whole site, so the app's routes outside /api see the user too.
    expect(jar.header()).toMatch(/^wxkit\.sid=/)
  })

  it('treats an oversized or duplicated session cookie without failing', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const jar = await signedIn(app, 'o_dupe')
    const good = jar.get('wxkit.sid') as string
    const huge = await app.request('/wechat/me', { headers: { Cookie: `wxkit.sid=${'A'.repeat(7000)}` } })
    expect(huge.status).toBe(401)
    const planted = await app.request('/wechat/me', {
      headers: { Cookie: `wxkit.sid=forged; wxkit.sid=${good}` },
    })
    expect(planted.status).toBe(401)
    // Two session cookies: which one the user meant is unknowable (finding 9), so neither counts.
    const first = await app.request('/wechat/me', {
      headers: { Cookie: `wxkit.sid=${good}; wxkit.sid=forged` },
    })
    expect(first.status).toBe(401)
  })

  it('drops a session planted before login (no fixation): the login issues a new id and deletes the old one', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const attacker = await signedIn(app, 'o_attacker')
    const planted = attacker.get('wxkit.sid') as string
    const victim = new CookieJar()
    victim.set('wxkit.sid', planted)
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_victim' })
    await app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar: victim })
    expect(victim.get('wxkit.sid')).not.toBe(planted)
    expect((await app.request('/wechat/me', { jar: attacker })).status).toBe(401)
    expect((await json(await app.request('/wechat/me', { jar: victim }))).openid).toBe('o_victim')
  })

  it('accepts a unicode returnTo path and sends an ASCII Location', async () => {
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: { defaultReturnTo: '/home' },
      session: { secret: SESSION_SECRET },
    })
    const jar = new CookieJar()
    const login = await app.request(
      `/wechat/oauth/login?returnTo=${encodeURIComponent('/商品?名=值#片段')}`,
      { jar },
    )
    const consent = await fetch(login.headers.get('location') as string, { redirect: 'manual' })
    const callback = new URL(consent.headers.get('location') as string)
    const response = await app.request(`${callback.pathname}${callback.search}`, { jar })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') as string
    expect(location).toMatch(/^\/[\x21-\x7e]*$/)
    expect(decodeURIComponent(location)).toBe('/商品?名=值#片段')
  })
})
