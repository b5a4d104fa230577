import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, test } from 'vitest'
import {
  isWechatError,
  isWechatHttpError,
  isWechatResponseError,
  isWechatValidationError,
  Wechat,
  type WechatRequest,
} from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const TICKET = '/cgi-bin/ticket/getticket'
const QR = '/wxa/getwxacodeunlimit'

describe('request()', () => {
  test('injects the access_token, checks the errcode and returns the body', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const body = await wechat.request<{ ticket: string; expires_in: number }>({
      method: 'GET',
      path: TICKET,
      query: { type: 'jsapi' },
    })
    expect(body.ticket).toBe((await emu.control.tickets()).at(-1)?.ticket)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)

    const error = await rejection(wechat.request({ method: 'GET', path: TICKET, query: { type: 'nope' } }))
    expect(isWechatError(error) && error.endpoint).toBe(TICKET)
  })

  test('a rejected token is refreshed once by compare-and-swap and the call retried', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    await wechat.request({ method: 'GET', path: TICKET, query: { type: 'jsapi' } })
    expect(await calls(emu, TICKET)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(2)
  })

  test('accessToken: false sends no token and takes the query as given', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const code = await emu.control.mintCode({ kind: 'login', openid: 'o_req' })
    const body = await wechat.request<{ openid: string }>({
      method: 'GET',
      path: '/sns/jscode2session',
      query: {
        appid: DEFAULT_APP.appId,
        secret: DEFAULT_APP.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      },
      accessToken: false,
    })
    expect(body.openid).toBe('o_req')
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(0)
  })

  test('GET retries transient failures; POST does not unless it says it is idempotent', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: TICKET, fault: { kind: 'http', status: 503 } })
    await wechat.request({ method: 'GET', path: TICKET, query: { type: 'jsapi' } })
    expect(await calls(emu, TICKET)).toBe(2)

    await emu.control.injectFault({ path: QR, fault: { kind: 'http', status: 503 } })
    const post = { method: 'POST', path: QR, json: { scene: 'a' } } as const
    expect(isWechatHttpError(await rejection(wechat.requestBuffer(post)))).toBe(true)
    expect(await calls(emu, QR)).toBe(1)
    await emu.control.injectFault({ path: QR, fault: { kind: 'http', status: 503 } })
    await wechat.requestBuffer({ ...post, idempotent: true })
    expect(await calls(emu, QR)).toBe(3)
  })

  test('retryable: false makes one attempt and refreshes no token', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const error = await rejection(
      wechat.request({ method: 'GET', path: TICKET, query: { type: 'jsapi' }, retryable: false }),
    )
    expect(isWechatError(error) && error.errcode).toBe(40001)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
  })

  test('a signal aborts it', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: TICKET, fault: { kind: 'delay', ms: 15_000 } })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('gone')), 50)
    const error = await rejection(
      wechat.request({ method: 'GET', path: TICKET, query: { type: 'jsapi' }, signal: controller.signal }),
    )
    expect((error as Error).message).toBe('gone')
  })

  const hostile: [string, WechatRequest][] = [
    ['another host', { method: 'GET', path: 'https://evil.example/steal' }],
    ['userinfo that moves the host', { method: 'GET', path: '@evil.example/x' }],
    ['a protocol-relative path', { method: 'GET', path: '//evil.example/x' }],
    ['a climb out of the API', { method: 'GET', path: '/cgi-bin/../../x' }],
    ['a query smuggled into the path', { method: 'GET', path: '/cgi-bin/ticket/getticket?type=jsapi' }],
    ['a fragment', { method: 'GET', path: '/cgi-bin/x#y' }],
    ['a method WeChat never uses', { method: 'DELETE' as 'GET', path: '/cgi-bin/x' }],
    ['a body on GET', { method: 'GET', path: '/cgi-bin/x', json: { a: 1 } }],
    ['a body that is not JSON', { method: 'POST', path: '/cgi-bin/x', json: { n: 1n } }],
    ['a query value that is an object', { method: 'GET', path: '/x', query: { a: {} as string } }],
    ['a query value that is NaN', { method: 'GET', path: '/x', query: { a: Number.NaN } }],
    [
      'its own access_token next to the injected one',
      { method: 'GET', path: '/x', query: { access_token: 'x' } },
    ],
  ]
  test.each(hostile)('refuses %s before any request', async (_name, request) => {
    const emu = await emulator()
    const error = await rejection(client(emu).request(request))
    expect(isWechatValidationError(error)).toBe(true)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('requestBuffer()', () => {
  test('returns the bytes; a JSON answer with HTTP 200 is its WechatError', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const png = await wechat.requestBuffer({
      method: 'POST',
      path: QR,
      json: { scene: 'id=1', is_hyaline: true },
      idempotent: true,
    })
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    await emu.control.injectFault({ path: QR, fault: { kind: 'errcode', errcode: 45009 } })
    const error = await rejection(wechat.requestBuffer({ method: 'POST', path: QR, json: { scene: 'a' } }))
    expect(isWechatError(error) && error.errcode).toBe(45009)
  })

  test('an HTML page or an empty body answered 200 is an unusable response, not a file', async () => {
    const bodies = [
      ['text/html; charset=utf-8', '<html>portal</html>'],
      ['application/octet-stream', ''],
      ['application/json', '{"ok":true}'],
    ]
    let next = 0
    const server = createServer((_req, res) => {
      const [type, body] = bodies[next++ % bodies.length] as [string, string]
      res.setHeader('content-type', type)
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const wechat = new Wechat({
        ...DEFAULT_APP,
        baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      })
      for (const _ of bodies) {
        const error = await rejection(
          wechat.requestBuffer({ method: 'GET', path: '/cgi-bin/media/get', accessToken: false }),
        )
        expect(isWechatResponseError(error)).toBe(true)
      }
    } finally {
      server.close()
    }
  })
})
