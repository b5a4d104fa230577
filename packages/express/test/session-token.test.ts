import KeyvRedis from '@keyv/redis'
import type { RunningEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

// wx.request has no cookie jar: a Mini Program keeps the sessionToken of /mini/login and sends it back as
// `Authorization: Bearer <token>`. These requests carry no Cookie header at all.
describe.each(EXPRESS_VERSIONS)('the session token for Mini Programs on $name', (version) => {
  const apps: TestApp[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })
  async function start(store = new Keyv()): Promise<{ app: TestApp; storeMap?: Map<string, unknown> }> {
    const app = await startApp(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, store },
    })
    apps.push(app)
    return { app }
  }
  async function miniLogin(app: TestApp, openid: string): Promise<string> {
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    const response = await app.request('/wechat/mini/login', { method: 'POST', json: { code } })
    expect(response.status).toBe(200)
    return (await json(response)).sessionToken as string
  }

  it('signs the Mini Program in through Authorization: Bearer on /me, /mini/phone and the app’s routes', async () => {
    const { app } = await start()
    const token = await miniLogin(app, 'o_bearer')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/]{43}$/)

    const me = await app.request('/wechat/me', { headers: bearer(token) })
    expect(me.status).toBe(200)
    expect(await json(me)).toEqual({ openid: 'o_bearer', source: 'mini' })
    expect((await json(await app.request('/whoami', { headers: bearer(token) }))).user.openid).toBe(
      'o_bearer',
    )

    const phoneCode = await emulator.control.mintCode({ kind: 'phone', phoneNumber: '13800000000' })
    const phone = await app.request('/wechat/mini/phone', {
      method: 'POST',
      json: { code: phoneCode },
      headers: bearer(token),
    })
    expect(phone.status).toBe(200)
    expect((await json(phone)).phoneNumber).toBe('13800000000')
  })

  it('exposes only the signed session id, never the session_key', async () => {
    const storeMap = new Map<string, unknown>()
    const { app } = await start(new Keyv({ store: storeMap }))
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_token_only' })
    const response = await app.request('/wechat/mini/login', { method: 'POST', json: { code } })
    const text = await response.text()
    const record = [...storeMap.values()]
      .map((value) => JSON.stringify(value))
      .find((v) => v.includes('sessionKey'))
    const sessionKey = /"sessionKey\\?":\\?"([^"\\]+)/.exec(record as string)?.[1] as string
    expect(sessionKey.length).toBeGreaterThan(10)
    expect(text).not.toContain(sessionKey)
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(['openid', 'sessionToken'])
  })

  it('logs out through the bearer token, on the server too', async () => {
    const { app } = await start()
    const token = await miniLogin(app, 'o_bearer_out')
    const logout = await app.request('/wechat/logout', { method: 'POST', headers: bearer(token) })
    expect(logout.status).toBe(200)
    expect(logout.headers.getSetCookie()).toEqual([])
    expect((await app.request('/wechat/me', { headers: bearer(token) })).status).toBe(401)
  })

  it('replaces the previous session when a Mini Program logs in again with its token', async () => {
    const { app } = await start()
    const first = await miniLogin(app, 'o_again')
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_again' })
    const again = await app.request('/wechat/mini/login', {
      method: 'POST',
      json: { code },
      headers: bearer(first),
    })
    const second = (await json(again)).sessionToken as string
    expect(second).not.toBe(first)
    expect((await app.request('/wechat/me', { headers: bearer(first) })).status).toBe(401)
    expect((await app.request('/wechat/me', { headers: bearer(second) })).status).toBe(200)
  })

  it.each([
    ['a tampered signature', (token: string) => `${token.slice(0, -2)}AA`],
    ['an unsigned id', (token: string) => token.split('.')[0] as string],
    ['a token signed with another secret', () => `${'a'.repeat(43)}.${'b'.repeat(43)}`],
    ['a very long token', (token: string) => token + 'A'.repeat(6000)],
    ['a JWT of the app', () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
  ])('treats %s as signed out (401 on /me)', async (_label, tamper) => {
    const { app } = await start()
    const token = await miniLogin(app, 'o_tamper')
    const response = await app.request('/wechat/me', { headers: bearer(tamper(token)) })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
  })

  it('accepts a valid cookie when the Authorization header holds something else (the app’s own token)', async () => {
    const { app } = await start()
    const token = await miniLogin(app, 'o_cookie_wins')
    const response = await app.request('/wechat/me', {
      headers: { Authorization: 'Bearer not-ours', Cookie: `wxkit.sid=${encodeURIComponent(token)}` },
    })
    expect(response.status).toBe(200)
  })

  it('verifies tokens signed with an older secret (rotation)', async () => {
    const store = new Keyv()
    const { app: old } = await start(store)
    const token = await miniLogin(old, 'o_rotated_token')
    const rotated = await startApp(version, {
      config: emulatorConfig(emulator),
      session: { secret: ['a-brand-new-session-secret-0123456789-wxkit', SESSION_SECRET], store },
    })
    apps.push(rotated)
    expect((await rotated.request('/wechat/me', { headers: bearer(token) })).status).toBe(200)
  })

  it('works across two instances sharing a Redis store', async () => {
    const namespace = `wxkit-express-token-${process.pid}-${Date.now()}-${version.name.replace(/\W/g, '')}`
    const stores = [0, 1].map(() => new Keyv({ store: new KeyvRedis(REDIS_URL), namespace }))
    try {
      const { app: a } = await start(stores[0])
      const { app: b } = await start(stores[1])
      const token = await miniLogin(a, 'o_token_redis')
      expect(await json(await b.request('/wechat/me', { headers: bearer(token) }))).toEqual({
        openid: 'o_token_redis',
        source: 'mini',
      })
      expect((await b.request('/wechat/logout', { method: 'POST', headers: bearer(token) })).status).toBe(200)
      expect((await a.request('/wechat/me', { headers: bearer(token) })).status).toBe(401)
    } finally {
      await stores[0]?.clear()
      await Promise.all(stores.map((store) => store.disconnect()))
    }
  })
})
