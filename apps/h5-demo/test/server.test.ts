import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDemoConfig } from '../server/config.js'
import { type RunningDemo, startDemo } from '../server/start-demo.js'
import type { DemoSendAnswer } from '../shared/push-summary.js'

const appRoot = fileURLToPath(new URL('..', import.meta.url))
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47]
/** The push settings "entered in the console" of the real-mode tests. */
const REAL_PUSH = { token: 'realPushToken7', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789REAL123' }

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

describe('the demo server in emulator mode (Vite middleware)', () => {
  let demo: RunningDemo
  let origin: string

  beforeAll(async () => {
    demo = await startDemo({ config: readDemoConfig({ PORT: '0' }), assets: 'vite', host: '127.0.0.1' })
    origin = new URL(demo.url).origin
  })
  afterAll(async () => {
    await demo?.close()
  })

  it('Messages: has the emulator push a text to its own push route and answers the reply and the tries', async () => {
    const send = (body: unknown) =>
      fetch(`${origin}/demo/messages/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const first = (await (await send({ text: 'hello' })).json()) as DemoSendAnswer
    expect(first.followed?.reply).toEqual({ kind: 'text', text: expect.stringMatching(/^Welcome!/) })
    expect(first.message).toEqual({
      reply: { kind: 'text', text: 'You said: hello' },
      mode: 'safe',
      format: 'xml',
      attempts: [{ status: 200, ms: expect.any(Number) }],
    })
    // The same visitor again: no second follow.
    const again = (await (await send({ text: 'news', openid: first.openid })).json()) as DemoSendAnswer
    expect(again.followed).toBeUndefined()
    expect(again.message.reply).toMatchObject({
      kind: 'news',
      articles: [{ url: 'https://github.com/wxkit/wxkit' }],
    })

    for (const bad of [
      {},
      { text: '' },
      { text: 'x'.repeat(601) },
      { text: 'hi', openid: 'not-an-openid' },
    ]) {
      expect((await send(bad)).status).toBe(400)
    }
  })

  it('Messages: the push route refuses a push that is not signed and encrypted with the console’s keys', async () => {
    const plain = await fetch(`${origin}/wechat/messages?signature=0&timestamp=1&nonce=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml><MsgType>text</MsgType></xml>',
    })
    expect(plain.status).toBe(401)
    const check = await demo.emulator?.control.verifyServerUrl({
      url: `${origin}/wechat/messages`,
      token: 'notTheToken1',
    })
    expect(check).toMatchObject({ ok: false, status: 401 })
  })

  it('starts the embedded emulator and says so', () => {
    expect(demo.mode).toBe('emulator')
    expect(demo.emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(demo.notes.join('\n')).toContain('embedded WeChat emulator')
  })

  it('serves the page with the emulator bridge loaded before the page module', async () => {
    const response = await fetch(`${origin}/`, { headers: { accept: 'text/html' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const html = await response.text()
    const bridge = html.indexOf(`<script src="${demo.emulator?.url}/__wxkit/bridge.js"></script>`)
    expect(bridge).toBeGreaterThan(-1)
    expect(bridge).toBeLessThan(html.indexOf('/src/main.ts'))
    expect(html).toContain('content="emulator"')
    expect(html).toContain('/@vite/client')
  })

  it('answers any HTML navigation with the page, so pushState URLs survive a reload', async () => {
    const response = await fetch(`${origin}/news/2?tag=%E5%BE%AE%E4%BF%A1`, {
      headers: { accept: 'text/html' },
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('data-wx-status="pending"')
  })

  it('answers unknown non-HTML requests and other methods with a JSON 404', async () => {
    const json = await fetch(`${origin}/nothing-here.json`, { headers: { accept: 'application/json' } })
    expect(json.status).toBe(404)
    expect(await json.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } })
    const post = await fetch(`${origin}/`, { method: 'POST', headers: { accept: 'text/html' } })
    expect(post.status).toBe(404)
    const demoPath = await fetch(`${origin}/demo/unknown`, { headers: { accept: 'text/html' } })
    expect(demoPath.status).toBe(404)
  })

  it('mounts @wxkit/express: the JS-SDK config for a page URL verifies with the live ticket', async () => {
    // As location.href gives it: Chinese percent-encoded, a `%2B` kept as it is.
    const pageUrl = `${origin}/news/2?tag=%E5%BE%AE%E4%BF%A1&q=a%2Bb`
    const response = await fetch(
      `${origin}/wechat/jssdk/config?url=${encodeURIComponent(`${pageUrl}#/account`)}`,
    )
    expect(response.status).toBe(200)
    const config = (await response.json()) as {
      appId: string
      timestamp: number
      nonceStr: string
      signature: string
      jsApiList?: string[]
    }
    expect(config.appId).toBe(DEFAULT_APP.appId)
    expect(config.jsApiList).toEqual(expect.arrayContaining(['updateAppMessageShareData', 'scanQRCode']))
    const tickets = await demo.emulator?.control.tickets()
    const ticket = tickets?.find((live) => live.appId === DEFAULT_APP.appId)
    expect(ticket).toBeDefined()
    const string1 = `jsapi_ticket=${ticket?.ticket}&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=${pageUrl}`
    expect(config.signature).toBe(sha1(string1))
  })

  it('refuses to sign pages of other origins', async () => {
    const response = await fetch(
      `${origin}/wechat/jssdk/config?url=${encodeURIComponent('https://evil.example/')}`,
    )
    expect(response.status).toBe(403)
  })

  it('makes a Mini Program code for a scene as a PNG', async () => {
    const response = await fetch(`${origin}/demo/qrcode?scene=${encodeURIComponent('id=42&from=h5')}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 4)]).toEqual(PNG_MAGIC)
    const counters = await demo.emulator?.control.counters()
    expect(counters?.calls['/wxa/getwxacodeunlimit']).toBeGreaterThanOrEqual(1)
  })

  it.each([
    ['a missing scene', ''],
    ['an empty scene', 'scene='],
    ['a scene over 32 characters', `scene=${'a'.repeat(33)}`],
    ['Chinese in the scene', `scene=${encodeURIComponent('微信')}`],
    ['a percent sign in the scene', `scene=${encodeURIComponent('a%20b')}`],
    ['a repeated scene', 'scene=a&scene=b'],
    ['a width under 280', 'scene=a&width=100'],
    ['a width over 1280', 'scene=a&width=2000'],
    ['a fractional width', 'scene=a&width=300.5'],
  ])('answers 400 invalid_request for %s', async (_case, query) => {
    const response = await fetch(`${origin}/demo/qrcode?${query}`)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('invalid_request')
  })

  it('passes WeChat rate limiting on as 429 and other WeChat errors as 502, without leaking the token', async () => {
    const control = demo.emulator?.control
    if (control === undefined) throw new Error('no emulator')
    await control.injectFault({
      path: '/wxa/getwxacodeunlimit',
      times: 1,
      fault: { kind: 'errcode', errcode: 45009 },
    })
    const limited = await fetch(`${origin}/demo/qrcode?scene=limited`)
    expect(limited.status).toBe(429)
    const limitedBody = await limited.text()
    expect(JSON.parse(limitedBody).error.code).toBe('rate_limited')

    await control.injectFault({
      path: '/wxa/getwxacodeunlimit',
      times: 5,
      fault: { kind: 'http', status: 503 },
    })
    const failed = await fetch(`${origin}/demo/qrcode?scene=failed`)
    expect(failed.status).toBe(502)
    const failedBody = await failed.text()
    expect(JSON.parse(failedBody).error.code).toBe('upstream_error')

    for (const { token } of await control.tokens()) {
      expect(limitedBody).not.toContain(token)
      expect(failedBody).not.toContain(token)
    }
    expect(limitedBody + failedBody).not.toContain(DEFAULT_APP.appSecret)
    expect(limitedBody + failedBody).not.toContain('access_token')
  })
})

/** A gateway in front of WeChat (here the emulator) that records each request's path and JSON body. */
async function startRecordingGateway(target: string) {
  const seen: { path: string; body: unknown }[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', target)
    seen.push({ path: url.pathname, body: body.length === 0 ? undefined : JSON.parse(body.toString()) })
    const upstream = await fetch(url, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body.length === 0 ? {} : { body }),
    })
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' })
    res.end(Buffer.from(await upstream.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('the demo server in real mode', () => {
  let wechat: RunningEmulator
  let gateway: Awaited<ReturnType<typeof startRecordingGateway>>
  let demo: RunningDemo
  let origin: string

  beforeAll(async () => {
    // An "external" WeChat: the emulator started on its own, reached through the two host overrides (the
    // API through a recording gateway, so the tests see what the demo sends).
    wechat = await startEmulator({ host: '127.0.0.1', port: 0 })
    gateway = await startRecordingGateway(wechat.apiBaseUrl)
    const config = readDemoConfig({
      PORT: '0',
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      WECHAT_API_BASE_URL: gateway.url,
      WECHAT_OAUTH_BASE_URL: wechat.oauthBaseUrl,
      WECHAT_JSSDK_ORIGINS: 'https://h5.example.com',
      SESSION_SECRET: 'a-session-secret-that-is-long-enough-0123',
      WECHAT_PUSH_TOKEN: REAL_PUSH.token,
      WECHAT_PUSH_AES_KEY: REAL_PUSH.encodingAESKey,
    })
    demo = await startDemo({ config, assets: 'vite', host: '127.0.0.1' })
    origin = new URL(demo.url).origin
  })
  afterAll(async () => {
    await demo?.close()
    await gateway?.close()
    await wechat?.close()
  })

  it('serves WeChat’s pushes at /wechat/messages with the console’s token and key (safe mode)', async () => {
    const url = `${origin}/wechat/messages`
    expect(await wechat.control.verifyServerUrl({ url, token: REAL_PUSH.token })).toMatchObject({ ok: true })
    const result = await wechat.control.pushMessage({
      url,
      ...REAL_PUSH,
      message: { MsgType: 'text', Content: 'time' },
    })
    expect(result.reply).toMatchObject({ MsgType: 'text', Content: expect.stringMatching(/^Server time: /) })
    // Safe mode: a plaintext push is refused, even correctly signed.
    const plain = await wechat.control.pushMessage({
      url,
      ...REAL_PUSH,
      mode: 'plain',
      message: { MsgType: 'text', Content: 'x' },
    })
    expect(plain.attempts.map((attempt) => attempt.status)).toEqual([401])
    expect(demo.notes.join('\n')).toContain('push route: /wechat/messages (safe mode)')
    expect(demo.notes.join('\n')).not.toContain(REAL_PUSH.encodingAESKey)
  })

  it('starts no emulator and serves the page without the bridge', async () => {
    expect(demo.mode).toBe('wechat')
    expect(demo.emulator).toBeUndefined()
    const html = await (await fetch(`${origin}/`, { headers: { accept: 'text/html' } })).text()
    expect(html).toContain('content="wechat"')
    expect(html).not.toContain('bridge.js')
  })

  it('talks to the configured WeChat host with the configured app', async () => {
    const response = await fetch(`${origin}/demo/qrcode?scene=real`)
    expect(response.status).toBe(200)
    expect((await wechat.control.counters()).calls['/wxa/getwxacodeunlimit']).toBe(1)
  })

  it('asks WeChat for the code with check_path false, the typed scene and the width', async () => {
    const response = await fetch(
      `${origin}/demo/qrcode?scene=${encodeURIComponent('id=7&from=h5')}&width=280`,
    )
    expect(response.status).toBe(200)
    const sent = gateway.seen.filter((request) => request.path.endsWith('/wxa/getwxacodeunlimit')).at(-1)
    expect(sent?.body).toMatchObject({ scene: 'id=7&from=h5', check_path: false, width: 280 })
  })

  it('signs pages of the extra origins and of its own origin, and no others', async () => {
    const sign = (url: string) => fetch(`${origin}/wechat/jssdk/config?url=${encodeURIComponent(url)}`)
    expect((await sign('https://h5.example.com/shop?id=1')).status).toBe(200)
    expect((await sign(`${origin}/`)).status).toBe(200)
    expect((await sign(`${demo.url}`)).status).toBe(200)
    expect((await sign('https://other.example.com/')).status).toBe(403)
  })

  it('sends OAuth sign-ins to the configured OAuth host', async () => {
    const response = await fetch(`${origin}/wechat/oauth/login?returnTo=/`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') ?? ''
    expect(location.startsWith(wechat.oauthBaseUrl)).toBe(true)
    expect(location).toContain(`appid=${DEFAULT_APP.appId}`)
    expect(location).toContain('scope=snsapi_userinfo')
  })
})

describe('the demo server in production (built assets)', () => {
  let demo: RunningDemo
  let clientDir: string

  beforeAll(async () => {
    clientDir = await mkdtemp(join(tmpdir(), 'h5-demo-dist-'))
    await build({ root: appRoot, logLevel: 'silent', build: { outDir: clientDir, emptyOutDir: true } })
    // As `pnpm start` runs it: @wxkit/express then insists on a canonical origin.
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      demo = await startDemo({
        config: readDemoConfig({ PORT: '0' }),
        assets: 'dist',
        host: '127.0.0.1',
        clientDir,
      })
    } finally {
      process.env.NODE_ENV = nodeEnv
    }
  }, 120_000)
  afterAll(async () => {
    await demo?.close()
    await rm(clientDir, { recursive: true, force: true })
  })

  it('serves the built page with the bridge and its hashed assets', async () => {
    const origin = new URL(demo.url).origin
    const html = await (await fetch(`${origin}/news/1`, { headers: { accept: 'text/html' } })).text()
    expect(html).toContain(`${demo.emulator?.url}/__wxkit/bridge.js`)
    expect(html).not.toContain('/@vite/client')
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1]
    expect(script).toMatch(/^\/assets\/.+\.js$/)
    const asset = await fetch(`${origin}${script}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toContain('javascript')
  })

  it('signs its own localhost pages, whatever Host a request claims', async () => {
    const origin = new URL(demo.url).origin
    const sign = (url: string, host?: string) =>
      fetch(`${origin}/wechat/jssdk/config?url=${encodeURIComponent(url)}`, {
        ...(host === undefined ? {} : { headers: { 'x-forwarded-host': host } }),
      })
    expect((await sign(`${origin}/news/1`)).status).toBe(200)
    expect((await sign('https://evil.example/', 'evil.example')).status).toBe(403)
  })
})
