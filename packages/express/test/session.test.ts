import KeyvRedis from '@keyv/redis'
import type { RunningEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appsClosedAfterEach, CookieJar, json, SESSION_SECRET, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const OTHER_SECRET = 'another-session-secret-abcdef0123456789-wxkit'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })

describe.each(EXPRESS_VERSIONS)('sessions on $name', (version) => {
  const start = appsClosedAfterEach()
  async function miniLogin(app: TestApp, jar: CookieJar, openid: string): Promise<Response> {
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    return app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })
  }

  it('sets a signed, HttpOnly, SameSite=Lax cookie holding only a random id', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, ttl: 3_600_000 },
    })
    const response = await miniLogin(app, new CookieJar(), 'o_cookie')
    const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('wxkit.sid=')) as string
    expect(line).toMatch(/; HttpOnly/i)
    expect(line).toMatch(/; SameSite=Lax/i)
    expect(line).toMatch(/; Path=\//i)
    expect(line).toMatch(/; Max-Age=3600/i)
    expect(line).not.toMatch(/; Secure/i)
    const value = decodeURIComponent(line.slice('wxkit.sid='.length).split(';')[0] as string)
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/]{43}$/)
    expect(value).not.toContain('o_cookie')
  })

  it('gives every login a new session id', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const jar = new CookieJar()
    await miniLogin(app, jar, 'o_first')
    const first = jar.get('wxkit.sid')
    await miniLogin(app, jar, 'o_second')
    expect(jar.get('wxkit.sid')).not.toBe(first)
    const stale = new CookieJar()
    stale.set('wxkit.sid', first as string)
    expect((await app.request('/wechat/me', { jar: stale })).status).toBe(401)
    expect((await json(await app.request('/wechat/me', { jar }))).openid).toBe('o_second')
  })

  it('marks cookies Secure on https behind a trusted proxy only', async () => {
    const trusted = await start(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { trustProxy: 'loopback' },
    )
    const https = { 'X-Forwarded-Proto': 'https' }
    const code = await emulator.control.mintCode({ kind: 'login' })
    const secure = await trusted.request('/wechat/mini/login', {
      method: 'POST',
      json: { code },
      headers: https,
    })
    expect(secure.headers.getSetCookie().join('\n')).toMatch(/wxkit\.sid=.*; Secure/i)

    const untrusted = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const code2 = await emulator.control.mintCode({ kind: 'login' })
    const plain = await untrusted.request('/wechat/mini/login', {
      method: 'POST',
      json: { code: code2 },
      headers: https,
    })
    expect(plain.status).toBe(200)
    expect(plain.headers.getSetCookie().join('\n')).not.toMatch(/Secure/i)
  })

  it('answers 401 unauthorized on /me without a session', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const response = await app.request('/wechat/me')
    expect(response.status).toBe(401)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await json(response)).toEqual(errorBody('unauthorized'))
    expect(await json(await app.request('/whoami'))).toEqual({ user: null, hasClient: true })
  })

  it.each([
    ['a garbage cookie', 'garbage'],
    ['an unsigned id', 'a'.repeat(43)],
    ['a forged signature', `${'a'.repeat(43)}.${'b'.repeat(43)}`],
    ['an empty value', ''],
    ['a unicode value', encodeURIComponent('会话')],
  ])('treats %s as signed out', async (_label, value) => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const response = await app.request('/wechat/me', { headers: { Cookie: `wxkit.sid=${value}` } })
    expect(response.status).toBe(401)
  })

  it('ends the session on the server at logout, so a copied cookie stops working', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const jar = new CookieJar()
    await miniLogin(app, jar, 'o_logout')
    const copy = jar.clone()
    const response = await app.request('/wechat/logout', { method: 'POST', jar })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await json(response)).toEqual({ ok: true })
    expect(response.headers.getSetCookie().join('\n')).toMatch(/wxkit\.sid=; .*Max-Age=0/i)
    expect(jar.get('wxkit.sid')).toBeUndefined()
    expect((await app.request('/wechat/me', { jar: copy })).status).toBe(401)
  })

  it('answers logout without a session too', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    const response = await app.request('/wechat/logout', { method: 'POST' })
    expect(response.status).toBe(200)
  })

  it('verifies with every secret and signs with the first (rotation)', async () => {
    const store = new Keyv()
    const old = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, store },
    })
    const jar = new CookieJar()
    await miniLogin(old, jar, 'o_rotate')

    const rotated = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: [OTHER_SECRET, SESSION_SECRET], store },
    })
    expect((await json(await rotated.request('/wechat/me', { jar }))).openid).toBe('o_rotate')

    const retired = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: [OTHER_SECRET], store },
    })
    expect((await retired.request('/wechat/me', { jar })).status).toBe(401)

    const newJar = new CookieJar()
    await miniLogin(rotated, newJar, 'o_new')
    expect((await json(await retired.request('/wechat/me', { jar: newJar }))).openid).toBe('o_new')
    expect((await old.request('/wechat/me', { jar: newJar })).status).toBe(401)
  })

  describe('with a Redis store shared by two instances', () => {
    const namespace = `wxkit-express-test-${process.pid}-${Date.now()}-${version.name.replace(/\W/g, '')}`
    const stores: Keyv[] = []
    const redisStore = () => {
      const store = new Keyv({ store: new KeyvRedis(REDIS_URL), namespace })
      stores.push(store)
      return store
    }
    /** Two app instances, each with its own connection to the one Redis namespace. */
    const twoInstances = async (): Promise<[TestApp, TestApp]> => {
      const instance = () =>
        start(version, {
          config: emulatorConfig(emulator),
          session: { secret: SESSION_SECRET, store: redisStore() },
        })
      return [await instance(), await instance()]
    }
    afterAll(async () => {
      await stores[0]?.clear()
      await Promise.all(stores.map((store) => store.disconnect()))
    })

    it('sees a session created on one instance on the other, and a logout on both', async () => {
      const [a, b] = await twoInstances()
      const jar = new CookieJar()
      expect((await miniLogin(a, jar, 'o_redis')).status).toBe(200)
      const me = await b.request('/wechat/me', { jar })
      expect(me.status).toBe(200)
      expect(await json(me)).toEqual({ openid: 'o_redis', source: 'mini' })

      const copy = jar.clone()
      expect((await b.request('/wechat/logout', { method: 'POST', jar })).status).toBe(200)
      expect((await a.request('/wechat/me', { jar: copy })).status).toBe(401)
    })

    it('completes an OAuth login started on one instance on the other, also for a duplicate callback', async () => {
      const [a, b] = await twoInstances()
      const jar = new CookieJar()
      const login = await a.request('/wechat/oauth/login?returnTo=/shared', { jar })
      const consent = await fetch(login.headers.get('location') as string, { redirect: 'manual' })
      const callback = new URL(consent.headers.get('location') as string)
      const path = `/wechat/oauth/callback${callback.search}`
      const first = await b.request(path, { jar: jar.clone() })
      const second = await a.request(path, { jar: jar.clone() })
      expect([first.status, second.status]).toEqual([302, 302])
      expect(second.headers.get('location')).toBe('/shared')
    })
  })
})
