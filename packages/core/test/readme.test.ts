import { createCipheriv, createHash } from 'node:crypto'
import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { isWechatError, truncateString, Wechat } from '../src/index.js'
import { calls, DEFAULT_APP, emulator } from './helpers.js'

// Each block below is a README snippet run against the emulator, in the README's order. When a snippet
// changes, change its copy here (and the other way round).

/** What a Mini Program would send: open data encrypted with the user's session_key (AES-128-CBC). */
function encryptForUser(sessionKey: string, data: object) {
  const iv = Buffer.alloc(16, 9)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}

describe('README examples', () => {
  test('the usage example and every method section work as written', async () => {
    // "Try it without WeChat against the local emulator"
    const emulatorServer = await emulator({ oauth: { autoApprove: true } })
    const wechat = new Wechat({
      ...DEFAULT_APP,
      baseURL: emulatorServer.apiBaseUrl,
      oauthBaseURL: emulatorServer.oauthBaseUrl,
    })
    const { control } = emulatorServer
    const codeFromWxLogin = await control.mintCode({ kind: 'login', openid: 'o_readme' })

    // Usage
    const config = await wechat.getJsSdkConfig('https://example.com/shop?id=42') // → wx.config({...config, jsApiList})
    const { openid, session_key } = await wechat.jsCode2Session(codeFromWxLogin)
    expect(config).toMatchObject({ appId: DEFAULT_APP.appId, nonceStr: expect.stringMatching(/^\w{16}$/) })
    expect(openid).toBe('o_readme')

    // Tokens
    const token = await wechat.getAccessToken() // { reload?, signal? }
    const ticket = await wechat.getJsTicket({ reload: true })
    expect(token).toBe((await control.tokens())[0]?.token)
    expect(ticket).toBe((await control.tickets()).at(-1)?.ticket)

    // JS-SDK
    const req = { body: { url: 'https://example.com/shop?id=42#top' } }
    const { appId, timestamp, nonceStr, signature } = await wechat.getJsSdkConfig(req.body.url)
    expect([appId, typeof timestamp, nonceStr.length, signature.length]).toEqual([
      DEFAULT_APP.appId,
      'number',
      16,
      40,
    ])

    // Mini Program
    const e = { detail: { code: await control.mintCode({ kind: 'phone', phoneNumber: '13800138000' }) } }
    const rawData = JSON.stringify({ nickName: 'Band' })
    const signed = createHash('sha1')
      .update(rawData + session_key)
      .digest('hex')
    const { encryptedData, iv } = encryptForUser(session_key, {
      openId: openid,
      watermark: { appid: DEFAULT_APP.appId, timestamp: 1 },
    })
    {
      const { openid, session_key, unionid } = await wechat.jsCode2Session(
        await control.mintCode({ kind: 'login', openid: 'o_readme', unionid: 'u_readme' }),
      )
      expect([openid, typeof session_key, unionid]).toEqual(['o_readme', 'string', 'u_readme'])
    }
    const { phone_info } = await wechat.getUserPhoneNumber(e.detail.code) // code in the JSON body
    const image = await wechat.getQrCode({ scene: 'id=42', page: 'pages/item/item', width: 430 }) // Uint8Array
    const data = wechat.decryptData(session_key, encryptedData, iv) // checks watermark.appid
    const genuine = wechat.verifyRawData(rawData, signed, session_key) // constant time
    expect(phone_info.purePhoneNumber).toBe('13800138000')
    expect(image).toBeInstanceOf(Uint8Array)
    expect(data).toMatchObject({ openId: openid })
    expect(genuine).toBe(true)

    // Subscribe messages
    await control.registerTemplate({ templateId: 'TPL', keys: ['thing1', 'time2'] })
    await control.subscribe({ openid, templateId: 'TPL' })
    await control.subscribe({ openid, templateId: 'TPL' })
    const title = 'Your parcel from the shop around the corner has been shipped'
    await wechat.sendMessage({
      touser: openid,
      template_id: 'TPL',
      data: { thing1: { value: 'Shipped' }, time2: { value: '15:01' } },
    })
    const shipped = { templateId: 'TPL', templateKeys: ['thing1', 'time2'], page: 'pages/order/order' }
    await wechat.sendMessageWithTemplate(shipped, [truncateString(title, 20), '15:01'], openid)
    expect((await control.messages()).map((m) => ('data' in m ? m.data.thing1?.value : undefined))).toEqual([
      'Shipped',
      title.slice(0, 20),
    ])

    // The account's private templates: [{ priTmplId: 'TPL', title, content: '{{thing1.DATA}}\n…', example, type }]
    const templates = await wechat.getSubscribeTemplates()
    expect(templates).toMatchObject([
      { priTmplId: 'TPL', content: '{{thing1.DATA}}\n{{time2.DATA}}\n', type: 2 },
    ])

    // Web OAuth
    const state = 'csrf42'
    const res = { redirect: (url: string) => url }
    const authorize = res.redirect(
      wechat.buildOauth2AuthorizeUrl({
        redirectUri: 'https://example.com/cb',
        scope: 'snsapi_userinfo',
        state,
      }),
    )
    const consent = await fetch(authorize, { redirect: 'manual' })
    const callback = new URL(consent.headers.get('location') ?? 'https://example.com/cb')
    const query = { code: callback.searchParams.get('code') ?? '' }
    expect(callback.searchParams.get('state')).toBe(state)
    {
      // in /cb:
      const { access_token, openid, refresh_token } = await wechat.snsOauth2(query.code)
      const user = await wechat.snsUserInfo(access_token, openid, 'zh_CN')
      const renewed = await wechat.snsRefreshToken(refresh_token)
      const valid = await wechat.snsAuth(access_token, openid) // false for 40001/40003/40014/42001
      expect([user.openid, renewed.openid, valid]).toEqual([openid, openid, true])
    }

    // Any other endpoint
    const { ticket: cardTicket } = await wechat.request<{ ticket: string; expires_in: number }>({
      method: 'GET',
      path: '/cgi-bin/ticket/getticket',
      query: { type: 'wx_card' },
    })
    const png = await wechat.requestBuffer({
      method: 'POST',
      path: '/wxa/getwxacodeunlimit',
      json: { scene: 'id=42', is_hyaline: true },
      idempotent: true, // it only reads, so transient failures may be retried
    })
    expect(cardTicket).not.toBe(ticket)
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(await calls(emulatorServer, '/cgi-bin/stable_token')).toBe(1)
  })

  test('the Redis setup shares one token between instances', async () => {
    const emu = await emulator()
    const namespace = `wxkit-readme-${process.pid}-${Date.now()}`
    const adapters: KeyvRedis<unknown>[] = []
    const make = () => {
      const adapter = new KeyvRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
      adapters.push(adapter)
      const cache = new Keyv(adapter, { namespace })
      return new Wechat({ ...DEFAULT_APP, cache, baseURL: emu.apiBaseUrl })
    }
    try {
      const [a, b] = [make(), make()]
      expect(await a.getAccessToken()).toBe(await b.getAccessToken())
      expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
    } finally {
      await adapters[0]?.clear().catch(() => {})
      await Promise.all(adapters.map((adapter) => adapter.disconnect().catch(() => {})))
    }
  })

  test("the hooks example's onError sees a quota error", async () => {
    const emu = await emulator()
    const paged: string[] = []
    const page = (what: string) => paged.push(what)
    const wechat = new Wechat({
      ...DEFAULT_APP,
      baseURL: emu.apiBaseUrl,
      hooks: {
        onError: [
          ({ error }) => {
            if (isWechatError(error) && error.errcode === 45009) page('quota')
          },
        ],
      },
    })
    await emu.control.injectFault({
      path: '/cgi-bin/stable_token',
      fault: { kind: 'errcode', errcode: 45009 },
    })
    await expect(wechat.getAccessToken()).rejects.toMatchObject({ errcode: 45009 })
    expect(paged).toEqual(['quota'])
  })
})
