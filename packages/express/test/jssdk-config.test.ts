import { createHash } from 'node:crypto'
import type { RunningEmulator } from '@wxkit/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { DEFAULT_APP, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { named } from './support/named-cases.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

/** The signature recomputed here, independently of the middleware and of @wxkit/core (fact sheet §2.2). */
async function expectedSignature(url: string, nonceStr: string, timestamp: number): Promise<string> {
  const tickets = (await emulator.control.tickets()).filter((t) => t.appId === DEFAULT_APP.appId)
  expect(tickets.length).toBeGreaterThan(0)
  const ticket = tickets.at(-1)?.ticket as string
  const string1 = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`
  return createHash('sha1').update(string1, 'utf8').digest('hex')
}

describe.each(EXPRESS_VERSIONS)('GET /wechat/jssdk/config on $name', (version) => {
  let app: TestApp
  afterEach(() => app?.close())

  it('signs the page URL without its fragment, verifiably, with no-store', async () => {
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      jssdk: { jsApiList: ['updateAppMessageShareData', 'chooseImage'] },
      session: { secret: SESSION_SECRET },
    })
    const page = `${app.url}/shop/item?id=42&from=singlemessage`
    const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${page}#/detail`)}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await json(response)
    expect(Object.keys(body).sort()).toEqual(['appId', 'jsApiList', 'nonceStr', 'signature', 'timestamp'])
    expect(body.appId).toBe(DEFAULT_APP.appId)
    expect(Number.isInteger(body.timestamp)).toBe(true)
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(600)
    expect(body.nonceStr).toMatch(/^[A-Za-z0-9]{16,32}$/)
    expect(body.signature).toMatch(/^[0-9a-f]{40}$/)
    expect(body.jsApiList).toEqual(['updateAppMessageShareData', 'chooseImage'])
    expect(body.signature).toBe(await expectedSignature(page, body.nonceStr, body.timestamp))
  })

  it('signs alike while the ticket is fetched and once it is in memory, with one ticket request', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const before = (await emulator.control.counters()).calls['/cgi-bin/ticket/getticket'] ?? 0
    const page = `${app.url}/cold-then-warm`
    for (let i = 0; i < 3; i++) {
      const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(page)}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const body = await json(response)
      expect(body.signature).toBe(await expectedSignature(page, body.nonceStr, body.timestamp))
    }
    expect((await emulator.control.counters()).calls['/cgi-bin/ticket/getticket']).toBe(before + 1)
  })

  it('signs a url parameter of exactly 2048 characters and refuses 2049', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const base = `${app.url}/long?q=`
    const page = base + 'a'.repeat(2048 - base.length)
    expect(page).toHaveLength(2048)
    const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(page)}`)
    expect(response.status).toBe(200)
    const body = await json(response)
    expect(body.signature).toBe(await expectedSignature(page, body.nonceStr, body.timestamp))
    const over = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${page}a`)}`)
    expect(over.status).toBe(400)
  })

  it('leaves jsApiList out when none is configured', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`)
    expect(response.status).toBe(200)
    expect(await json(response)).not.toHaveProperty('jsApiList')
  })

  it('signs only the request’s own origin by default', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const other = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent('https://evil.example/')}`)
    expect(other.status).toBe(403)
    expect(other.headers.get('cache-control')).toBe('no-store')
    expect(await json(other)).toEqual({
      error: { code: 'url_not_allowed', message: expect.any(String) },
    })
  })

  it('ignores X-Forwarded-Host and -Proto unless trust proxy is set', async () => {
    app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
    const forwarded = { 'X-Forwarded-Host': 'shop.example.com', 'X-Forwarded-Proto': 'https' }
    const url = encodeURIComponent('https://shop.example.com/page')
    const response = await app.request(`/wechat/jssdk/config?url=${url}`, { headers: forwarded })
    expect(response.status).toBe(403)
  })

  it('honours X-Forwarded-Host and -Proto behind a trusted proxy', async () => {
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { trustProxy: 'loopback' },
    )
    const forwarded = { 'X-Forwarded-Host': 'shop.example.com', 'X-Forwarded-Proto': 'https' }
    const page = 'https://shop.example.com/page?x=1'
    const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(page)}`, {
      headers: forwarded,
    })
    expect(response.status).toBe(200)
    const body = await json(response)
    expect(body.signature).toBe(await expectedSignature(page, body.nonceStr, body.timestamp))
    const ownOrigin = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`, {
      headers: forwarded,
    })
    expect(ownOrigin.status).toBe(403)
  })

  it('signs every listed origin and nothing else when allowedOrigins is set', async () => {
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      jssdk: { allowedOrigins: ['https://shop.example.com', 'https://m.example.com'] },
      session: { secret: SESSION_SECRET },
    })
    for (const page of ['https://shop.example.com/a', 'https://m.example.com/b?c=d']) {
      const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(page)}`)
      expect(response.status).toBe(200)
    }
    const own = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`)
    expect(own.status).toBe(403)
  })

  it('answers under a custom prefix and mount path', async () => {
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), prefix: '/wx', session: { secret: SESSION_SECRET } },
      { mountPath: '/api' },
    )
    const url = encodeURIComponent(`${app.url}/`)
    expect((await app.request(`/api/wx/jssdk/config?url=${url}`)).status).toBe(200)
    expect((await app.request(`/wechat/jssdk/config?url=${url}`)).status).toBe(404)
  })

  it('is absent when jssdk is false', async () => {
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      jssdk: false,
      session: { secret: SESSION_SECRET },
    })
    const response = await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`)
    expect(response.status).toBe(404)
  })

  describe('bad url inputs', () => {
    const cases: [string, (origin: string) => string, number, string][] = [
      ['missing', () => '', 400, 'invalid_request'],
      ['empty', () => '?url=', 400, 'invalid_request'],
      [
        'given twice',
        (o) => `?url=${encodeURIComponent(`${o}/`)}&url=${encodeURIComponent(`${o}/`)}`,
        400,
        'invalid_request',
      ],
      ['an array in qs syntax', (o) => `?url[]=${encodeURIComponent(`${o}/`)}`, 400, 'invalid_request'],
      ['an object in qs syntax', (o) => `?url[a]=${encodeURIComponent(`${o}/`)}`, 400, 'invalid_request'],
      [
        'too long',
        (o) => `?url=${encodeURIComponent(`${o}/?q=${'a'.repeat(2048)}`)}`,
        400,
        'invalid_request',
      ],
      ['relative', () => `?url=${encodeURIComponent('/page')}`, 400, 'invalid_request'],
      [
        'double-encoded',
        (o) => `?url=${encodeURIComponent(encodeURIComponent(`${o}/`))}`,
        400,
        'invalid_request',
      ],
      ['not http(s)', () => `?url=${encodeURIComponent('javascript:alert(1)')}`, 400, 'invalid_request'],
      ['unicode', (o) => `?url=${encodeURIComponent(`${o}/页面`)}`, 400, 'invalid_request'],
      ['another origin', () => `?url=${encodeURIComponent('https://evil.example/')}`, 403, 'url_not_allowed'],
    ]
    it.each(named(cases))('%s', async (_label, query, status, code) => {
      app = await startApp(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })
      const response = await app.request(`/wechat/jssdk/config${query(app.url)}`)
      expect(response.status).toBe(status)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await json(response)).toEqual({ error: { code, message: expect.any(String) } })
    })
  })
})
