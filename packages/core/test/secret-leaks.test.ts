import { inspect } from 'node:util'
import type { RunningEmulator } from '@wxkit/emulator'
import { Server as ProxyServer } from 'proxy-chain'
import { describe, expect, test } from 'vitest'
import {
  decryptOpenData,
  sessionKeySignature,
  type UploadShippingInfoRequest,
  type Wechat,
  type WechatConfig,
} from '../src/index.js'
import { client, closedPort, DEFAULT_APP, emulator, expectNoSecrets, rejection } from './helpers.js'

interface Scenario {
  emu: RunningEmulator
  wechat: Wechat
  /** Values that must never show up; scenarios add the codes/tokens they use. */
  secrets: string[]
  make(config?: Partial<WechatConfig>): Wechat
}

/** Everything hooks and the logger saw during a scenario. */
function observer() {
  const seen: unknown[] = []
  const config: Partial<WechatConfig> = {
    logger: { warn: (message, details) => seen.push(message, details) },
    hooks: {
      beforeRequest: [({ request, endpoint }) => void seen.push(request.url, [...request.headers], endpoint)],
      afterResponse: [
        ({ request, response }) => void seen.push(request.url, response.status, [...response.headers]),
      ],
      onRetry: [(event) => void seen.push(event, inspect(event, { depth: 10 }))],
      onError: [(event) => void seen.push(event, inspect(event, { depth: 10 }))],
      onTokenRefresh: [(event) => void seen.push(event)],
    },
  }
  return { seen, config }
}

/** A payment the emulator's shipping endpoints know, paid by `o_ship`. */
function shippingPayment(s: Scenario) {
  return s.emu.control.createPayment({
    mchid: '1900000109',
    out_trade_no: 'LEAK-1',
    openid: 'o_ship',
    amount: 1,
  })
}

/** A valid shipping upload for `transaction_id`. */
function shippingUpload(transaction_id: string): UploadShippingInfoRequest {
  return {
    order_key: { order_number_type: 2, transaction_id },
    logistics_type: 3,
    delivery_mode: 1,
    shipping_list: [{ item_desc: 'E-book' }],
    upload_time: new Date(),
    payer: { openid: 'o_ship' },
  }
}

const scenarios: Record<string, (s: Scenario) => Promise<unknown>> = {
  'wrong AppSecret on stable_token': async (s) => {
    s.secrets.push('wrong-secret-abcdef123')
    return s.make({ appSecret: 'wrong-secret-abcdef123' }).getAccessToken()
  },
  'wrong AppSecret on classic /cgi-bin/token (secret in the URL)': async (s) => {
    s.secrets.push('wrong-secret-abcdef456')
    return s.make({ appSecret: 'wrong-secret-abcdef456', tokenMode: 'classic' }).getAccessToken()
  },
  'quota error on the token endpoint': async (s) => {
    await s.emu.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'errcode', errcode: 45009 } })
    return s.make({ tokenMode: 'classic' }).getAccessToken()
  },
  'HTTP 500 on the ticket endpoint until retries run out (token in the URL)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.injectFault({
      path: '/cgi-bin/ticket/getticket',
      times: 5,
      fault: { kind: 'http', status: 500 },
    })
    return s.wechat.getJsTicket()
  },
  'connection resets on jscode2session (secret and code in the URL)': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    await s.emu.control.injectFault({ path: '/sns/jscode2session', times: 5, fault: { kind: 'reset' } })
    return s.wechat.jsCode2Session(code)
  },
  'timeouts on jscode2session': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    await s.emu.control.injectFault({
      path: '/sns/jscode2session',
      times: 5,
      fault: { kind: 'delay', ms: 300 },
    })
    return s.make({ timeout: 50 }).jsCode2Session(code)
  },
  'malformed JSON on jscode2session': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    await s.emu.control.injectFault({ path: '/sns/jscode2session', fault: { kind: 'malformed-json' } })
    return s.wechat.jsCode2Session(code)
  },
  'an invalid login code': async (s) => {
    s.secrets.push('invalid-login-code-xyz')
    return s.wechat.jsCode2Session('invalid-login-code-xyz')
  },
  'a reused login code': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    const { session_key } = await s.wechat.jsCode2Session(code)
    s.secrets.push(session_key)
    return s.wechat.jsCode2Session(code)
  },
  'an invalid phone code': async (s) => {
    s.secrets.push('invalid-phone-code-xyz', await s.wechat.getAccessToken())
    return s.wechat.getUserPhoneNumber('invalid-phone-code-xyz')
  },
  'a revoked token with retryable: false': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.revokeTokens()
    const code = await s.emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })
    s.secrets.push(code)
    return s.wechat.getUserPhoneNumber(code, { retryable: false })
  },
  'a QR code error answered as JSON': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.injectFault({
      path: '/wxa/getwxacodeunlimit',
      fault: { kind: 'errcode', errcode: 45009 },
    })
    return s.wechat.getQrCode({ scene: 'a' })
  },
  'a template message to a non-follower (43004)': async (s) => {
    await s.emu.control.registerOaTemplate({ templateId: 'TPL_OA' })
    const { openid } = await s.emu.control.follow()
    await s.emu.control.unfollow(openid)
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL_OA', data: {} })
  },
  'a menu name made of a secret': async (s) =>
    s.wechat.createMenu({ button: [{ type: 'click', name: DEFAULT_APP.appSecret, key: 'K' }] }),
  'a parameter code scene made of a secret': async (s) =>
    s.wechat.createQrCodeTicket({
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: DEFAULT_APP.appSecret.repeat(3) } },
    }),
  'an unknown openid in a batch': async (s) => s.wechat.batchGetUserInfo(['o_never_seen_by_the_account']),
  'a subscribe message refused': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.sendMessage({ touser: 'o_nobody', template_id: 'TPL_NONE', data: {} })
  },
  'a subscribe value made of a secret, refused before sending': async (s) =>
    s.wechat.sendMessage({
      touser: 'o_nobody',
      template_id: 'TPL_NONE',
      data: { thing1: { value: DEFAULT_APP.appSecret } },
    }),
  'a subscribe value made of a secret, sent unchecked (47003)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    const data = { thing1: { value: DEFAULT_APP.appSecret } }
    return s.wechat.sendMessage({ touser: 'o_nobody', template_id: 'TPL_NONE', data }, { validate: false })
  },
  'a stale session_key on checksession (a user who never logged in, 40003)': async (s) => {
    const { session_key } = await s.wechat.jsCode2Session(
      await s.emu.control.mintCode({ kind: 'login', openid: 'o1' }),
    )
    s.secrets.push(session_key, sessionKeySignature(session_key))
    return s.wechat.checkSessionKey({ openid: 'o_never_logged_in', sessionKey: session_key })
  },
  'a stale session_key on resetusersessionkey (87009), and the new key': async (s) => {
    const { session_key } = await s.wechat.jsCode2Session(
      await s.emu.control.mintCode({ kind: 'login', openid: 'o1' }),
    )
    const fresh = await s.wechat.resetUserSessionKey({ openid: 'o1', sessionKey: session_key })
    s.secrets.push(session_key, sessionKeySignature(session_key), fresh.session_key)
    return s.wechat.resetUserSessionKey({ openid: 'o1', sessionKey: session_key })
  },
  'resetusersessionkey through an unreachable proxy (signature in the URL)': async (s) => {
    const sessionKey = 'c2Vzc2lvbi1rZXktbm90LXJlYWw='
    s.secrets.push(sessionKey, sessionKeySignature(sessionKey))
    return s
      .make({ proxy: `http://127.0.0.1:${await closedPort()}` })
      .resetUserSessionKey({ openid: 'o1', sessionKey })
  },
  'a session key made of a secret, too long': async (s) =>
    s.wechat.checkSessionKey({ openid: 'o1', sessionKey: DEFAULT_APP.appSecret.repeat(10) }),
  'a customer service message outside the 48-hour window (45015)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.mintCode({ kind: 'login', openid: 'o_quiet' })
    return s.wechat.sendCustomerMessage({ touser: 'o_quiet', msgtype: 'text', text: { content: 'hi' } })
  },
  'a customer service text made of a secret, to an unknown user (40003)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.sendCustomerMessage({
      touser: 'o_nobody',
      msgtype: 'text',
      text: { content: DEFAULT_APP.appSecret },
    })
  },
  'a link card whose url carries a secret': async (s) =>
    s.wechat.sendCustomerMessage({
      touser: 'o1',
      msgtype: 'link',
      link: {
        title: 't',
        description: 'd',
        url: `ftp://${DEFAULT_APP.appSecret}`,
        thumb_url: 'https://x.test/t',
      },
    }),
  'a used OAuth code': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o1' })
    s.secrets.push(code)
    const token = await s.wechat.snsOauth2(code)
    s.secrets.push(token.access_token, token.refresh_token)
    return s.wechat.snsOauth2(code)
  },
  'an unknown refresh_token': async (s) => {
    s.secrets.push('refresh-token-not-known')
    return s.wechat.snsRefreshToken('refresh-token-not-known')
  },
  'userinfo with a base-scope user token': async (s) => {
    const token = await s.wechat.snsOauth2(
      await s.emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o1' }),
    )
    s.secrets.push(token.access_token, token.refresh_token)
    return s.wechat.snsUserInfo(token.access_token, token.openid)
  },
  'a URL Link query for a link that does not exist (85403)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.queryUrlLink('https://wxaurl.cn/not-a-link')
  },
  'a URL Link expiry in milliseconds': async (s) =>
    s.wechat.generateUrlLink({ query: `k=${DEFAULT_APP.appSecret}`, expire_time: Date.now() }),
  'a scheme query made of a secret': async (s) =>
    s.wechat.generateScheme({ jump_wxa: { query: `${DEFAULT_APP.appSecret} ` } }),
  'a permanent short link refused with a quota error': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.injectFault({
      path: '/wxa/genwxashortlink',
      fault: { kind: 'errcode', errcode: 45009 },
    })
    return s.wechat.generateShortLink({ page_url: 'pages/a/a', is_permanent: true })
  },
  'a limited code refused with a JSON errcode': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.injectFault({ path: '/wxa/getwxacode', fault: { kind: 'errcode', errcode: 45009 } })
    return s.wechat.getWxaCode({ path: `pages/a/a?k=${DEFAULT_APP.appSecret}` })
  },
  'a limited QR code path made of a secret, too long': async (s) =>
    s.wechat.createWxaQrCode({ path: DEFAULT_APP.appSecret.repeat(5) }),
  'a content check for a user who never logged in (40003)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.msgSecCheck({ openid: 'o_never_logged_in', scene: 2, content: DEFAULT_APP.appSecret })
  },
  'a content check after a login whose session_key must not leak': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o_leak_check' })
    const { session_key } = await s.wechat.jsCode2Session(code)
    s.secrets.push(code, session_key)
    await s.emu.control.injectFault({
      path: '/wxa/msg_sec_check',
      fault: { kind: 'errcode', errcode: 45009 },
    })
    return s.wechat.msgSecCheck({ openid: 'o_leak_check', scene: 2, content: 'x' })
  },
  'a media check URL carrying a secret, refused before sending': async (s) =>
    s.wechat.mediaCheckAsync({
      media_url: `ftp://cdn.example.com/a.png?secret=${DEFAULT_APP.appSecret}`,
      media_type: 2,
      scene: 1,
      openid: 'o1',
    }),
  'a shipping upload for a payment WeChat does not know (10060001)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.uploadShippingInfo(shippingUpload('4200000000000000000000000000'))
  },
  'a shipping upload past its one update (10060003)': async (s) => {
    const { transaction_id } = await shippingPayment(s)
    await s.wechat.uploadShippingInfo(shippingUpload(transaction_id))
    await s.wechat.uploadShippingInfo(shippingUpload(transaction_id))
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.uploadShippingInfo(shippingUpload(transaction_id))
  },
  'a receipt reminder before shipping (10060004)': async (s) => {
    const { transaction_id } = await shippingPayment(s)
    s.secrets.push(await s.wechat.getAccessToken())
    return s.wechat.notifyConfirmReceive({ transaction_id, received_time: 1735691400 })
  },
  'a shipping upload_time made of a secret': async (s) =>
    s.wechat.uploadShippingInfo({ ...shippingUpload('t'), upload_time: DEFAULT_APP.appSecret }),
  'an unmasked contact carrying a secret': async (s) =>
    s.wechat.uploadShippingInfo({
      ...shippingUpload('t'),
      shipping_list: [
        {
          item_desc: 'x',
          tracking_no: 'T',
          express_company: 'SF',
          contact: { receiver_contact: `${DEFAULT_APP.appSecret}13800138000` },
        },
      ],
    }),
  'a shipping query by a transaction_id made of a secret, too long': async (s) =>
    s.wechat.getShippingOrder({ transaction_id: DEFAULT_APP.appSecret.repeat(2) }),
  'a temporary media file name made of a secret, refused before sending': async (s) =>
    s.wechat.uploadTempMedia({
      type: 'image',
      data: new Uint8Array([1]),
      filename: `${DEFAULT_APP.appSecret}.exe`,
    }),
  'a temporary media content type made of a secret, refused before sending': async (s) =>
    s.wechat.uploadTempMedia({
      type: 'image',
      data: new Uint8Array([1]),
      filename: 'a.png',
      contentType: `image/${DEFAULT_APP.appSecret}\n`,
    }),
  'a temporary media upload refused with a quota error (multipart, token in the URL)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.injectFault({
      path: '/cgi-bin/media/upload',
      fault: { kind: 'errcode', errcode: 45009 },
    })
    return s.wechat.uploadTempMedia({ type: 'image', data: new Uint8Array([1]), filename: 'a.png' })
  },
  'an expired temporary media id (40007)': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    const { media_id } = await s.wechat.uploadTempMedia({
      type: 'thumb',
      data: new Uint8Array([1]),
      filename: 'a.jpg',
    })
    await s.emu.control.advanceClock(3 * 24 * 3600_000 + 60_000)
    return s.wechat.getTempMedia(media_id)
  },
  'connection refused': async (s) => {
    s.secrets.push('login-code-for-refused')
    return s
      .make({ baseURL: `http://127.0.0.1:${await closedPort()}` })
      .jsCode2Session('login-code-for-refused')
  },
  'an unreachable proxy': async (s) => {
    s.secrets.push('login-code-for-proxy')
    return s.make({ proxy: `http://127.0.0.1:${await closedPort()}` }).jsCode2Session('login-code-for-proxy')
  },
  'a proxy that refuses the request': async (s) => {
    const proxy = new ProxyServer({
      port: 0,
      host: '127.0.0.1',
      prepareRequestFunction: () => ({ requestAuthentication: true }),
    })
    await proxy.listen()
    try {
      s.secrets.push('login-code-for-auth-proxy')
      return await s
        .make({ proxy: `http://127.0.0.1:${proxy.port}` })
        .jsCode2Session('login-code-for-auth-proxy')
    } finally {
      await proxy.close(true)
    }
  },
  'an unreachable proxy on /cgi-bin/token (secret in the URL)': async (s) =>
    s.make({ tokenMode: 'classic', proxy: `http://127.0.0.1:${await closedPort()}` }).getAccessToken(),
  'an unreachable proxy on oauth2/access_token (secret and code in the URL)': async (s) => {
    s.secrets.push('oauth-code-for-proxy')
    return s.make({ proxy: `http://127.0.0.1:${await closedPort()}` }).snsOauth2('oauth-code-for-proxy')
  },
  "decryptData with another user's session_key": async (s) => {
    const { session_key } = await s.wechat.jsCode2Session(
      await s.emu.control.mintCode({ kind: 'login', openid: 'o1' }),
    )
    const encryptedData = Buffer.alloc(64, 7).toString('base64')
    const iv = Buffer.alloc(16, 3).toString('base64')
    s.secrets.push(session_key, encryptedData)
    return Promise.resolve().then(() => s.wechat.decryptData(session_key, encryptedData, iv))
  },
  'a too-long code made of a secret': async (s) => s.wechat.jsCode2Session(DEFAULT_APP.appSecret.repeat(40)),
  'an invalid QR scene made of a secret': async (s) =>
    s.wechat.getQrCode({ scene: `${DEFAULT_APP.appSecret}%` }),
  'an invalid page URL made of a secret': async (s) =>
    s.wechat.getJsSdkConfig(`ftp://${DEFAULT_APP.appSecret}`),
  'a decryption failure': async (s) => {
    s.secrets.push('AAAAAAAAAAAAAAAAAAAAAA==', 'BBBBBBBBBBBBBBBBBBBBBB==')
    return Promise.resolve().then(() =>
      decryptOpenData(
        DEFAULT_APP.appId,
        'AAAAAAAAAAAAAAAAAAAAAA==',
        'Q0NDQ0NDQ0NDQ0NDQ0NDQw==',
        'BBBBBBBBBBBBBBBBBBBBBB==',
      ),
    )
  },
  'request() of jscode2session with the secret and a used code in its own query': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    const { appId: appid, appSecret: secret } = DEFAULT_APP
    const query = { appid, secret, js_code: code, grant_type: 'authorization_code' }
    const login = { method: 'GET', path: '/sns/jscode2session', query, accessToken: false } as const
    s.secrets.push(((await s.wechat.request(login)) as { session_key: string }).session_key)
    return s.wechat.request(login)
  },
  'request() with a phone code in the body on a revoked token, retryable: false': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    await s.emu.control.revokeTokens()
    s.secrets.push('phone-code-in-a-body')
    return s.wechat.request({
      method: 'POST',
      path: '/wxa/business/getuserphonenumber',
      json: { code: 'phone-code-in-a-body' },
      retryable: false,
    })
  },
  'requestBuffer() with the token through an unreachable proxy': async (s) => {
    s.secrets.push(await s.wechat.getAccessToken())
    return s
      .make({ proxy: `http://127.0.0.1:${await closedPort()}`, retry: { limit: 0 } })
      .requestBuffer({ method: 'POST', path: '/wxa/getwxacodeunlimit', json: { scene: 'a' } })
  },
  'an abort mid-request': async (s) => {
    const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o1' })
    s.secrets.push(code)
    await s.emu.control.injectFault({ path: '/sns/jscode2session', fault: { kind: 'delay', ms: 5000 } })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    return s.wechat.jsCode2Session(code, { signal: controller.signal })
  },
}

describe('no secret reaches an error, a hook or a log', () => {
  test.each(Object.keys(scenarios))('%s', async (name) => {
    const emu = await emulator()
    await emu.control.registerTemplate({ templateId: 'TPL_NONE', keys: ['thing1'] })
    const { seen, config } = observer()
    const make = (extra: Partial<WechatConfig> = {}) => client(emu, { ...config, ...extra })
    const scenario: Scenario = { emu, wechat: make(), secrets: [DEFAULT_APP.appSecret], make }
    const run = scenarios[name] as (s: Scenario) => Promise<unknown>
    const error = await rejection(run(scenario))
    for (const { token } of await emu.control.tokens()) scenario.secrets.push(token)
    expectNoSecrets(error, scenario.secrets)
    const observed = inspect(seen, { depth: 10 }) + JSON.stringify(seen)
    for (const secret of scenario.secrets)
      expect(observed.includes(secret), `hook saw ${secret.slice(0, 6)}…`).toBe(false)
  })
})

type Fault =
  | { kind: 'reset' }
  | { kind: 'http'; status: 502 }
  | { kind: 'malformed-json' }
  | { kind: 'delay'; ms: number }

const FAULTS: Record<string, Fault> = {
  'a reset connection': { kind: 'reset' },
  'an HTTP 502 HTML page': { kind: 'http', status: 502 },
  'a malformed JSON body': { kind: 'malformed-json' },
  'a timeout': { kind: 'delay', ms: 1500 },
}

interface Family {
  path: string
  /** Prepares (unfaulted calls that mint codes and tokens) and returns the call to fail. */
  prepare(s: Scenario, wechat: Wechat): Promise<() => Promise<unknown>>
}

/** User-level OAuth tokens to use against the /sns/* endpoints, recorded as secrets. */
async function userToken(s: Scenario) {
  const code = await s.emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_userinfo', openid: 'o_leak' })
  // Set-up, not the call under test: with the scenario's 50 ms timeout a slow machine could time out an
  // exchange WeChat already performed, and the retry would meet the used code (40163).
  const token = await s.make({ timeout: 10_000 }).snsOauth2(code)
  s.secrets.push(code, token.access_token, token.refresh_token)
  return token
}

/** One call per endpoint family; each family's secrets travel differently (URL, body, both). */
const FAMILIES: Record<string, Family> = {
  'stable_token (secret in the body)': {
    path: '/cgi-bin/stable_token',
    prepare: async (_s, wechat) => () => wechat.getAccessToken(),
  },
  '/cgi-bin/token (secret in the URL)': {
    path: '/cgi-bin/token',
    prepare: async (s) => {
      const classic = s.make({ tokenMode: 'classic', timeout: 50 })
      return () => classic.getAccessToken()
    },
  },
  'getticket (token in the URL)': {
    path: '/cgi-bin/ticket/getticket',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.getJsSdkConfig('https://example.com/')
    },
  },
  'jscode2session (secret and code in the URL)': {
    path: '/sns/jscode2session',
    prepare: async (s, wechat) => {
      const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o_leak' })
      s.secrets.push(code)
      return () => wechat.jsCode2Session(code)
    },
  },
  'getuserphonenumber (token in the URL, code in the body)': {
    path: '/wxa/business/getuserphonenumber',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      const code = await s.emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
      s.secrets.push(code)
      return () => wechat.getUserPhoneNumber(code)
    },
  },
  'getwxacodeunlimit (token in the URL)': {
    path: '/wxa/getwxacodeunlimit',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.getQrCode({ scene: 'id=1' })
    },
  },
  'subscribe/send (token in the URL)': {
    path: '/cgi-bin/message/subscribe/send',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () =>
        wechat.sendMessageWithTemplate({ templateId: 'TPL_NONE', templateKeys: ['thing1'] }, ['x'], 'o_leak')
    },
  },
  'oauth2/access_token (secret and code in the URL)': {
    path: '/sns/oauth2/access_token',
    prepare: async (s, wechat) => {
      const code = await s.emu.control.mintCode({ kind: 'oauth', scope: 'snsapi_base', openid: 'o_leak' })
      s.secrets.push(code)
      return () => wechat.snsOauth2(code)
    },
  },
  'oauth2/refresh_token (refresh_token in the URL)': {
    path: '/sns/oauth2/refresh_token',
    prepare: async (s, wechat) => {
      const token = await userToken(s)
      return () => wechat.snsRefreshToken(token.refresh_token)
    },
  },
  'sns/userinfo (user token in the URL)': {
    path: '/sns/userinfo',
    prepare: async (s, wechat) => {
      const token = await userToken(s)
      return () => wechat.snsUserInfo(token.access_token, token.openid)
    },
  },
  'template/send (token in the URL, not retried)': {
    path: '/cgi-bin/message/template/send',
    prepare: async (s, wechat) => {
      await s.emu.control.registerOaTemplate({ templateId: 'TPL_OA' })
      const { openid } = await s.emu.control.follow()
      return () => wechat.sendTemplateMessage({ touser: openid, template_id: 'TPL_OA', data: {} })
    },
  },
  'qrcode/create (token in the URL)': {
    path: '/cgi-bin/qrcode/create',
    prepare: async (_s, wechat) => () =>
      wechat.createQrCodeTicket({ action_name: 'QR_SCENE', action_info: { scene: { scene_id: 7 } } }),
  },
  'user/info (token in the URL)': {
    path: '/cgi-bin/user/info',
    prepare: async (s, wechat) => {
      const { openid } = await s.emu.control.follow()
      return () => wechat.getUserInfo(openid)
    },
  },
  'user/info/batchget (token in the URL, openids in the body)': {
    path: '/cgi-bin/user/info/batchget',
    prepare: async (s, wechat) => {
      const { openid } = await s.emu.control.follow()
      return () => wechat.batchGetUserInfo([openid])
    },
  },
  'user/get through followers() (token in the URL)': {
    path: '/cgi-bin/user/get',
    prepare: async (s, wechat) => {
      await s.emu.control.follow()
      return async () => {
        for await (const _ of wechat.followers()) void _
      }
    },
  },
  'menu/create (token in the URL)': {
    path: '/cgi-bin/menu/create',
    prepare: async (_s, wechat) => () =>
      wechat.createMenu({ button: [{ type: 'click', name: 'Hi', key: 'HI' }] }),
  },
  'generate_urllink (token in the URL)': {
    path: '/wxa/generate_urllink',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.generateUrlLink({ path: 'pages/index/index', query: 'id=1' })
    },
  },
  'genwxashortlink, permanent (token in the URL, not retried)': {
    path: '/wxa/genwxashortlink',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.generateShortLink({ page_url: 'pages/a/a', is_permanent: true })
    },
  },
  'getwxacode (token in the URL, bytes, not retried)': {
    path: '/wxa/getwxacode',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.getWxaCode({ path: 'pages/a/a?id=1' })
    },
  },
  'createwxaqrcode (token in the URL, bytes, not retried)': {
    path: '/cgi-bin/wxaapp/createwxaqrcode',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.createWxaQrCode({ path: 'pages/a/a?id=1' })
    },
  },
  'msg_sec_check (token in the URL)': {
    path: '/wxa/msg_sec_check',
    prepare: async (s, wechat) => {
      const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o_leak' })
      s.secrets.push(code, (await s.make({ timeout: 10_000 }).jsCode2Session(code)).session_key)
      return () => wechat.msgSecCheck({ openid: 'o_leak', scene: 2, content: 'hello' })
    },
  },
  'media_check_async (token in the URL, not retried)': {
    path: '/wxa/media_check_async',
    prepare: async (s, wechat) => {
      const code = await s.emu.control.mintCode({ kind: 'login', openid: 'o_leak' })
      s.secrets.push(code, (await s.make({ timeout: 10_000 }).jsCode2Session(code)).session_key)
      return () =>
        wechat.mediaCheckAsync({
          media_url: 'https://cdn.example.com/a.png',
          media_type: 2,
          scene: 1,
          openid: 'o_leak',
        })
    },
  },
  'upload_shipping_info (token in the URL, not retried)': {
    path: '/wxa/sec/order/upload_shipping_info',
    prepare: async (s, wechat) => {
      const { transaction_id } = await shippingPayment(s)
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.uploadShippingInfo(shippingUpload(transaction_id))
    },
  },
  'upload_combined_shipping_info (token in the URL, not retried)': {
    path: '/wxa/sec/order/upload_combined_shipping_info',
    prepare: async (s, wechat) => {
      const { transaction_id } = await shippingPayment(s)
      s.secrets.push(await wechat.getAccessToken())
      const { order_key, upload_time, payer, ...delivery } = shippingUpload(transaction_id)
      return () =>
        wechat.uploadCombinedShippingInfo({
          order_key,
          sub_orders: [{ order_key, ...delivery }],
          upload_time,
          payer,
        })
    },
  },
  'notify_confirm_receive (token in the URL, not retried)': {
    path: '/wxa/sec/order/notify_confirm_receive',
    prepare: async (s, wechat) => {
      const { transaction_id } = await shippingPayment(s)
      await wechat.uploadShippingInfo(shippingUpload(transaction_id))
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.notifyConfirmReceive({ transaction_id, received_time: new Date() })
    },
  },
  'get_order (token in the URL)': {
    path: '/wxa/sec/order/get_order',
    prepare: async (s, wechat) => {
      const { transaction_id } = await shippingPayment(s)
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.getShippingOrder({ transaction_id })
    },
  },
  'media/upload (token in the URL, multipart, not retried)': {
    path: '/cgi-bin/media/upload',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      return () => wechat.uploadTempMedia({ type: 'image', data: new Uint8Array([1, 2]), filename: 'a.png' })
    },
  },
  'media/get (token in the URL, bytes)': {
    path: '/cgi-bin/media/get',
    prepare: async (s, wechat) => {
      s.secrets.push(await wechat.getAccessToken())
      const { media_id } = await s
        .make({ timeout: 10_000 })
        .uploadTempMedia({ type: 'image', data: new Uint8Array([1, 2]), filename: 'a.png' })
      return () => wechat.getTempMedia(media_id)
    },
  },
  'sns/auth (user token in the URL)': {
    path: '/sns/auth',
    prepare: async (s, wechat) => {
      const token = await userToken(s)
      return () => wechat.snsAuth(token.access_token, token.openid)
    },
  },
}

const MATRIX = Object.keys(FAMILIES).flatMap((family) => Object.keys(FAULTS).map((fault) => [family, fault]))

describe('no secret leaks from any endpoint family, whatever the transport failure', () => {
  test.each(MATRIX)('%s, %s', async (familyName, faultName) => {
    const family = FAMILIES[familyName] as Family
    const fault = FAULTS[faultName] as Fault
    const emu = await emulator()
    await emu.control.registerTemplate({ templateId: 'TPL_NONE', keys: ['thing1'] })
    const { seen, config } = observer()
    const make = (extra: Partial<WechatConfig> = {}) => client(emu, { ...config, timeout: 300, ...extra })
    const wechat = make()
    const scenario: Scenario = { emu, wechat, secrets: [DEFAULT_APP.appSecret], make }
    const call = await family.prepare(scenario, wechat)
    await emu.control.injectFault({ path: family.path, times: 5, fault })
    const error = await rejection(call())
    expect(error).toMatchObject({ endpoint: family.path })
    for (const { token } of await emu.control.tokens()) scenario.secrets.push(token)
    for (const { ticket } of await emu.control.tickets()) scenario.secrets.push(ticket)
    expectNoSecrets(error, scenario.secrets)
    const observed = inspect(seen, { depth: 10 }) + JSON.stringify(seen)
    for (const secret of scenario.secrets)
      expect(observed.includes(secret), `hook saw ${secret.slice(0, 6)}…`).toBe(false)
  })
})

describe('the leak check itself', () => {
  test('catches a secret hidden in a cause chain or an own property', () => {
    const nested = new Error('outer', { cause: new Error(`inner ${DEFAULT_APP.appSecret}`) })
    expect(() => expectNoSecrets(nested, [DEFAULT_APP.appSecret])).toThrow()
    const prop = Object.assign(new Error('plain'), { url: `https://x/?secret=${DEFAULT_APP.appSecret}` })
    expect(() => expectNoSecrets(prop, [DEFAULT_APP.appSecret])).toThrow()
  })
})
