import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  isWechatError,
  isWechatNetworkError,
  isWechatResponseError,
  isWechatTimeoutError,
  type RetryEvent,
  Wechat,
} from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const STABLE = '/cgi-bin/stable_token'
const TICKET = '/cgi-bin/ticket/getticket'

afterEach(() => {
  vi.restoreAllMocks()
})

/** A node:http server answering with `handle`, closed (connections too) after the test. */
async function server(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const http = createServer(handle)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  servers.push(http)
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`
}
const servers: ReturnType<typeof createServer>[] = []
afterEach(() => {
  for (const http of servers.splice(0)) {
    http.closeAllConnections()
    http.close()
  }
})

/** The delays onRetry announces for a token call that meets `faults` 503s, Math.random() answering `random`. */
async function announcedDelays(
  retry: { limit: number; delayMs: number; maxDelayMs: number },
  random: number,
): Promise<number[]> {
  const emu = await emulator()
  const delays: number[] = []
  const wechat = client(emu, { retry, hooks: { onRetry: [(event) => void delays.push(event.delayMs)] } })
  await emu.control.injectFault({ path: STABLE, times: retry.limit, fault: { kind: 'http', status: 503 } })
  vi.spyOn(Math, 'random').mockReturnValue(random)
  expect(await wechat.getAccessToken()).toMatch(/^\d+_/)
  vi.restoreAllMocks()
  expect(await calls(emu, STABLE)).toBe(retry.limit + 1)
  return delays
}

describe('retry backoff (the delays onRetry announces, Math.random fixed)', () => {
  test('the first retry waits retry.delayMs and each later one twice the one before', async () => {
    expect(await announcedDelays({ limit: 3, delayMs: 10, maxDelayMs: 1000 }, 0.5)).toEqual([10, 20, 40])
  })

  test('jitter spreads each delay from 75 % to 125 %, rounded to whole milliseconds', async () => {
    expect(await announcedDelays({ limit: 3, delayMs: 10, maxDelayMs: 1000 }, 0)).toEqual([8, 15, 30])
    expect(await announcedDelays({ limit: 3, delayMs: 10, maxDelayMs: 1000 }, 0.9999)).toEqual([12, 25, 50])
  })

  test('no delay exceeds retry.maxDelayMs, jitter included', async () => {
    expect(await announcedDelays({ limit: 3, delayMs: 10, maxDelayMs: 25 }, 0.5)).toEqual([10, 20, 25])
    expect(await announcedDelays({ limit: 2, delayMs: 20, maxDelayMs: 22 }, 0.9999)).toEqual([22, 22])
  })
})

describe('errcode -1 (system busy)', () => {
  test('when it persists, the caller gets WechatError -1 after the retries, each announced with it', async () => {
    const emu = await emulator()
    const retries: RetryEvent[] = []
    const wechat = client(emu, { hooks: { onRetry: [(event) => void retries.push(event)] } })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: TICKET, times: 5, fault: { kind: 'errcode', errcode: -1 } })
    const error = await rejection(wechat.getJsTicket())
    expect(isWechatError(error) && error.errcode).toBe(-1)
    expect(await calls(emu, TICKET)).toBe(3)
    expect(retries.map((event) => isWechatError(event.error) && event.error.errcode)).toEqual([-1, -1])
  })
})

describe('a body that stalls after the headers', () => {
  test('is cancelled when the timeout ends: the server sees its connection closed', async () => {
    let closed!: () => void
    const connectionClosed = new Promise<string>((resolve) => {
      closed = () => resolve('closed')
    })
    const baseURL = await server((_req, res) => {
      res.on('close', closed)
      res.setHeader('content-type', 'application/json')
      res.write('{"access_token":') // and never the rest
    })
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL, timeout: 300, retry: { limit: 0 } })
    const error = await rejection(wechat.getAccessToken())
    expect(isWechatTimeoutError(error) && error.timeoutMs).toBe(300)
    const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5000))
    expect(await Promise.race([connectionClosed, waited])).toBe('closed')
  })

  test('a body that arrives in pieces within the timeout is read whole', async () => {
    const baseURL = await server((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.write('{"access_token":"99_token-')
      setTimeout(() => res.end('in-two-pieces","expires_in":7200}'), 50)
    })
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL, timeout: 5000, retry: { limit: 0 } })
    expect(await wechat.getAccessToken()).toBe('99_token-in-two-pieces')
  })

  test('a finished call leaves none of its timeout timers pending (they would hold the process open)', async () => {
    const emu = await emulator()
    const wechat = client(emu, { timeout: 7777 })
    const set = vi.spyOn(globalThis, 'setTimeout')
    const clear = vi.spyOn(globalThis, 'clearTimeout')
    await wechat.getAccessToken()
    const timers = set.mock.calls.flatMap((args, i) => (args[1] === 7777 ? [set.mock.results[i]?.value] : []))
    const cleared = new Set(clear.mock.calls.map((args) => args[0]))
    expect(timers.length).toBeGreaterThan(0)
    expect(timers.filter((timer) => !cleared.has(timer))).toEqual([])
  })
})

describe('an answer without a body', () => {
  test('a 204 No Content where an image was expected is refused as an empty body, not returned as a file', async () => {
    const baseURL = await server((req, res) => {
      if (req.url?.startsWith(STABLE)) {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ access_token: '99_token-for-a-204', expires_in: 7200 }))
        return
      }
      res.statusCode = 204
      res.end()
    })
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL, retry: { limit: 0 } })
    const error = await rejection(wechat.getQrCode({ scene: 'a' }))
    expect(isWechatResponseError(error)).toBe(true)
  })
})

describe('the system code of a network failure', () => {
  test('a connection the server drops mid-answer is a WechatNetworkError with a system code', async () => {
    const baseURL = await server((req) => req.socket.destroy())
    const error = await rejection(
      new Wechat({ ...DEFAULT_APP, baseURL, retry: { limit: 0 } }).getAccessToken(),
    )
    expect(isWechatNetworkError(error) && error.code).toMatch(/^[A-Z][A-Z0-9_]+$/)
  })
})
