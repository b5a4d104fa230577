import KeyvRedis from '@keyv/redis'
import type { RunningEmulator } from '@wxkit/emulator'
import type { NextFunction, Request, Response } from 'express'
import Keyv from 'keyv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireWechatUser, type WechatMiddlewareOptions, wechatErrorHandler } from '../src/index.js'
import { appsClosedAfterEach, CookieJar, json, SESSION_SECRET, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { approveAtWechat, oauthRoundTrip, startOauthLogin } from './support/oauth-flow.js'
import { startPrivateRedis } from './support/private-redis.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const HTML = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const unauthorized = { error: { code: 'unauthorized', message: expect.any(String) } }

describe.each(EXPRESS_VERSIONS)('requireWechatUser() on $name', (version) => {
  const start = appsClosedAfterEach()

  /** `wechat()` plus `/orders` (H5 only, redirecting), `/api/orders` (any session) and `/api/mini` (Mini only). */
  async function guardedApp(extra: Partial<WechatMiddlewareOptions> = {}): Promise<TestApp> {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
      ...extra,
    })
    const who = (req: Request, res: Response) => {
      res.json({ openid: req.wechatUser?.openid, url: req.originalUrl })
    }
    app.app.get('/orders', requireWechatUser({ source: 'oauth', redirectToLogin: true }), who)
    app.app.all('/api/orders', requireWechatUser(), who)
    app.app.get('/api/mini', requireWechatUser({ source: 'mini' }), who)
    app.app.use(wechatErrorHandler())
    return app
  }

  async function miniToken(app: TestApp, openid: string, prefix = '/wechat'): Promise<string> {
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    const login = await app.request(`${prefix}/mini/login`, { method: 'POST', json: { code } })
    return (await json(login)).sessionToken
  }

  it('answers a signed-out API call with 401 unauthorized as JSON', async () => {
    const app = await guardedApp()
    for (const path of ['/api/orders', '/orders', '/api/mini']) {
      const response = await app.request(path)
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await json(response)).toEqual(unauthorized)
    }
  })

  it('lets a Mini Program session through with its bearer token', async () => {
    const app = await guardedApp()
    const auth = { Authorization: `Bearer ${await miniToken(app, 'o_guarded')}` }
    expect(await json(await app.request('/api/orders', { headers: auth }))).toMatchObject({
      openid: 'o_guarded',
    })
    expect(await json(await app.request('/api/mini', { headers: auth }))).toMatchObject({
      openid: 'o_guarded',
    })
  })

  it('answers a session of the other source with 401, and sends a browser with one to the OAuth login', async () => {
    const app = await guardedApp()
    const auth = { Authorization: `Bearer ${await miniToken(app, 'o_mini_only')}` }
    const api = await app.request('/orders', { headers: auth })
    expect(api.status).toBe(401)
    expect(await json(api)).toEqual({
      error: { code: 'unauthorized', message: 'Sign in with WeChat OAuth first' },
    })
    const page = await app.request('/orders', { headers: { ...auth, ...HTML } })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/wechat/oauth/login?returnTo=%2Forders')

    const jar = new CookieJar()
    expect((await oauthRoundTrip(app, jar)).status).toBe(302)
    const h5 = await app.request('/api/mini', { jar })
    expect(h5.status).toBe(401)
    expect(await json(h5)).toEqual({
      error: { code: 'unauthorized', message: 'Sign in with the Mini Program first' },
    })
  })

  it('redirects a browser page view to the OAuth login and back to the same URL after consent', async () => {
    const app = await guardedApp()
    const jar = new CookieJar()
    const page = await app.request('/orders?id=42&tab=open', { jar, headers: HTML })
    expect(page.status).toBe(302)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const loginPath = page.headers.get('location') as string
    expect(loginPath).toBe(`/wechat/oauth/login?returnTo=${encodeURIComponent('/orders?id=42&tab=open')}`)

    const query = loginPath.slice('/wechat/oauth/login'.length)
    const { callbackPath } = await approveAtWechat(await startOauthLogin(app, jar, query))
    const callback = await app.request(callbackPath, { jar })
    expect(callback.headers.get('location')).toBe('/orders?id=42&tab=open')
    const back = await app.request('/orders?id=42&tab=open', { jar, headers: HTML })
    expect(back.status).toBe(200)
    expect(await json(back)).toMatchObject({ openid: expect.any(String), url: '/orders?id=42&tab=open' })
  })

  it('answers 401, not a redirect, to fetch calls, non-GET requests and guards without redirectToLogin', async () => {
    const app = await guardedApp()
    expect((await app.request('/orders', { headers: { Accept: '*/*' } })).status).toBe(401)
    expect((await app.request('/orders', { headers: { Accept: 'application/json' } })).status).toBe(401)
    expect((await app.request('/api/orders', { headers: HTML })).status).toBe(401)
    expect((await app.request('/api/orders', { method: 'POST', headers: HTML })).status).toBe(401)
  })

  it('never redirects to another site: an unsafe URL goes to the login without returnTo', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
    })
    app.app.use(requireWechatUser({ redirectToLogin: true }), (_req: Request, res: Response) => {
      res.end('secret page')
    })
    for (const path of ['//evil.example/orders', '/%2F%2Fevil.example', '/orders/%5Cevil.example']) {
      const response = await app.request(path, { headers: HTML })
      expect(response.status).toBe(302)
      const location = response.headers.get('location') as string
      expect(location.startsWith('/wechat/oauth/login')).toBe(true)
      const returnTo = new URL(location, 'http://x.invalid').searchParams.get('returnTo')
      expect(returnTo === null || (returnTo.startsWith('/') && !returnTo.startsWith('//'))).toBe(true)
      expect(location).not.toMatch(/evil\.example/)
    }
  })

  it('redirects to the loginPath given when wechat() is mounted on a path', async () => {
    const app = await start(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { mountPath: '/shop' },
    )
    app.app.get(
      '/shop/orders',
      requireWechatUser({ redirectToLogin: true, loginPath: '/shop/wechat/oauth/login' }),
      (_req: Request, res: Response) => res.end('orders'),
    )
    const page = await app.request('/shop/orders', { headers: HTML })
    expect(page.headers.get('location')).toBe('/shop/wechat/oauth/login?returnTo=%2Fshop%2Forders')
    expect((await app.request('/shop/wechat/oauth/login?returnTo=%2Fshop%2Forders')).status).toBe(302)
  })

  it('says to turn OAuth on or pass loginPath when it must redirect without either', async () => {
    const app = await start(version, {
      config: emulatorConfig(emulator),
      oauth: false,
      session: { secret: SESSION_SECRET },
    })
    const errors: string[] = []
    app.app.get('/orders', requireWechatUser({ redirectToLogin: true }), (_req: Request, res: Response) =>
      res.end(),
    )
    app.app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(error.message)
      res.status(500).end()
    })
    expect((await app.request('/orders', { headers: HTML })).status).toBe(500)
    expect(errors).toEqual([expect.stringMatching(/turn oauth on or pass loginPath/)])
  })

  it('answers 503 store_unavailable, not 401, when the session store is down', async () => {
    const redis = await startPrivateRedis()
    try {
      const app = await guardedApp({
        logger: { warn: () => {} },
        session: {
          secret: SESSION_SECRET,
          store: new Keyv({ store: new KeyvRedis(redis.url) }),
          storeTimeoutMs: 300,
        },
      })
      const auth = { Authorization: `Bearer ${await miniToken(app, 'o_store_down')}` }
      redis.kill()
      const started = Date.now()
      const response = await app.request('/api/orders', {
        headers: auth,
        signal: AbortSignal.timeout(10_000),
      })
      expect(response.status).toBe(503)
      expect(await json(response)).toEqual({
        error: { code: 'store_unavailable', message: expect.any(String) },
      })
      expect(Date.now() - started).toBeLessThan(3000)
      // Without a session there is nothing to read: a plain 401.
      expect((await app.request('/api/orders')).status).toBe(401)
    } finally {
      await redis.close()
    }
  })

  it('says to mount wechatContext() first when it runs without one', async () => {
    const app = version.express()
    const errors: string[] = []
    app.get('/api', requireWechatUser(), (_req: Request, res: Response) => res.end())
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(error.message)
      res.status(500).end()
    })
    const { default: http } = await import('node:http')
    const server = http.createServer(app).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as { port: number }
      expect((await fetch(`http://127.0.0.1:${port}/api`)).status).toBe(500)
      expect(errors).toEqual([expect.stringMatching(/mount wechatContext\(options\)/)])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('fails at start-up for options it cannot honour', () => {
    // @ts-expect-error not a source
    expect(() => requireWechatUser({ source: 'web' })).toThrow(/"source" must be "mini" or "oauth"/)
    expect(() => requireWechatUser({ source: 'mini', redirectToLogin: true })).toThrow(/Mini Program login/)
    expect(() => requireWechatUser({ loginPath: 'https://evil.example/login' })).toThrow(/"loginPath"/)
    expect(() => requireWechatUser({ loginPath: '/login?x=1' })).toThrow(/"loginPath"/)
    // @ts-expect-error a typo
    expect(() => requireWechatUser({ redirect: true })).toThrow(/no option "redirect"/)
  })
})
