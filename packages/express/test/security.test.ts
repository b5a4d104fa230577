import { request as httpRequest } from 'node:http'
import { inspect } from 'node:util'
import KeyvRedis from '@keyv/redis'
import type { RunningEmulator } from '@wxkit/emulator'
import express from 'express'
import Keyv from 'keyv'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { wechat } from '../src/index.js'
import { appsClosedAfterEach, CookieJar, json, SESSION_SECRET } from './support/app-harness.js'
import { emulatorClient, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { approveAtWechat, oauthRoundTrip, startOauthLogin } from './support/oauth-flow.js'
import { startPrivateRedis } from './support/private-redis.js'

// Each finding of the attack on a running app (issue 10) has its regression test here, named for it.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })

/** A Map that counts reads, to see how often the middleware goes to the store. */
class CountingMap<K, V> extends Map<K, V> {
  reads = 0
  override get(key: K): V | undefined {
    this.reads++
    return super.get(key)
  }
}

const quietLogger = () => {
  const warnings: string[] = []
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } }
}

describe.each(EXPRESS_VERSIONS)('security findings on $name', (version) => {
  const start = appsClosedAfterEach()
  const oauthApp = () =>
    start(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })

  describe('finding 1: a used OAuth code is no bearer credential', () => {
    it('finding 1: a victim’s used code with the attacker’s own state signs the attacker in as nobody', async () => {
      const app = await oauthApp()
      const victim = new CookieJar()
      const { callbackPath, code } = await approveAtWechat(await startOauthLogin(app, victim))
      expect((await app.request(callbackPath, { jar: victim })).status).toBe(302)
      const victimId = (await json(await app.request('/wechat/me', { jar: victim }))).openid
      expect(typeof victimId).toBe('string')

      const attacker = new CookieJar()
      const own = await startOauthLogin(app, attacker)
      const stolen = await app.request(`/wechat/oauth/callback?code=${code}&state=${own.state}`, {
        jar: attacker,
      })
      expect(stolen.status).toBe(401)
      expect(await json(stolen)).toEqual(errorBody('code_used'))
      expect(stolen.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid=[^;]/)
      expect((await app.request('/wechat/me', { jar: attacker })).status).toBe(401)
      // The victim's browser still gets the duplicate-callback convenience.
      expect((await app.request(callbackPath, { jar: victim })).status).toBe(302)
    })

    it('finding 1: the callback URL from the history does not sign in again after logout', async () => {
      const app = await oauthApp()
      const jar = new CookieJar()
      const { callbackPath } = await approveAtWechat(await startOauthLogin(app, jar))
      expect((await app.request(callbackPath, { jar })).status).toBe(302)
      const copiedCookies = jar.clone()
      expect((await app.request('/wechat/logout', { method: 'POST', jar })).status).toBe(200)

      const replay = await app.request(callbackPath, { jar })
      expect(replay.status).toBeGreaterThanOrEqual(400)
      expect((await app.request('/wechat/me', { jar })).status).toBe(401)
      // Not even with the state cookie kept from before the logout (a copied cookie jar).
      copiedCookies.delete('wxkit.sid')
      const kept = await app.request(callbackPath, { jar: copiedCookies })
      expect(kept.status).toBeGreaterThanOrEqual(400)
      expect((await app.request('/wechat/me', { jar: copiedCookies })).status).toBe(401)
    })
  })

  it('finding 2: two concurrent callbacks with one state and two codes sign in at most once (Redis store)', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: {
        secret: SESSION_SECRET,
        store: new Keyv({
          store: new KeyvRedis(REDIS_URL),
          namespace: `wxkit-race-${process.pid}-${Date.now()}`,
        }),
      },
    })
    for (let attempt = 0; attempt < 10; attempt++) {
      const jar = new CookieJar()
      const { state } = await startOauthLogin(app, jar)
      const codes = await Promise.all([
        emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: `o_race_a${attempt}` }),
        emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: `o_race_b${attempt}` }),
      ])
      const cookie = jar.header()
      const responses = await Promise.all(
        codes.map((code) =>
          app.request(`/wechat/oauth/callback?code=${code}&state=${state}`, { headers: { Cookie: cookie } }),
        ),
      )
      const statuses = responses.map((response) => response.status).sort()
      expect(statuses, `attempt ${attempt}`).toEqual([302, 403])
    }
  })

  it('finding 2: two instances on one Redis with a lock let one of two codes redeem a state', async () => {
    const redis = await startPrivateRedis()
    try {
      const { createRedisLock } = await import('@wxkit/redis')
      const lock = createRedisLock(redis.url)
      const shared = (namespace: string) => ({
        config: emulatorConfig(emulator),
        session: {
          secret: SESSION_SECRET,
          store: new Keyv({ store: new KeyvRedis(redis.url), namespace }),
          lock,
        },
      })
      const a = await start(version, shared('race'))
      const b = await start(version, shared('race'))
      for (let attempt = 0; attempt < 5; attempt++) {
        const jar = new CookieJar()
        const { state } = await startOauthLogin(a, jar)
        const codes = await Promise.all([
          emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' }),
          emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' }),
        ])
        const headers = { Cookie: jar.header() }
        const responses = await Promise.all([
          a.request(`/wechat/oauth/callback?code=${codes[0]}&state=${state}`, { headers }),
          b.request(`/wechat/oauth/callback?code=${codes[1]}&state=${state}`, { headers }),
        ])
        expect(responses.map((response) => response.status).sort(), `attempt ${attempt}`).toEqual([302, 403])
      }
      await lock.close()
    } finally {
      await redis.close()
    }
  })

  describe('finding 3: a store that refuses writes fails the request', () => {
    it('finding 3: login, logout and the single-use state answer 503 store_unavailable when writes fail', async () => {
      const redis = await startPrivateRedis()
      try {
        const { warnings, logger } = quietLogger()
        const app = await start(version, {
          config: emulatorConfig(emulator),
          logger,
          session: { secret: SESSION_SECRET, store: new Keyv({ store: new KeyvRedis(redis.url) }) },
        })
        const jar = new CookieJar()
        const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_readonly' })
        expect(
          (await app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })).status,
        ).toBe(200)
        const oauthJar = new CookieJar()
        const { callbackPath } = await approveAtWechat(await startOauthLogin(app, oauthJar))
        await redis.refuseWrites()

        const logout = await app.request('/wechat/logout', { method: 'POST', jar: jar.clone() })
        expect(logout.status).toBe(503)
        expect(await json(logout)).toEqual(errorBody('store_unavailable'))
        expect((await app.request('/wechat/me', { jar })).status).toBe(200) // not ended, and not said to be

        const again = await emulator.control.mintCode({ kind: 'login', openid: 'o_readonly2' })
        const login = await app.request('/wechat/mini/login', { method: 'POST', json: { code: again } })
        expect(login.status).toBe(503)
        expect(login.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid=[^;]/)

        const callback = await app.request(callbackPath, { jar: oauthJar })
        expect(callback.status).toBe(503)
        expect(callback.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid=[^;]/)
        expect(warnings.length).toBeGreaterThanOrEqual(1)
      } finally {
        await redis.close()
      }
    })
  })

  describe('finding 4: a dead or frozen store does not hang requests', () => {
    it('finding 4: with Redis killed, cookie requests carry on signed out, store routes answer 503, one warning', async () => {
      const redis = await startPrivateRedis()
      const { warnings, logger } = quietLogger()
      const app = await start(version, {
        config: emulatorConfig(emulator),
        logger,
        session: {
          secret: SESSION_SECRET,
          store: new Keyv({ store: new KeyvRedis(redis.url) }),
          storeTimeoutMs: 300,
        },
      })
      const jar = new CookieJar()
      const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_killed' })
      expect((await app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })).status).toBe(
        200,
      )
      redis.kill()
      await redis.close()
      const signal = () => AbortSignal.timeout(15_000)
      for (let round = 0; round < 3; round++) {
        const own = await app.request('/whoami', { jar, signal: signal() })
        expect(own.status).toBe(200)
        expect((await json(own)).user).toBeNull()
        const me = await app.request('/wechat/me', { jar, signal: signal() })
        expect(me.status).toBe(503)
        expect(await json(me)).toEqual(errorBody('store_unavailable'))
      }
      expect(warnings.filter((line) => line.includes('session store'))).toHaveLength(1)
    })

    it('finding 4: a body that never finishes gets 408 request_timeout', async () => {
      const app = await start(version, {
        config: emulatorConfig(emulator),
        bodyTimeoutMs: 300,
        session: { secret: SESSION_SECRET },
      })
      const { port, hostname } = new URL(app.url)
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: hostname,
            port,
            method: 'POST',
            path: '/wechat/mini/login',
            headers: { 'Content-Type': 'application/json', 'Content-Length': '40' },
          },
          (response) => {
            let body = ''
            response.on('data', (chunk) => {
              body += chunk
            })
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
          },
        )
        request.on('error', reject)
        request.write('{"code":')
        setTimeout(() => reject(new Error('no answer')), 15_000).unref()
      })
      expect(answer.status).toBe(408)
      expect(JSON.parse(answer.body)).toEqual(errorBody('request_timeout'))
    })
  })

  it('finding 5: anonymous /oauth/login requests leave nothing in the store', async () => {
    const map = new Map<string, unknown>()
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) },
    })
    const before = map.size
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const response = await app.request('/wechat/oauth/login')
          expect(response.status).toBe(302)
        }),
      )
    }
    // Nor do callbacks that WeChat refuses (made-up codes) or refusals of consent.
    const jar = new CookieJar()
    const { state } = await startOauthLogin(app, jar)
    expect((await app.request(`/wechat/oauth/callback?code=made0up&state=${state}`, { jar })).status).toBe(
      401,
    )
    expect((await app.request(`/wechat/oauth/callback?state=${state}`, { jar })).status).toBe(302)
    expect(map.size).toBe(before)
  })

  describe('finding 6: a forged Host decides nothing', () => {
    it('finding 6: with publicUrl, Host: evil.com gets no signature and redirect_uri stays on publicUrl', async () => {
      const app = await start(
        version,
        {
          config: emulatorConfig(emulator),
          publicUrl: 'https://shop.example.com',
          session: { secret: SESSION_SECRET },
        },
        { trustProxy: true },
      )
      const forged = { Host: 'evil.com', 'X-Forwarded-Host': 'evil.com' }
      const signed = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent('http://evil.com/')}`, {
        headers: forged,
      })
      expect(signed.status).toBe(403)
      expect(await json(signed)).toEqual(errorBody('url_not_allowed'))
      const own = await app.request(
        `/wechat/jssdk/config?url=${encodeURIComponent('https://shop.example.com/a')}`,
        {
          headers: forged,
        },
      )
      expect(own.status).toBe(200)
      const login = await app.request('/wechat/oauth/login', { headers: forged })
      const redirectUri = new URL(login.headers.get('location') as string).searchParams.get('redirect_uri')
      expect(redirectUri).toBe('https://shop.example.com/wechat/oauth/callback')
    })

    it('finding 6: in production wechat() refuses to start without publicUrl or allowedOrigins, naming them', () => {
      vi.stubEnv('NODE_ENV', 'production')
      try {
        const base = { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } }
        expect(() => wechat(base)).toThrow(/publicUrl.*jssdk\.allowedOrigins/)
        expect(() => wechat({ ...base, jssdk: { allowedOrigins: ['https://a.example'] } })).toThrow(
          /publicUrl.*oauth\.redirectUri/,
        )
        expect(() => wechat({ ...base, publicUrl: 'https://shop.example.com' })).not.toThrow()
      } finally {
        vi.unstubAllEnvs()
      }
    })
  })

  it('finding 7: inspect(req) at full depth shows no access_token, jsapi_ticket or session_key', async () => {
    const printed: string[] = []
    const app = await oauthApp()
    app.app.get('/inspect', (req, res) => {
      printed.push(inspect(req, { depth: 10, showHidden: true }))
      printed.push(inspect(req.wechat, { depth: 10, showHidden: true }))
      printed.push(inspect(req.wechatSession, { depth: 10, showHidden: true }))
      printed.push(JSON.stringify(req.wechatSession))
      res.end()
    })
    const jar = new CookieJar()
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_inspected' })
    expect((await app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })).status).toBe(
      200,
    )
    expect((await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`)).status).toBe(
      200,
    )
    await app.request('/inspect', { jar })
    const tokens = (await emulator.control.tokens()).map((token) => token.token)
    const tickets = (await emulator.control.tickets()).map((ticket) => ticket.ticket)
    expect(tokens.length).toBeGreaterThan(0)
    expect(tickets.length).toBeGreaterThan(0)
    const text = printed.join('\n')
    expect(text).toContain('o_inspected')
    for (const secret of [...tokens, ...tickets]) expect(text).not.toContain(secret)
    expect(text).not.toMatch(/sessionKey|session_key/)
  })

  it('finding 8: logout with a bearer token and another session’s cookie ends both sessions', async () => {
    const app = await oauthApp()
    const mini = await emulator.control.mintCode({ kind: 'login', openid: 'o_bearer' })
    const { sessionToken } = await json(
      await app.request('/wechat/mini/login', { method: 'POST', json: { code: mini } }),
    )
    const browser = new CookieJar()
    expect((await oauthRoundTrip(app, browser)).status).toBe(302)
    const copied = browser.clone()
    const logout = await app.request('/wechat/logout', {
      method: 'POST',
      jar: browser,
      headers: { Authorization: `Bearer ${sessionToken}` },
    })
    expect(logout.status).toBe(200)
    expect(
      (await app.request('/wechat/me', { headers: { Authorization: `Bearer ${sessionToken}` } })).status,
    ).toBe(401)
    expect((await app.request('/wechat/me', { jar: copied })).status).toBe(401)
  })

  describe('finding 9: cookie tossing', () => {
    it('finding 9: on https the session cookie is a __Host- cookie', async () => {
      const app = await start(
        version,
        { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
        { trustProxy: true },
      )
      const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_host' })
      const https = { 'X-Forwarded-Proto': 'https' }
      const login = await app.request('/wechat/mini/login', {
        method: 'POST',
        json: { code },
        headers: https,
      })
      const line = login.headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith('__Host-wxkit.sid=')) as string
      expect(line).toMatch(/; Path=\//i)
      expect(line).toMatch(/; Secure/i)
      expect(line).not.toMatch(/; Domain/i)
      const value = line.split(';')[0] as string
      expect((await app.request('/wechat/me', { headers: { ...https, Cookie: value } })).status).toBe(200)
      // A plain wxkit.sid (what a sibling subdomain can plant) is not read on https.
      const planted = value.replace('__Host-', '')
      expect((await app.request('/wechat/me', { headers: { ...https, Cookie: planted } })).status).toBe(401)
    })

    it('finding 9: a request carrying two session cookies is anonymous', async () => {
      const app = await oauthApp()
      const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_toss' })
      const jar = new CookieJar()
      await app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })
      const mine = jar.get('wxkit.sid') as string
      const other = await emulator.control.mintCode({ kind: 'login', openid: 'o_tosser' })
      const attacker = new CookieJar()
      await app.request('/wechat/mini/login', { method: 'POST', json: { code: other }, jar: attacker })
      const planted = attacker.get('wxkit.sid') as string
      for (const cookie of [
        `wxkit.sid=${planted}; wxkit.sid=${mine}`,
        `wxkit.sid=${mine}; wxkit.sid=${planted}`,
      ]) {
        expect((await json(await app.request('/whoami', { headers: { Cookie: cookie } }))).user).toBeNull()
      }
    })
  })

  describe('finding 10', () => {
    it('finding 10: /mini/phone refuses an H5 (OAuth) session', async () => {
      const app = await oauthApp()
      const jar = new CookieJar()
      expect((await oauthRoundTrip(app, jar)).status).toBe(302)
      const code = await emulator.control.mintCode({ kind: 'phone' })
      const response = await app.request('/wechat/mini/phone', { method: 'POST', json: { code }, jar })
      expect(response.status).toBe(401)
      expect(await json(response)).toEqual(errorBody('unauthorized'))
    })

    it('finding 10: bodyLimit holds when express.json() parsed the body first', async () => {
      const app = await start(
        version,
        { config: emulatorConfig(emulator), bodyLimit: 64, session: { secret: SESSION_SECRET } },
        { before: (instance) => instance.use(express.json()) },
      )
      const response = await app.request('/wechat/mini/login', {
        method: 'POST',
        json: { code: 'x'.repeat(200) },
      })
      expect(response.status).toBe(413)
      expect(await json(response)).toEqual(errorBody('payload_too_large'))
    })

    it('finding 10: a code used elsewhere answers code_used without polling for a peer', async () => {
      const map = new CountingMap<string, unknown>()
      const app = await start(version, {
        config: emulatorConfig(emulator),
        session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) },
      })
      const jar = new CookieJar()
      const { callbackPath, code } = await approveAtWechat(await startOauthLogin(app, jar))
      await emulatorClient(emulator).snsOauth2(code)
      map.reads = 0
      const response = await app.request(callbackPath, { jar })
      expect(response.status).toBe(401)
      expect(await json(response)).toEqual(errorBody('code_used'))
      expect(map.reads).toBeLessThan(5)
    })
  })
})
