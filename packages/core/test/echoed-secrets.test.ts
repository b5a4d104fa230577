import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { isWechatError, Wechat } from '../src/index.js'
import { DEFAULT_APP, expectNoSecrets, rejection } from './helpers.js'

const TOKEN = 'ECHOED_access_token_0123456789abcdefghijklmnopqrstuvwxyz'
const servers: Server[] = []
const clients: Wechat[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

interface Options {
  failTokens?: boolean
  classic?: boolean
}

/**
 * A WeChat stand-in that answers every call with an error whose errmsg repeats every query and JSON body
 * value it was sent, as a debug gateway (or WeChat itself, for some invalid parameters) does. Token
 * endpoints answer normally unless `failTokens`.
 */
async function echoingWechat({ failTokens = false, classic = false }: Options = {}): Promise<Wechat> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    let body = ''
    for await (const chunk of req) body += chunk
    const values = [...url.searchParams.values()]
    try {
      values.push(...Object.values(JSON.parse(body) as Record<string, unknown>).map(String))
    } catch {
      // Not a JSON body.
    }
    res.setHeader('content-type', 'application/json')
    const token = url.pathname === '/cgi-bin/stable_token' || url.pathname === '/cgi-bin/token'
    if (token && !failTokens) {
      res.end(JSON.stringify({ access_token: TOKEN, expires_in: 7200 }))
      return
    }
    res.end(JSON.stringify({ errcode: 40097, errmsg: `invalid args [${values.join('|')}] rid: 1-2-3` }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const wechat = new Wechat({
    ...DEFAULT_APP,
    baseURL: base,
    oauthBaseURL: base,
    retry: { limit: 0 },
    ...(classic ? { tokenMode: 'classic' as const } : {}),
  })
  clients.push(wechat)
  return wechat
}

const CODE = 'one-time-code-0123456789'
const USER_TOKEN = 'user-access-token-0123456789'
const REFRESH = 'user-refresh-token-0123456789'

/** Each call, and the secrets it sends that the echoed errmsg must not carry into the error. */
const calls: Record<string, [(w: Wechat) => Promise<unknown>, string[], Options?]> = {
  'stable_token (AppSecret in the body)': [
    (w) => w.getAccessToken(),
    [DEFAULT_APP.appSecret],
    { failTokens: true },
  ],
  'classic /cgi-bin/token (AppSecret in the query)': [
    (w) => w.getAccessToken(),
    [DEFAULT_APP.appSecret],
    { failTokens: true, classic: true },
  ],
  'getticket (access_token in the query)': [(w) => w.getJsTicket(), [TOKEN]],
  'getJsSdkConfig (access_token to getticket)': [(w) => w.getJsSdkConfig('https://example.com/'), [TOKEN]],
  'jscode2session (AppSecret and login code)': [(w) => w.jsCode2Session(CODE), [DEFAULT_APP.appSecret, CODE]],
  'getuserphonenumber (access_token and phone code)': [(w) => w.getUserPhoneNumber(CODE), [TOKEN, CODE]],
  'subscribe send (access_token)': [
    (w) => w.sendMessage({ touser: 'o1', template_id: 'T', data: { thing1: { value: 'x' } } }),
    [TOKEN],
  ],
  'sendMessageWithTemplate (access_token)': [
    (w) => w.sendMessageWithTemplate({ templateId: 'T', templateKeys: ['thing1'] }, ['x'], 'o1'),
    [TOKEN],
  ],
  'getwxacodeunlimit (access_token)': [(w) => w.getQrCode({ scene: 'a' }), [TOKEN]],
  'sns oauth2 (AppSecret and OAuth code)': [(w) => w.snsOauth2(CODE), [DEFAULT_APP.appSecret, CODE]],
  'sns refresh_token': [(w) => w.snsRefreshToken(REFRESH), [REFRESH]],
  'sns userinfo (user access_token)': [(w) => w.snsUserInfo(USER_TOKEN, 'o1'), [USER_TOKEN]],
  'sns auth (user access_token)': [(w) => w.snsAuth(USER_TOKEN, 'o1'), [USER_TOKEN]],
}

describe('a WeChat that echoes the request back inside errmsg', () => {
  for (const [name, [call, secrets, options]] of Object.entries(calls)) {
    test(`${name}: the error keeps the errmsg but none of the secrets`, async () => {
      const error = await rejection(call(await echoingWechat(options)))
      expect(isWechatError(error) && error.errcode).toBe(40097)
      expect(isWechatError(error) && error.errmsg).toMatch(/^invalid args \[.*\] rid: 1-2-3$/)
      expectNoSecrets(error, secrets)
    })
  }
})
