import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server as ProxyServer } from 'proxy-chain'
import { describe, expect, test } from 'vitest'
import {
  isWechatError,
  isWechatHttpError,
  isWechatNetworkError,
  isWechatResponseError,
  isWechatTimeoutError,
  type RetryEvent,
  Wechat,
} from '../src/index.js'
import { calls, client, closedPort, DEFAULT_APP, emulator, rejection } from './helpers.js'

const STABLE = '/cgi-bin/stable_token'

const TICKET = '/cgi-bin/ticket/getticket'

describe('transient failures', () => {
  test('HTTP 5xx on an idempotent call is retried with backoff until it succeeds', async () => {
    const emu = await emulator()
    const retries: RetryEvent[] = []
    const wechat = client(emu, { hooks: { onRetry: [(e) => retries.push(e)] } })
    await emu.control.injectFault({ path: STABLE, times: 2, fault: { kind: 'http', status: 503 } })
    expect(await wechat.getAccessToken()).toMatch(/^\d+_/)
    expect(await calls(emu, STABLE)).toBe(3)
    expect(retries.map((r) => [r.retryCount, r.endpoint])).toEqual([
      [1, STABLE],
      [2, STABLE],
    ])
    expect(retries.every((r) => isWechatHttpError(r.error))).toBe(true)
  })

  test('retries are bounded: the limit reached, the last error surfaces', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: STABLE, times: 10, fault: { kind: 'http', status: 500 } })
    const error = await rejection(client(emu).getAccessToken())
    expect(isWechatHttpError(error) && error.status).toBe(500)
    expect(await calls(emu, STABLE)).toBe(3)
  })

  test('a reset connection is retried', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: TICKET, fault: { kind: 'reset' } })
    expect(await wechat.getJsTicket()).toBeTruthy()
    expect(await calls(emu, TICKET)).toBe(2)
  })

  test('errcode -1 (system busy) is retried', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: TICKET, fault: { kind: 'errcode', errcode: -1 } })
    expect(await client(emu).getJsTicket()).toBeTruthy()
    expect(await calls(emu, TICKET)).toBe(2)
  })

  test('a timed-out attempt is retried; when every attempt times out a WechatTimeoutError surfaces', async () => {
    const emu = await emulator()
    // Generous margins both ways: the unfaulted retry must fit in the timeout even on a loaded CI machine.
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 4000 } })
    expect(await client(emu, { timeout: 1000 }).getAccessToken()).toMatch(/^\d+_/)
    await emu.control.injectFault({ path: STABLE, times: 3, fault: { kind: 'delay', ms: 4000 } })
    const error = await rejection(client(emu, { timeout: 1000 }).getAccessToken({ reload: true }))
    expect(isWechatTimeoutError(error) && error.timeoutMs).toBe(1000)
  })

  test('retryable: false makes exactly one attempt', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({
      path: '/wxa/business/getuserphonenumber',
      fault: { kind: 'http', status: 502 },
    })
    const error = await rejection(wechat.getUserPhoneNumber('some-code', { retryable: false }))
    expect(isWechatHttpError(error)).toBe(true)
    expect(await calls(emu, '/wxa/business/getuserphonenumber')).toBe(1)
  })
})

describe('failures that are never retried', () => {
  test('a token endpoint quota error (45009) surfaces at once with its errmsg', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'errcode', errcode: 45009 } })
    const error = await rejection(client(emu).getAccessToken())
    expect(isWechatError(error) && error.errcode).toBe(45009)
    expect((error as Error).message).toContain('/cgi-bin/stable_token')
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('a wrong AppSecret (40125) on the token endpoint is not retried', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu, { appSecret: 'wrong-secret-value' }).getAccessToken())
    expect(isWechatError(error) && error.errcode).toBe(40125)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('a truncated JSON body becomes a WechatResponseError, not a parse crash', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'malformed-json' } })
    const error = await rejection(client(emu).getAccessToken())
    expect(isWechatResponseError(error)).toBe(true)
    expect((error as Error).message).toMatch(/not valid JSON/)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('a connection refused is a WechatNetworkError with the system code', async () => {
    const port = await closedPort()
    const wechat = new Wechat({
      ...DEFAULT_APP,
      baseURL: `http://127.0.0.1:${port}`,
      retry: { limit: 1, delayMs: 1 },
    })
    const error = await rejection(wechat.getAccessToken())
    expect(isWechatNetworkError(error) && error.code).toBe('ECONNREFUSED')
  })
})

describe('abort', () => {
  test('a signal aborts a slow request promptly with its reason', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 15_000 } })
    const controller = new AbortController()
    const pending = client(emu).getAccessToken({ signal: controller.signal })
    setTimeout(() => controller.abort(new Error('user went away')), 50)
    const error = await rejection(pending)
    expect((error as Error).message).toBe('user went away')
  })

  test('a signal aborts a retry delay', async () => {
    const emu = await emulator()
    const controller = new AbortController()
    const wechat = client(emu, {
      retry: { delayMs: 60_000, maxDelayMs: 60_000 },
      hooks: { onRetry: [() => controller.abort()] },
    })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: '/wxa/getwxacodeunlimit', fault: { kind: 'http', status: 500 } })
    const error = await rejection(wechat.getQrCode({ scene: 'a' }, { signal: controller.signal }))
    expect((error as Error).name).toBe('AbortError')
    expect(await calls(emu, '/wxa/getwxacodeunlimit')).toBe(1)
  })

  test('an already aborted signal rejects without a request', async () => {
    const emu = await emulator()
    const error = await rejection(
      client(emu).getJsSdkConfig('https://example.com/', { signal: AbortSignal.abort() }),
    )
    expect((error as Error).name).toBe('AbortError')
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('hooks', () => {
  test('beforeRequest and afterResponse see redacted requests; headers they set are sent', async () => {
    const seen: string[] = []
    const received: (string | undefined)[] = []
    const server = createServer((req, res) => {
      received.push(req.headers['x-trace-id'] as string | undefined)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ access_token: '99_secret-token-value', expires_in: 7200 }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const wechat = new Wechat({
        ...DEFAULT_APP,
        tokenMode: 'classic',
        baseURL: `http://127.0.0.1:${port}`,
        hooks: {
          beforeRequest: [
            ({ request, endpoint }) => {
              seen.push(`${request.method} ${request.url} ${endpoint}`)
              request.headers.set('x-trace-id', 'trace-1')
            },
          ],
          afterResponse: [
            ({ request, response }) => {
              seen.push(`${response.status} ${request.url}`)
            },
          ],
        },
      })
      await wechat.getAccessToken()
      expect(received).toEqual(['trace-1'])
      expect(seen).toHaveLength(2)
      for (const line of seen) {
        expect(line).not.toContain(DEFAULT_APP.appSecret)
        expect(line).toContain('secret=***')
      }
    } finally {
      server.close()
    }
  })
})

describe('ky semantics', () => {
  test('beforeRequest runs once per call (retries reuse its headers); afterResponse after every attempt', async () => {
    const emu = await emulator()
    const before: number[] = []
    const after: [number, number][] = []
    const wechat = client(emu, {
      hooks: {
        beforeRequest: [
          ({ request, retryCount }) => {
            before.push(retryCount)
            request.headers.set('x-trace-id', 'trace-2')
          },
        ],
        afterResponse: [({ response, retryCount }) => void after.push([retryCount, response.status])],
      },
    })
    await emu.control.injectFault({ path: STABLE, times: 2, fault: { kind: 'http', status: 502 } })
    await wechat.getAccessToken()
    expect(before).toEqual([0])
    expect(after).toEqual([
      [0, 502],
      [1, 502],
      [2, 200],
    ])
  })

  test('a body that stalls after the headers is a timeout, retried like one', async () => {
    let requests = 0
    const server = createServer((_req, res) => {
      requests++
      res.setHeader('content-type', 'application/json')
      if (requests === 1 || requests >= 3) {
        res.write('{"access_token":') // and never the rest
        return
      }
      res.end(JSON.stringify({ access_token: '99_token-after-a-stall', expires_in: 7200 }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const make = (limit: number) =>
        new Wechat({ ...DEFAULT_APP, baseURL, timeout: 300, retry: { limit, delayMs: 1 } })
      expect(await make(2).getAccessToken()).toBe('99_token-after-a-stall')
      expect(requests).toBe(2)
      const error = await rejection(make(1).getAccessToken())
      expect(isWechatTimeoutError(error) && error.timeoutMs).toBe(300)
      expect(requests).toBe(4)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})

describe('proxy', () => {
  test('every call goes through the configured proxy', async () => {
    const emu = await emulator()
    let proxied = 0
    const proxy = new ProxyServer({
      port: 0,
      host: '127.0.0.1',
      prepareRequestFunction: () => {
        proxied++
        return {}
      },
    })
    await proxy.listen()
    try {
      const wechat = client(emu, { proxy: `http://127.0.0.1:${proxy.port}` })
      await wechat.getJsSdkConfig('https://example.com/')
      const code = await emu.control.mintCode({ kind: 'login', openid: 'o1' })
      await wechat.jsCode2Session(code)
      expect(proxied).toBe(3)
      expect(await calls(emu, STABLE)).toBe(1)
    } finally {
      await proxy.close(true)
    }
  })

  test('an unreachable proxy is a WechatNetworkError', async () => {
    const emu = await emulator()
    const error = await rejection(
      client(emu, { proxy: `http://127.0.0.1:${await closedPort()}`, retry: { limit: 0 } }).getAccessToken(),
    )
    expect(isWechatNetworkError(error)).toBe(true)
    expect(await calls(emu, STABLE)).toBe(0)
  })
})
