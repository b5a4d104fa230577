import { inspect } from 'node:util'
import KeyvRedis from '@keyv/redis'
import { Wechat } from '@wxkit/core'
import type { RunningEmulator } from '@wxkit/emulator'
import express, { type NextFunction, type Request, type Response } from 'express'
import Keyv from 'keyv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireWechatUser, type WechatMiddlewareOptions, wechatErrorHandler } from '../src/index.js'
import { appsClosedAfterEach, CookieJar, json, SESSION_SECRET, type TestApp } from './support/app-harness.js'
import { DEFAULT_APP, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { oauthRoundTrip } from './support/oauth-flow.js'
import { encryptOpenData, storedSessionKeys } from './support/open-data.js'
import { startPrivateRedis } from './support/private-redis.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })
const WERUN = { stepInfoList: [{ timestamp: 1_700_000_000, step: 8012 }] }

describe.each(EXPRESS_VERSIONS)('req.wechatSession on $name', (version) => {
  const start = appsClosedAfterEach()

  /**
   * `wechat()` over a Map the test can read, with app routes that use `req.wechatSession`: `/api/session`
   * (the public view), `POST /api/open-data` (decryptData), `POST /api/regenerate`, `POST /api/destroy`.
   */
  async function sessionApp(
    extra: Partial<WechatMiddlewareOptions> = {},
  ): Promise<{ app: TestApp; map: Map<unknown, unknown> }> {
    const map = new Map<unknown, unknown>()
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) },
      ...extra,
    })
    const route =
      (handler: (req: Request, res: Response) => Promise<void> | void) =>
      (req: Request, res: Response, next: NextFunction) => {
        Promise.resolve()
          .then(() => handler(req, res))
          .catch(next)
      }
    app.app.get(
      '/api/session',
      route((req, res) => {
        res.json({ session: req.wechatSession ?? null, inspected: inspect(req.wechatSession, { depth: 9 }) })
      }),
    )
    app.app.post(
      '/api/open-data',
      requireWechatUser(),
      express.json(),
      route((req, res) => {
        res.json(req.wechatSession?.decryptData(req.body.encryptedData, req.body.iv))
      }),
    )
    app.app.post(
      '/api/regenerate',
      requireWechatUser(),
      route(async (req, res) => {
        const before = req.wechatSession?.id
        const sessionToken = await req.wechatSession?.regenerate()
        res.json({ before, after: req.wechatSession?.id, sessionToken })
      }),
    )
    app.app.post(
      '/api/destroy',
      requireWechatUser(),
      route(async (req, res) => {
        await req.wechatSession?.destroy()
        res.json({ user: req.wechatUser ?? null, session: req.wechatSession ?? null })
      }),
    )
    app.app.use(wechatErrorHandler())
    return { app, map }
  }

  async function miniLogin(
    app: TestApp,
    openid: string,
    init: { jar?: CookieJar; headers?: Record<string, string> } = {},
  ) {
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    const response = await app.request('/wechat/mini/login', { method: 'POST', json: { code }, ...init })
    expect(response.status).toBe(200)
    return (await json(response)).sessionToken as string
  }
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

  it('shows id, user, source, createdAt and expiresAt, and no session_key even in util.inspect', async () => {
    const { app, map } = await sessionApp()
    const token = await miniLogin(app, 'o_viewed')
    const before = Date.now()
    const body = await json(await app.request('/api/session', { headers: bearer(token) }))
    expect(body.session).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      user: { openid: 'o_viewed', source: 'mini' },
      source: 'mini',
      createdAt: expect.any(Number),
      expiresAt: expect.any(Number),
    })
    expect(body.session.createdAt).toBeLessThanOrEqual(before)
    expect(body.session.expiresAt - body.session.createdAt).toBe(7 * 24 * 60 * 60 * 1000)
    expect(token).not.toContain(body.session.id)
    const [sessionKey] = storedSessionKeys(map, 'o_viewed')
    expect(sessionKey).toBeDefined()
    expect(JSON.stringify(body)).not.toContain(sessionKey)
    expect(body.inspected).toContain('o_viewed')
    expect(body.inspected).not.toMatch(/sessionKey|session_key/)
    expect(await json(await app.request('/api/session'))).toMatchObject({ session: null })
  })

  it('decrypts open data with the session’s own session_key and checks the watermark', async () => {
    const { app, map } = await sessionApp()
    const token = await miniLogin(app, 'o_walker')
    const [sessionKey] = storedSessionKeys(map, 'o_walker') as [string]
    const sealed = encryptOpenData(sessionKey, DEFAULT_APP.appId, WERUN)
    const response = await app.request('/api/open-data', {
      method: 'POST',
      headers: bearer(token),
      json: sealed,
    })
    expect(response.status).toBe(200)
    expect(await json(response)).toMatchObject(WERUN)
  })

  it('refuses another user’s data and iv, data watermarked for another app, and a forged iv', async () => {
    const { app, map } = await sessionApp()
    const mine = await miniLogin(app, 'o_me')
    await miniLogin(app, 'o_victim')
    const [myKey] = storedSessionKeys(map, 'o_me') as [string]
    const [victimKey] = storedSessionKeys(map, 'o_victim') as [string]
    const attempts = [
      encryptOpenData(victimKey, DEFAULT_APP.appId, { phoneNumber: '13800000000' }),
      encryptOpenData(myKey, 'wx0000000000000000', WERUN),
      { ...encryptOpenData(myKey, DEFAULT_APP.appId, WERUN), iv: Buffer.alloc(16).toString('base64') },
      { encryptedData: 'not base64!', iv: 'x' },
    ]
    for (const sealed of attempts) {
      const response = await app.request('/api/open-data', {
        method: 'POST',
        headers: bearer(mine),
        json: sealed,
      })
      const text = await response.text()
      expect(response.status).toBe(400)
      expect(JSON.parse(text)).toEqual(errorBody('invalid_request'))
      expect(text).not.toContain(myKey)
      expect(text).not.toContain(victimKey)
      expect(text).not.toContain('13800000000')
    }
  })

  it('has no session_key to decrypt with in an H5 (OAuth) session', async () => {
    const { app } = await sessionApp()
    const jar = new CookieJar()
    await oauthRoundTrip(app, jar)
    const response = await app.request('/api/open-data', {
      method: 'POST',
      jar,
      json: encryptOpenData(Buffer.alloc(16).toString('base64'), DEFAULT_APP.appId, WERUN),
    })
    expect(response.status).toBe(400)
    expect(await json(response)).toEqual({
      error: { code: 'invalid_request', message: 'Decrypting open data needs a Mini Program session' },
    })
  })

  it('replaces the stored session_key with each /mini/login, so data under the old key is refused', async () => {
    const { app, map } = await sessionApp()
    const first = await miniLogin(app, 'o_rotating')
    const [oldKey] = storedSessionKeys(map, 'o_rotating') as [string]
    // WeChat hands out the user's current key until it changes: have it change, as a reset does.
    await new Wechat(emulatorConfig(emulator)).resetUserSessionKey({
      openid: 'o_rotating',
      sessionKey: oldKey,
    })
    const second = await miniLogin(app, 'o_rotating', { headers: bearer(first) })
    const keys = storedSessionKeys(map, 'o_rotating')
    expect(keys).toHaveLength(1)
    const [newKey] = keys as [string]
    expect(newKey).not.toBe(oldKey)

    const stale = encryptOpenData(oldKey, DEFAULT_APP.appId, WERUN)
    const fresh = encryptOpenData(newKey, DEFAULT_APP.appId, WERUN)
    expect(
      (await app.request('/api/open-data', { method: 'POST', headers: bearer(second), json: stale })).status,
    ).toBe(400)
    expect(
      (await app.request('/api/open-data', { method: 'POST', headers: bearer(second), json: fresh })).status,
    ).toBe(200)
    expect(
      (await app.request('/api/open-data', { method: 'POST', headers: bearer(first), json: fresh })).status,
    ).toBe(401)
  })

  it('destroy() ends the session: the old cookie and bearer token are anonymous afterwards', async () => {
    const { app } = await sessionApp()
    const jar = new CookieJar()
    const token = await miniLogin(app, 'o_destroyed', { jar })
    const oldCookie = jar.get('wxkit.sid') as string
    const destroyed = await app.request('/api/destroy', { method: 'POST', jar })
    expect(await json(destroyed)).toEqual({ user: null, session: null })
    expect(destroyed.headers.getSetCookie().join('\n')).toMatch(/wxkit\.sid=;.*Max-Age=0/i)

    const replay = new CookieJar()
    replay.set('wxkit.sid', oldCookie)
    expect((await json(await app.request('/whoami', { jar: replay }))).user).toBeNull()
    expect((await app.request('/wechat/me', { jar: replay })).status).toBe(401)
    expect((await app.request('/wechat/me', { headers: bearer(token) })).status).toBe(401)
    expect((await app.request('/api/destroy', { method: 'POST', jar: replay })).status).toBe(401)
  })

  it('destroy() of an H5 session ends its OAuth login, so the callback URL cannot sign in again', async () => {
    const { app } = await sessionApp()
    const jar = new CookieJar()
    const callback = await oauthRoundTrip(app, jar)
    expect(callback.status).toBe(302)
    const callbackPath = new URL(callback.url).pathname + new URL(callback.url).search
    expect((await app.request('/api/destroy', { method: 'POST', jar })).status).toBe(200)
    const replayed = await app.request(callbackPath, { jar })
    expect((await json(await app.request('/whoami', { jar }))).user).toBeNull()
    expect(replayed.status).not.toBe(500)
  })

  it('regenerate() moves the session to a new id and the old id no longer signs in', async () => {
    const { app } = await sessionApp()
    const jar = new CookieJar()
    const token = await miniLogin(app, 'o_regenerated', { jar })
    const oldCookie = jar.get('wxkit.sid') as string
    const moved = await json(await app.request('/api/regenerate', { method: 'POST', jar }))
    expect(moved.after).not.toBe(moved.before)
    expect(moved.sessionToken).not.toBe(token)
    expect(jar.get('wxkit.sid')).not.toBe(oldCookie)
    expect(decodeURIComponent(jar.get('wxkit.sid') as string)).toBe(moved.sessionToken)

    const stale = new CookieJar()
    stale.set('wxkit.sid', oldCookie)
    expect((await app.request('/wechat/me', { jar: stale })).status).toBe(401)
    expect((await app.request('/wechat/me', { headers: bearer(token) })).status).toBe(401)
    expect((await json(await app.request('/wechat/me', { jar }))).openid).toBe('o_regenerated')
    expect(
      (await json(await app.request('/wechat/me', { headers: bearer(moved.sessionToken) }))).openid,
    ).toBe('o_regenerated')
    const session = (await json(await app.request('/api/session', { jar }))).session
    expect(session.id).toBe(moved.after)
  })

  it('regenerate() keeps when the session ends: the new cookie lives for what is left of it, at least 1 s', async () => {
    for (const [left, maxAge] of [
      [60_000, [59, 60]],
      [200, [1]],
    ] as const) {
      const { app, map } = await sessionApp()
      const jar = new CookieJar()
      await miniLogin(app, 'o_regenerated_ttl', { jar })
      const [key, raw] = [...map].find(([k]) => String(k).includes('wxkit:express:session:')) ?? []
      const stored = JSON.parse(String(raw)) as { value: { expiresAt: number } }
      stored.value.expiresAt = Date.now() + left
      map.set(key, JSON.stringify(stored))
      const response = await app.request('/api/regenerate', { method: 'POST', jar })
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('wxkit.sid='))
      const written = Number(/; Max-Age=(\d+)/.exec(cookie ?? '')?.[1])
      expect(maxAge, `${left} ms left`).toContain(written)
    }
  })

  it('regenerate() does not bring back a session that was logged out meanwhile', async () => {
    const { app } = await sessionApp()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    app.app.post('/api/slow-regenerate', async (req: Request, res: Response, next: NextFunction) => {
      await held
      req.wechatSession?.regenerate().then((sessionToken) => res.json({ sessionToken }), next)
    })
    app.app.use(wechatErrorHandler())
    const token = await miniLogin(app, 'o_raced')
    const pending = app.request('/api/slow-regenerate', { method: 'POST', headers: bearer(token) })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await app.request('/wechat/logout', { method: 'POST', headers: bearer(token) })).status).toBe(200)
    release()
    const response = await pending
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('unauthorized'))
    expect((await app.request('/wechat/me', { headers: bearer(token) })).status).toBe(401)
  })

  it('answers 503 store_unavailable within the store timeout when the store freezes mid-request', async () => {
    const redis = await startPrivateRedis()
    try {
      const { app } = await sessionApp({
        logger: { warn: () => {} },
        session: {
          secret: SESSION_SECRET,
          store: new Keyv({ store: new KeyvRedis(redis.url) }),
          storeTimeoutMs: 300,
        },
      })
      app.app.post('/api/freeze-then', (req: Request, res: Response, next: NextFunction) => {
        redis.freeze()
        const session = req.wechatSession
        const action = req.query.do === 'destroy' ? session?.destroy() : session?.regenerate()
        action?.then(() => res.json({ ok: true }), next)
      })
      app.app.use(wechatErrorHandler())
      for (const action of ['regenerate', 'destroy']) {
        const token = await miniLogin(app, `o_frozen_${action}`)
        const started = Date.now()
        const response = await app.request(`/api/freeze-then?do=${action}`, {
          method: 'POST',
          headers: bearer(token),
          signal: AbortSignal.timeout(10_000),
        })
        const elapsed = Date.now() - started
        expect(response.status).toBe(503)
        expect(await json(response)).toEqual(errorBody('store_unavailable'))
        // One bounded store call (300 ms) and the request's own work; never the Redis client's retries.
        expect(elapsed).toBeLessThan(2000)
        redis.thaw()
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      await redis.close()
    }
  })
})
