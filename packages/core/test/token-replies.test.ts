import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Keyv from 'keyv'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  isWechatError,
  isWechatResponseError,
  type TokenRefreshEvent,
  Wechat,
  type WechatConfig,
} from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const STABLE = '/cgi-bin/stable_token'
const CLASSIC = '/cgi-bin/token'
const TICKET = '/cgi-bin/ticket/getticket'
const PHONE = '/wxa/business/getuserphonenumber'
const TOKEN_KEY = `wxkit:${DEFAULT_APP.appId}:access_token`
const TICKET_KEY = `wxkit:${DEFAULT_APP.appId}:jsapi_ticket`

interface Entry {
  value: string
  expiresAt: number
  fetchedAt: number
}

const servers: Server[] = []
const clients: Wechat[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/**
 * A WeChat stand-in for replies the emulator never gives (it is as strict as WeChat): each path answers
 * the next body of its list, then the last one again. It counts the calls per path.
 */
async function standIn(replies: Record<string, unknown[]>) {
  const hits: Record<string, number> = {}
  const server = createServer(async (req, res) => {
    for await (const _ of req) {
      // Drain the body.
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const index = hits[path] ?? 0
    hits[path] = index + 1
    const bodies = replies[path] ?? [{ errcode: 40097, errmsg: 'invalid args' }]
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(bodies[Math.min(index, bodies.length - 1)]))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const wechat = (config: Partial<WechatConfig> = {}) => {
    const made = new Wechat({ ...DEFAULT_APP, baseURL, retry: { limit: 0 }, ...config })
    clients.push(made)
    return made
  }
  return { wechat, hits }
}

const GOOD_TOKEN = { access_token: '86_good-token-after-a-malformed-reply', expires_in: 7200 }
const MALFORMED_TOKEN_REPLIES = [
  { expires_in: 7200 },
  { access_token: '', expires_in: 7200 },
  { access_token: 42, expires_in: 7200 },
  { access_token: '86_token-without-lifetime' },
  { access_token: '86_token-with-zero-lifetime', expires_in: 0 },
  { access_token: '86_token-with-negative-lifetime', expires_in: -7200 },
  { access_token: '86_token-with-text-lifetime', expires_in: 'soon' },
]

describe('token and ticket replies that cannot be used', () => {
  for (const [mode, path] of [
    ['stable', STABLE],
    ['classic', CLASSIC],
  ] as const) {
    test(`a ${mode} token reply without a usable access_token or expires_in is refused and not cached`, async () => {
      for (const malformed of MALFORMED_TOKEN_REPLIES) {
        const { wechat: stub, hits } = await standIn({ [path]: [malformed, GOOD_TOKEN] })
        const cache = new Keyv()
        const wechat = stub({ cache, tokenMode: mode })
        const error = await rejection(wechat.getAccessToken())
        expect(isWechatResponseError(error), JSON.stringify(malformed)).toBe(true)
        expect(error).toMatchObject({ endpoint: path })
        expect(await cache.get(TOKEN_KEY)).toBeUndefined()
        // Nothing of the malformed reply was kept: the next call asks WeChat again.
        expect(await wechat.getAccessToken()).toBe(GOOD_TOKEN.access_token)
        expect(hits[path]).toBe(2)
      }
    })
  }

  test('a force-refresh reply without a usable access_token is refused, and not cached in place of the old token', async () => {
    const rejected = { access_token: '86_token-wechat-rejects', expires_in: 7200 }
    const { wechat: stub, hits } = await standIn({
      // Cold start, the normal-mode call after the 40001 (same token), the force refresh, then a good one.
      [STABLE]: [rejected, rejected, { access_token: '', expires_in: 7200 }, GOOD_TOKEN],
      [PHONE]: [{ errcode: 40001, errmsg: 'invalid credential' }],
    })
    const cache = new Keyv()
    const wechat = stub({ cache })
    expect(await wechat.getAccessToken()).toBe(rejected.access_token)
    const error = await rejection(wechat.getUserPhoneNumber('phone-code-0123456789'))
    expect(isWechatResponseError(error)).toBe(true)
    expect(hits[STABLE]).toBe(3)
    expect(await cache.get(TOKEN_KEY)).toMatchObject({ value: rejected.access_token })
  })

  test('a ticket reply without a usable ticket or expires_in is refused and not cached', async () => {
    for (const malformed of [
      { errcode: 0, errmsg: 'ok', expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', ticket: '', expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', ticket: 7, expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', ticket: 'ticket-without-lifetime' },
      { errcode: 0, errmsg: 'ok', ticket: 'ticket-with-zero-lifetime', expires_in: 0 },
    ]) {
      const good = {
        errcode: 0,
        errmsg: 'ok',
        ticket: 'good-ticket-after-a-malformed-reply',
        expires_in: 7200,
      }
      const { wechat: stub, hits } = await standIn({ [STABLE]: [GOOD_TOKEN], [TICKET]: [malformed, good] })
      const cache = new Keyv()
      const wechat = stub({ cache })
      const error = await rejection(wechat.getJsTicket())
      expect(isWechatResponseError(error), JSON.stringify(malformed)).toBe(true)
      expect(error).toMatchObject({ endpoint: TICKET })
      expect(await cache.get(TICKET_KEY)).toBeUndefined()
      expect(await wechat.getJsTicket()).toBe(good.ticket)
      expect(hits[TICKET]).toBe(2)
    }
  })
})

describe('how long a token or ticket is cached', () => {
  const BASE = Date.UTC(2026, 11, 3, 4)

  test('a short expires_in is cached for half of it, not for expires_in minus the 300 s margin', async () => {
    // A frozen clock shared by the emulator and the clients, so WeChat's expires_in is exact.
    const emu = await emulator({ clock: { now: () => BASE } })
    await client(emu, { now: () => BASE }).getJsTicket()
    await emu.control.advanceClock(6700_000)
    // A second process, with its own cache, arrives when the token and ticket have 500 s left.
    const cache = new Keyv()
    const events: TokenRefreshEvent[] = []
    const late = client(emu, {
      cache,
      now: () => BASE + 6700_000,
      hooks: { onTokenRefresh: [(e) => events.push(e)] },
    })
    await late.getJsTicket()
    expect(events.map((e) => [e.kind, e.expiresIn])).toEqual([
      ['access_token', 500],
      ['jsapi_ticket', 500],
    ])
    for (const key of [TOKEN_KEY, TICKET_KEY]) {
      const entry = await cache.get<Entry>(key)
      expect((entry?.expiresAt ?? 0) - (entry?.fetchedAt ?? 0), key).toBe(250_000)
    }
  })

  test('an expires_in of 1 s is cached for 1 s, the shortest time a value is kept', async () => {
    const emu = await emulator({ clock: { now: () => BASE } })
    await client(emu, { now: () => BASE }).getJsTicket()
    await emu.control.advanceClock(7199_000)
    const cache = new Keyv()
    await client(emu, { cache, now: () => BASE + 7199_000 }).getJsTicket()
    // The token was renewed in its last 5 minutes (a full 7200 s); the ticket had 1 s left.
    const token = await cache.get<Entry>(TOKEN_KEY)
    const ticket = await cache.get<Entry>(TICKET_KEY)
    expect((token?.expiresAt ?? 0) - (token?.fetchedAt ?? 0)).toBe(6900_000)
    expect((ticket?.expiresAt ?? 0) - (ticket?.fetchedAt ?? 0)).toBe(1000)
  })
})

describe('the shared cache and the refresh policy', () => {
  test('a token the shared store lost is shared again from memory, so other processes need not fetch', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const first = client(emu, { cache, memoryTtlMs: 0 })
    const token = await first.getAccessToken()
    const stored = await cache.get<Entry>(TOKEN_KEY)
    await cache.clear()
    // The memory copy is served at once; the store is checked, found empty, and given ours again.
    expect(await first.getAccessToken()).toBe(token)
    await vi.waitFor(async () => expect(await cache.get<Entry>(TOKEN_KEY)).toEqual(stored))
    expect(await client(emu, { cache }).getAccessToken()).toBe(token)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('a getticket that keeps answering 40001 is retried once after one refresh, then the 40001 surfaces', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: TICKET, times: 5, fault: { kind: 'errcode', errcode: 40001 } })
    const error = await rejection(wechat.getJsTicket())
    expect(isWechatError(error) && error.errcode).toBe(40001)
    expect(await calls(emu, TICKET)).toBe(2)
    // The cold start, the normal-mode call after the 40001 (it hands back the same token), one force refresh.
    expect(await calls(emu, STABLE)).toBe(3)
  })

  test('a business API that keeps answering 40001 is retried once, not again on the fresh token', async () => {
    const emu = await emulator()
    const wechat = client(emu, { tokenMode: 'classic' })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: PHONE, times: 5, fault: { kind: 'errcode', errcode: 40001 } })
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
    const error = await rejection(wechat.getUserPhoneNumber(code))
    expect(isWechatError(error) && error.errcode).toBe(40001)
    expect(await calls(emu, PHONE)).toBe(2)
    expect(await calls(emu, CLASSIC)).toBe(2)
  })
})

describe('what each token call may repeat, and what it reports', () => {
  for (const [mode, path] of [
    ['stable', STABLE],
    ['classic', CLASSIC],
  ] as const) {
    test(`a ${mode} token call that meets an HTTP 503 is retried (it spends nothing)`, async () => {
      const emu = await emulator()
      await emu.control.injectFault({ path, fault: { kind: 'http', status: 503 } })
      expect(await client(emu, { tokenMode: mode }).getAccessToken()).toMatch(/^\d+_/)
      expect(await calls(emu, path)).toBe(2)
    })
  }

  test('a force refresh that meets an HTTP 503 is not retried: each one spends the daily budget', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'errcode', errcode: 40001 } })
    // The normal-mode call after the 40001 passes untouched (a delay of 0), the force refresh gets the 503.
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 0 } })
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'http', status: 503 } })
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
    const error = await rejection(wechat.getUserPhoneNumber(code))
    expect(error).toMatchObject({ name: 'WechatHttpError', status: 503, endpoint: STABLE })
    expect(await calls(emu, STABLE)).toBe(3)
  })

  test('only a force refresh is reported as forced: classic, ticket and refused force refreshes are not', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const events: TokenRefreshEvent[] = []
    const warnings: [string, unknown][] = []
    const errors: { endpoint?: string | undefined; error: Error }[] = []
    const wechat = client(emu, {
      cache,
      tokenMode: 'classic',
      hooks: { onTokenRefresh: [(e) => events.push(e)], onError: [(e) => errors.push(e)] },
    })
    await wechat.getJsTicket()
    expect(events.map((e) => [e.kind, e.reason])).toEqual([
      ['access_token', 'cold'],
      ['jsapi_ticket', 'cold'],
    ])
    // Stable mode with today's 20 force refreshes spent: the refresh after a 40001 keeps the token.
    const day = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000)
    const budgetCache = new Keyv()
    const spent = client(emu, {
      cache: budgetCache,
      hooks: { onTokenRefresh: [(e) => events.push(e)], onError: [(e) => errors.push(e)] },
      logger: { warn: (message, details) => warnings.push([message, details]) },
    })
    await spent.getAccessToken()
    await budgetCache.set(`wxkit:${DEFAULT_APP.appId}:force_refresh_budget`, { day, count: 20, lastAt: 0 })
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'errcode', errcode: 40001 } })
    await spent.getUserPhoneNumber(await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' }))
    expect(events.slice(2).map((e) => e.reason)).toEqual(['cold', 'rejected'])
    // The refusal is reported to operators with the app and the endpoint.
    expect(warnings).toEqual([[expect.stringMatching(/budget exhausted/), { appId: DEFAULT_APP.appId }]])
    expect(errors).toEqual([{ endpoint: STABLE, error: expect.objectContaining({ endpoint: STABLE }) }])
  })
})
