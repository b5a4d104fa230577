// biome-ignore-all lint/style/noNonNullAssertion: the README's production snippet reads required env vars with `!`
import { createCipheriv, createHash, randomUUID } from 'node:crypto'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import { afterEach, expect, test, vi } from 'vitest'
import { isWechatError, Wechat as RealWechat, truncateString, type WechatConfig } from '../src/index.js'
import { calls, emulator } from './helpers.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

// Each README block below is a region of a test that runs it against the emulator. The README's production
// snippets build `new Wechat({ appId, appSecret, … })` without a baseURL; their tests run them with `Wechat`
// bound to a subclass that adds the emulator's origins (and remembers the clients it made), nothing else.

const made: RealWechat[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  await Promise.all(made.splice(0).map((client) => client.close()))
})

/** `Wechat` as the README's code sees it: the real client, pointed at `emu`. */
function pointedAt(emu: RunningEmulator): typeof RealWechat {
  return class extends RealWechat {
    constructor(config: WechatConfig) {
      super({ ...config, baseURL: emu.apiBaseUrl, oauthBaseURL: emu.oauthBaseUrl })
      made.push(this)
    }
  }
}

/** What a Mini Program would send: open data encrypted with the user's session_key (AES-128-CBC). */
function encryptForUser(sessionKey: string, data: object) {
  const iv = Buffer.alloc(16, 9)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}

test.each([
  ['usage', '# @wxkit/core', "import { Wechat } from '@wxkit/core'\n\n"],
  ['emulator', 'Try it without WeChat', "import { DEFAULT_APP, startEmulator } from '@wxkit/emulator'\n"],
  ['tokens', '### Tokens', ''],
  ['js-sdk', '### JS-SDK', ''],
  ['mini-program', '### Mini Program\n', ''],
  ['subscribe', '### Subscribe messages', ''],
  ['web-oauth', '### Web OAuth', ''],
  ['other-endpoint', '### Any other endpoint', ''],
  ['hooks', '## Hooks', ''],
])('the README example %s is exactly the code its test runs', (name, heading, imports) => {
  expect(readmeBlock(heading)).toBe(imports + exampleBlock(import.meta.url, name))
})

test('the usage example signs a JS-SDK config and logs a Mini Program user in', async () => {
  const emu = await emulator()
  const Wechat = pointedAt(emu)
  vi.stubEnv('WECHAT_APP_ID', DEFAULT_APP.appId)
  vi.stubEnv('WECHAT_APP_SECRET', DEFAULT_APP.appSecret)
  const codeFromWxLogin = await emu.control.mintCode({ kind: 'login', openid: 'o_readme' })

  // README:usage:begin
  const wechat = new Wechat({ appId: process.env.WECHAT_APP_ID!, appSecret: process.env.WECHAT_APP_SECRET! })

  const config = await wechat.getJsSdkConfig('https://example.com/shop?id=42') // → wx.config({...config, jsApiList})
  const { openid, session_key } = await wechat.jsCode2Session(codeFromWxLogin)
  // README:usage:end

  const ticket = (await emu.control.tickets()).at(-1)?.ticket
  const signed = `jsapi_ticket=${ticket}&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=https://example.com/shop?id=42`
  expect(config).toMatchObject({ appId: DEFAULT_APP.appId, nonceStr: expect.stringMatching(/^\w{16}$/) })
  expect(config.signature).toBe(createHash('sha1').update(signed).digest('hex'))
  expect([openid, typeof session_key]).toEqual(['o_readme', 'string'])
})

test('the emulator example gives a client of the emulator', async () => {
  const Wechat = RealWechat
  // README:emulator:begin
  const emulator = await startEmulator({ port: 0 })
  const wechat = new Wechat({
    ...DEFAULT_APP,
    baseURL: emulator.apiBaseUrl,
    oauthBaseURL: emulator.oauthBaseUrl,
  })
  // README:emulator:end

  try {
    expect(await wechat.getAccessToken()).toBe((await emulator.control.tokens())[0]?.token)
    expect(
      wechat.buildOauth2AuthorizeUrl({
        redirectUri: 'https://example.com/cb',
        scope: 'snsapi_base',
        state: 'x',
      }),
    ).toMatch(new RegExp(`^${emulator.oauthBaseUrl}/`))
  } finally {
    await wechat.close()
    await emulator.close()
  }
})

test('the tokens example reads the token and reloads the ticket', async () => {
  const emu = await emulator()
  const wechat = new (pointedAt(emu))(DEFAULT_APP)
  const before = await wechat.getJsTicket()

  // README:tokens:begin
  const token = await wechat.getAccessToken() // { reload?, signal? }
  const ticket = await wechat.getJsTicket({ reload: true })
  // README:tokens:end

  expect(token).toBe((await emu.control.tokens())[0]?.token)
  expect(before).toMatch(/./)
  expect(await calls(emu, '/cgi-bin/ticket/getticket')).toBe(2)
  expect(ticket).toBe((await emu.control.tickets()).at(-1)?.ticket)
})

test('the JS-SDK example signs the URL a page posts', async () => {
  const emu = await emulator()
  const wechat = new (pointedAt(emu))(DEFAULT_APP)
  const req = { body: { url: 'https://example.com/shop?id=42#top' } }

  // README:js-sdk:begin
  const { appId, timestamp, nonceStr, signature } = await wechat.getJsSdkConfig(req.body.url)
  // README:js-sdk:end

  const ticket = (await emu.control.tickets()).at(-1)?.ticket
  const signed = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=https://example.com/shop?id=42`
  expect(appId).toBe(DEFAULT_APP.appId)
  expect(signature).toBe(createHash('sha1').update(signed).digest('hex'))
})

test('the Mini Program example logs in, reads the phone number, makes a QR code and checks open data', async () => {
  const emu = await emulator()
  const wechat = new (pointedAt(emu))(DEFAULT_APP)
  const login = () => emu.control.mintCode({ kind: 'login', openid: 'o_readme', unionid: 'u_readme' })
  const { session_key: key } = await wechat.jsCode2Session(await login())
  const code = await login()
  const e = { detail: { code: await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' }) } }
  const rawData = JSON.stringify({ nickName: 'Band' })
  const signature = createHash('sha1')
    .update(rawData + key)
    .digest('hex')
  const { encryptedData, iv } = encryptForUser(key, {
    openId: 'o_readme',
    watermark: { appid: DEFAULT_APP.appId, timestamp: 1 },
  })

  // README:mini-program:begin
  const { openid, session_key, unionid } = await wechat.jsCode2Session(code)
  const { phone_info } = await wechat.getUserPhoneNumber(e.detail.code) // code in the JSON body
  const image = await wechat.getQrCode({ scene: 'id=42', page: 'pages/item/item', width: 430 }) // Uint8Array
  const data = wechat.decryptData(session_key, encryptedData, iv) // checks watermark.appid
  const genuine = wechat.verifyRawData(rawData, signature, session_key) // constant time
  // README:mini-program:end

  expect([openid, session_key, unionid]).toEqual(['o_readme', key, 'u_readme'])
  expect(phone_info.purePhoneNumber).toBe('13800138000')
  expect([...image.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  expect(data).toMatchObject({ openId: 'o_readme' })
  expect(genuine).toBe(true)
})

test('the subscribe messages example sends twice and lists the templates', async () => {
  const emu = await emulator()
  const wechat = new (pointedAt(emu))(DEFAULT_APP)
  const openid = 'o_readme'
  await emu.control.registerTemplate({ templateId: 'TPL', keys: ['thing1', 'time2'] })
  await emu.control.subscribe({ openid, templateId: 'TPL', times: 2 })
  const title = 'Your parcel from the shop around the corner has been shipped'

  // README:subscribe:begin
  await wechat.sendMessage({
    touser: openid,
    template_id: 'TPL',
    data: { thing1: { value: 'Shipped' }, time2: { value: '15:01' } },
  })

  const shipped = { templateId: 'TPL', templateKeys: ['thing1', 'time2'], page: 'pages/order/order' }
  await wechat.sendMessageWithTemplate(shipped, [truncateString(title, 20), '15:01'], openid)

  // The account's private templates: [{ priTmplId: 'TPL', title, content: '{{thing1.DATA}}\n…', example, type }]
  const templates = await wechat.getSubscribeTemplates()
  // README:subscribe:end

  expect((await emu.control.messages()).map((m) => ('data' in m ? m.data.thing1?.value : undefined))).toEqual(
    ['Shipped', title.slice(0, 20)],
  )
  expect(templates).toMatchObject([
    { priTmplId: 'TPL', content: '{{thing1.DATA}}\n{{time2.DATA}}\n', type: 2 },
  ])
})

test('the web OAuth example redirects to consent and reads the user behind the code', async () => {
  const emu = await emulator({ oauth: { autoApprove: true } })
  const wechat = new (pointedAt(emu))(DEFAULT_APP)
  const state = 'csrf42'
  const redirects: string[] = []
  const res = { redirect: (url: string) => redirects.push(url) }
  const req = { query: { code: await emu.control.mintCode({ kind: 'oauth', openid: 'o_readme' }) } }

  // README:web-oauth:begin
  res.redirect(
    wechat.buildOauth2AuthorizeUrl({
      redirectUri: 'https://example.com/cb',
      scope: 'snsapi_userinfo',
      state,
    }),
  )
  // in /cb:
  const { access_token, openid, refresh_token } = await wechat.snsOauth2(req.query.code)
  const user = await wechat.snsUserInfo(access_token, openid, 'zh_CN')
  const renewed = await wechat.snsRefreshToken(refresh_token)
  const valid = await wechat.snsAuth(access_token, openid) // false for 40001/40003/40014/42001
  // README:web-oauth:end

  const consent = await fetch(redirects[0] ?? '', { redirect: 'manual' })
  const callback = new URL(consent.headers.get('location') ?? '')
  expect(`${callback.origin}${callback.pathname}`).toBe('https://example.com/cb')
  expect(callback.searchParams.get('state')).toBe(state)
  expect(callback.searchParams.get('code')).toMatch(/./)
  expect([openid, user.openid, renewed.openid, valid]).toEqual(['o_readme', 'o_readme', 'o_readme', true])
})

test('the request() example reads the card ticket and requestBuffer() a PNG', async () => {
  const emu = await emulator()
  const wechat = new (pointedAt(emu))(DEFAULT_APP)

  // README:other-endpoint:begin
  // The Card API ticket, which wxkit does not wrap:
  const { ticket: cardTicket } = await wechat.request<{ ticket: string; expires_in: number }>({
    method: 'GET',
    path: '/cgi-bin/ticket/getticket',
    query: { type: 'wx_card' },
  })
  // An endpoint that answers a file, or JSON on failure:
  const png = await wechat.requestBuffer({
    method: 'POST',
    path: '/wxa/getwxacodeunlimit',
    json: { scene: 'id=42', is_hyaline: true },
    idempotent: true, // it only reads, so transient failures may be retried
  })
  // README:other-endpoint:end

  expect((await emu.control.tickets()).map((t) => t.ticket)).toContain(cardTicket)
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
})

test('the hooks example counts responses, logs refreshes and retries, and pages on a quota error', async () => {
  const emu = await emulator()
  const Wechat = pointedAt(emu)
  const { appId, appSecret } = DEFAULT_APP
  const counted: [string, number][] = []
  const metrics = {
    count: (endpoint: string, status: number) => {
      counted.push([endpoint, status])
    },
  }
  const logged: unknown[] = []
  const log = {
    info: (...args: unknown[]) => logged.push(args),
    warn: (...args: unknown[]) => logged.push(args),
  }
  const paged: string[] = []
  const page = (what: string) => paged.push(what)

  // README:hooks:begin
  new Wechat({
    appId,
    appSecret,
    hooks: {
      beforeRequest: [({ request }) => request.headers.set('x-request-id', randomUUID())],
      afterResponse: [({ response, endpoint }) => metrics.count(endpoint, response.status)],
      onTokenRefresh: [
        ({ kind, reason, expiresIn }) => log.info({ kind, reason, expiresIn }, 'wechat refresh'),
      ],
      onRetry: [({ endpoint, retryCount, delayMs }) => log.warn({ endpoint, retryCount, delayMs })],
      onError: [
        ({ error }) => {
          if (isWechatError(error) && error.errcode === 45009) page('quota')
        },
      ],
    },
  })
  // README:hooks:end

  const [wechat] = made
  if (!wechat) throw new Error('the hooks example made no client')
  await emu.control.injectFault({ path: '/cgi-bin/stable_token', fault: { kind: 'http', status: 503 } })
  await wechat.getAccessToken()
  expect(counted).toEqual([
    ['/cgi-bin/stable_token', 503],
    ['/cgi-bin/stable_token', 200],
  ])
  expect(logged).toEqual([
    [{ endpoint: '/cgi-bin/stable_token', retryCount: 1, delayMs: expect.any(Number) }],
    [{ kind: 'access_token', reason: expect.any(String), expiresIn: 7200 }, 'wechat refresh'],
  ])
  await emu.control.injectFault({ path: '/cgi-bin/stable_token', fault: { kind: 'errcode', errcode: 45009 } })
  await expect(wechat.getAccessToken({ reload: true })).rejects.toMatchObject({ errcode: 45009 })
  expect(paged).toEqual(['quota'])
})
