import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RunningEmulator } from '@wxkit/emulator'
import type { Express } from 'express'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  jssdkRoutes,
  miniProgramRoutes,
  oauthRoutes,
  sessionRoutes,
  type WechatMiddlewareOptions,
  wechat,
  wechatContext,
} from '../src/index.js'
import { CookieJar, json, SESSION_SECRET } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

/** A Map that counts reads and writes, to see how often the middleware goes to the store. */
class CountingMap<K, V> extends Map<K, V> {
  reads = 0
  writes = 0
  override get(key: K): V | undefined {
    this.reads++
    return super.get(key)
  }
  override set(key: K, value: V): this {
    this.writes++
    return super.set(key, value)
  }
  override delete(key: K): boolean {
    this.writes++
    return super.delete(key)
  }
}

describe.each(EXPRESS_VERSIONS)('mountable pieces on $name', (version) => {
  const servers: Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
  async function listen(
    app: Express,
  ): Promise<(path: string, init?: RequestInit & { jar?: CookieJar }) => Promise<Response>> {
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    servers.push(server)
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return async (path, init = {}) => {
      const { jar, ...rest } = init
      const headers = new Headers(rest.headers)
      if (jar?.header()) headers.set('Cookie', jar.header())
      const response = await fetch(`${base}${path}`, { ...rest, headers, redirect: 'manual' })
      jar?.store(response)
      return response
    }
  }
  /** A jar holding the session of a `/wechat/mini/login` as `openid`. */
  async function miniLoginJar(
    request: Awaited<ReturnType<typeof listen>>,
    openid: string,
  ): Promise<CookieJar> {
    const code = await emulator.control.mintCode({ kind: 'login', openid })
    const jar = new CookieJar()
    await request('/wechat/mini/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      jar,
    })
    return jar
  }
  const options = (extra: Partial<WechatMiddlewareOptions> = {}): WechatMiddlewareOptions => ({
    config: emulatorConfig(emulator),
    session: { secret: SESSION_SECRET },
    ...extra,
  })

  it('mounts each feature on a path of its own after wechatContext()', async () => {
    const app = version.express()
    app.use(wechatContext(options()))
    app.use('/auth/wechat', oauthRoutes())
    app.use('/mp', miniProgramRoutes())
    app.use('/api/jssdk', jssdkRoutes())
    app.use('/account', sessionRoutes())
    app.get('/whoami', (req, res) => {
      res.json({ user: req.wechatUser ?? null })
    })
    const request = await listen(app)

    const login = await request('/auth/wechat/login?returnTo=/shop')
    expect(login.status).toBe(302)
    const redirectUri = new URL(login.headers.get('location') as string).searchParams.get('redirect_uri')
    expect(new URL(redirectUri as string).pathname).toBe('/auth/wechat/callback')

    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_mounted' })
    const jar = new CookieJar()
    const mini = await request('/mp/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      jar,
    })
    expect(mini.status).toBe(200)
    expect(await json(await request('/account/me', { jar }))).toEqual({ openid: 'o_mounted', source: 'mini' })
    expect((await json(await request('/whoami', { jar }))).user.openid).toBe('o_mounted')
    const page = encodeURIComponent(`${new URL(redirectUri as string).origin}/page`)
    expect((await request(`/api/jssdk/config?url=${page}`)).status).toBe(200)
    expect((await request('/wechat/me', { jar })).status).toBe(404)
    expect((await request('/account/logout', { method: 'POST', jar })).status).toBe(200)
    expect((await request('/account/me', { jar })).status).toBe(401)
  })

  it('leaves a feature turned off in the context to the app', async () => {
    const app = version.express()
    app.use(wechatContext(options({ jssdk: false })))
    app.use('/api/jssdk', jssdkRoutes())
    app.use((_req, res) => {
      res.status(404).json({ fellThrough: true })
    })
    const request = await listen(app)
    const response = await request('/api/jssdk/config?url=http%3A%2F%2F127.0.0.1%2F')
    expect(await json(response)).toEqual({ fellThrough: true })
  })

  it('says to mount wechatContext() first when a route factory runs without it', async () => {
    const app = version.express()
    app.use('/mp', miniProgramRoutes())
    const errors: string[] = []
    app.use((error: Error, _req: unknown, res: { status(code: number): { end(): void } }, _next: unknown) => {
      errors.push(error.message)
      res.status(500).end()
    })
    const request = await listen(app)
    expect((await request('/mp/login', { method: 'POST' })).status).toBe(500)
    expect(errors).toEqual([expect.stringMatching(/mount wechatContext\(options\)/)])
  })

  it('reads the session store once when wechat() is mounted twice', async () => {
    const map = new CountingMap<string, unknown>()
    const shared = options({ session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) } })
    const app = version.express()
    app.use(wechat(shared))
    app.use(wechat(shared))
    app.get('/whoami', (req, res) => {
      res.json({ user: req.wechatUser ?? null })
    })
    const request = await listen(app)
    const jar = await miniLoginJar(request, 'o_twice')
    map.reads = 0
    expect((await json(await request('/whoami', { jar }))).user.openid).toBe('o_twice')
    expect(map.reads).toBe(1)
  })

  it('gives app routes after wechatContext() the session as req.wechatSession, read from the store once with wechat() after it', async () => {
    const map = new CountingMap<string, unknown>()
    const shared = options({ session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) } })
    const app = version.express()
    app.use(wechatContext(shared))
    app.use(wechat(shared))
    app.get('/session', (req, res) => {
      res.json({ session: req.wechatSession ?? null, same: req.wechatSession?.user === req.wechatUser })
    })
    const request = await listen(app)
    expect(await json(await request('/session'))).toEqual({ session: null, same: true })
    const jar = await miniLoginJar(request, 'o_context_session')
    map.reads = 0
    const body = await json(await request('/session', { jar }))
    expect(body.session).toMatchObject({ user: { openid: 'o_context_session' }, source: 'mini' })
    expect(body.same).toBe(true)
    expect(map.reads).toBe(1)
  })

  it('answers anonymous JS-SDK requests without a store read or write, through wechat() and through jssdkRoutes()', async () => {
    const map = new CountingMap<string, unknown>()
    const shared = options({
      jssdk: { allowedOrigins: ['https://shop.example'] },
      session: { secret: SESSION_SECRET, store: new Keyv({ store: map }) },
    })
    const app = version.express()
    app.use(wechat(shared))
    app.use(wechatContext(shared))
    app.use('/api/jssdk', jssdkRoutes())
    const request = await listen(app)
    const url = encodeURIComponent('https://shop.example/item?id=1#top')
    // No cookie, another app's cookie, and a session cookie that does not verify: all anonymous.
    for (const cookie of [undefined, 'theme=dark', 'wxkit.sid=s%3Aforged.forged']) {
      for (const path of ['/wechat/jssdk/config', '/api/jssdk/config']) {
        const response = await request(`${path}?url=${url}`, cookie ? { headers: { Cookie: cookie } } : {})
        expect(response.status).toBe(200)
        expect(await json(response)).toMatchObject({ signature: expect.stringMatching(/^[0-9a-f]{40}$/) })
      }
    }
    expect({ reads: map.reads, writes: map.writes }).toEqual({ reads: 0, writes: 0 })
  })
})
