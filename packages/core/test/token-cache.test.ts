import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { isWechatError, type TokenRefreshEvent } from '../src/index.js'
import { CountingMap, calls, client, DEFAULT_APP, emulator, memoryLock, rejection } from './helpers.js'

const STABLE = '/cgi-bin/stable_token'
const TICKET = '/cgi-bin/ticket/getticket'
const PHONE = '/wxa/business/getuserphonenumber'

describe('token and ticket caching', () => {
  test('1000 concurrent getJsSdkConfig calls on a cold cache make exactly 1 token call and 1 ticket call', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const configs = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => wechat.getJsSdkConfig(`https://example.com/page?i=${i}`)),
    )
    expect(new Set(configs.map((c) => c.nonceStr)).size).toBe(1000)
    const counters = await emu.control.counters()
    expect(counters.calls[STABLE]).toBe(1)
    expect(counters.calls[TICKET]).toBe(1)
    expect(counters.tokensIssued).toBe(1)
    expect(counters.ticketsIssued).toBe(1)
  })

  test('a warm getJsSdkConfig reads neither the shared store nor WeChat', async () => {
    const emu = await emulator()
    const store = new CountingMap<string, unknown>()
    const wechat = client(emu, { cache: new Keyv({ store }) })
    const first = await wechat.getJsSdkConfig('https://example.com/')
    const readsAfterWarmup = store.reads
    const before = await emu.control.counters()
    for (let i = 0; i < 1000; i++) {
      const config = await wechat.getJsSdkConfig('https://example.com/')
      expect(config.appId).toBe(DEFAULT_APP.appId)
    }
    expect(store.reads).toBe(readsAfterWarmup)
    expect(await emu.control.counters()).toEqual(before)
    expect(first.timestamp).toBe(Math.floor(first.timestamp))
  })

  test('getJsSdkConfig signs the ticket the emulator verifies, with the URL fragment removed', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const config = await wechat.getJsSdkConfig('https://example.com/a?b=1#/c')
    const [ticket] = await emu.control.tickets()
    const { signJsSdk } = await import('../src/index.js')
    expect(config.signature).toBe(
      signJsSdk({
        jsapi_ticket: ticket?.ticket ?? '',
        noncestr: config.nonceStr,
        timestamp: config.timestamp,
        url: 'https://example.com/a?b=1',
      }),
    )
    expect(config.nonceStr).toMatch(/^[A-Za-z0-9]{16,}$/)
    expect(config.timestamp).toBeLessThan(10_000_000_000)
  })

  test('peekJsSdkConfig signs only from a ticket in memory: undefined when cold, for a bad URL or once the ticket is stale', async () => {
    const emu = await emulator()
    const store = new CountingMap<string, unknown>()
    let clock = Date.now()
    const wechat = client(emu, { cache: new Keyv({ store }), now: () => clock })
    expect(wechat.peekJsSdkConfig('https://example.com/a?b=1#/c')).toBeUndefined()
    expect((await emu.control.counters()).calls[TICKET]).toBeUndefined()
    await wechat.getJsSdkConfig('https://example.com/')
    const reads = store.reads
    const before = await emu.control.counters()
    const config = wechat.peekJsSdkConfig('https://example.com/a?b=1#/c')
    const [ticket] = await emu.control.tickets()
    const { signJsSdk } = await import('../src/index.js')
    expect(config?.appId).toBe(DEFAULT_APP.appId)
    expect(config?.timestamp).toBe(Math.floor(clock / 1000))
    expect(config?.signature).toBe(
      signJsSdk({
        jsapi_ticket: ticket?.ticket ?? '',
        noncestr: config?.nonceStr ?? '',
        timestamp: config?.timestamp ?? 0,
        url: 'https://example.com/a?b=1',
      }),
    )
    expect(wechat.peekJsSdkConfig('https://example.com/')?.nonceStr).not.toBe(config?.nonceStr)
    for (const bad of ['', '/relative', 'ftp://example.com/', 'not a url']) {
      expect(wechat.peekJsSdkConfig(bad)).toBeUndefined()
    }
    expect(store.reads).toBe(reads)
    expect(await emu.control.counters()).toEqual(before)
    clock += 2 * 3600 * 1000 // past the ticket's expires_in (7200 s)
    expect(wechat.peekJsSdkConfig('https://example.com/')).toBeUndefined()
  })

  test('tokens are stored under keys namespaced by appId with a TTL of expires_in minus 300 s', async () => {
    const other = { appId: 'wx5c0a0e1a7e570002', appSecret: '0123456789abcdef0123456789abcdef' }
    const emu = await emulator({ apps: [DEFAULT_APP, other] })
    const cache = new Keyv()
    const a = client(emu, { cache })
    const b = client(emu, { cache, ...other })
    const [tokenA, tokenB] = await Promise.all([a.getAccessToken(), b.getAccessToken()])
    expect(tokenA).not.toBe(tokenB)
    const entryA = await cache.get<{ value: string; expiresAt: number; fetchedAt: number }>(
      `wxkit:${DEFAULT_APP.appId}:access_token`,
    )
    const entryB = await cache.get<{ value: string }>(`wxkit:${other.appId}:access_token`)
    expect(entryA?.value).toBe(tokenA)
    expect(entryB?.value).toBe(tokenB)
    expect((entryA?.expiresAt ?? 0) - (entryA?.fetchedAt ?? 0)).toBe((7200 - 300) * 1000)
    expect(await calls(emu, STABLE)).toBe(2)
  })

  test('a second instance sharing the cache reuses the token instead of fetching', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const token = await client(emu, { cache }).getAccessToken()
    expect(await client(emu, { cache }).getAccessToken()).toBe(token)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('stable mode posts to /cgi-bin/stable_token, classic mode gets /cgi-bin/token', async () => {
    const emu = await emulator()
    await client(emu).getAccessToken()
    await client(emu, { tokenMode: 'classic' }).getAccessToken()
    const counters = await emu.control.counters()
    expect(counters.calls[STABLE]).toBe(1)
    expect(counters.calls['/cgi-bin/token']).toBe(1)
    const tokens = await emu.control.tokens()
    expect(tokens.map((t) => t.kind).sort()).toEqual(['classic', 'stable'])
  })

  test('reload fetches again and reports the refresh', async () => {
    const emu = await emulator()
    const events: TokenRefreshEvent[] = []
    const wechat = client(emu, { hooks: { onTokenRefresh: [(e) => events.push(e)] } })
    await wechat.getAccessToken()
    await wechat.getAccessToken({ reload: true })
    expect(await calls(emu, STABLE)).toBe(2)
    expect(events.map((e) => e.reason)).toEqual(['cold', 'reload'])
    expect(events[0]).toEqual({
      kind: 'access_token',
      appId: DEFAULT_APP.appId,
      reason: 'cold',
      expiresIn: 7200,
      mode: 'stable',
    })
  })

  test('an expired cached token is fetched again (client and emulator clocks advanced together)', async () => {
    const emu = await emulator()
    let offset = 0
    const events: TokenRefreshEvent[] = []
    const wechat = client(emu, {
      now: () => Date.now() + offset,
      hooks: { onTokenRefresh: [(e) => events.push(e)] },
    })
    const first = await wechat.getAccessToken()
    offset += 6950_000
    await emu.control.advanceClock(6950_000)
    const second = await wechat.getAccessToken()
    expect(second).not.toBe(first)
    expect(events.map((e) => e.reason)).toEqual(['cold', 'expired'])
  })

  test('a burst of 40001s on one token causes exactly one refresh', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const codes = await Promise.all(
      Array.from({ length: 50 }, () => emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })),
    )
    const before = await calls(emu, STABLE)
    const results = await Promise.all(codes.map((code) => wechat.getUserPhoneNumber(code)))
    expect(results.every((r) => r.phone_info.purePhoneNumber === '13800138000')).toBe(true)
    expect((await calls(emu, STABLE)) - before).toBe(1)
    expect(await calls(emu, PHONE)).toBe(100)
  })

  test('when normal mode hands back the rejected token, one force refresh is made', async () => {
    const emu = await emulator()
    const events: TokenRefreshEvent[] = []
    const wechat = client(emu, { hooks: { onTokenRefresh: [(e) => events.push(e)] } })
    const first = await wechat.getAccessToken()
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'errcode', errcode: 40001 } })
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
    await wechat.getUserPhoneNumber(code)
    expect(await calls(emu, STABLE)).toBe(3)
    expect(events.map((e) => e.reason)).toEqual(['cold', 'forced'])
    expect(await wechat.getAccessToken()).not.toBe(first)
  })

  test('force refreshes are budgeted through the shared cache: a second one within 30 s is refused', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const warnings: string[] = []
    const a = client(emu, { cache })
    const b = client(emu, { cache, logger: { warn: (m) => warnings.push(m) } })
    await a.getAccessToken()
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'errcode', errcode: 40001 } })
    await a.getUserPhoneNumber(await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' }))
    expect(await calls(emu, STABLE)).toBe(3)
    // Instance b shares a's cache, so it also sees a's force refresh in the budget.
    await emu.control.injectFault({ path: PHONE, times: 2, fault: { kind: 'errcode', errcode: 40001 } })
    const error = await rejection(
      b.getUserPhoneNumber(await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })),
    )
    expect(isWechatError(error) && error.errcode).toBe(40001)
    expect(await calls(emu, STABLE)).toBe(4)
    expect(warnings).toEqual([expect.stringMatching(/force_refresh budget exhausted/)])
  })

  test('the daily force-refresh limit (20, counted in the shared cache) is respected', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const warnings: string[] = []
    const wechat = client(emu, { cache, logger: { warn: (m) => warnings.push(m) } })
    await wechat.getAccessToken()
    // Another instance already spent today's 20 (China day, as WeChat counts), the last one long ago.
    const day = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000)
    await cache.set(`wxkit:${DEFAULT_APP.appId}:force_refresh_budget`, { day, count: 20, lastAt: 0 })
    await emu.control.injectFault({ path: PHONE, times: 2, fault: { kind: 'errcode', errcode: 40001 } })
    const error = await rejection(
      wechat.getUserPhoneNumber(await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })),
    )
    expect(isWechatError(error) && error.errcode).toBe(40001)
    // One normal-mode call for the cold start and one after the 40001, no force refresh.
    expect(await calls(emu, STABLE)).toBe(2)
    expect(warnings).toEqual([expect.stringMatching(/force_refresh budget exhausted/)])
  })

  test('a 40001 from the token endpoint itself (wrong AppSecret) is never retried or refreshed', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'errcode', errcode: 40001 } })
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })
    const error = await rejection(wechat.getUserPhoneNumber(code))
    expect(error).toMatchObject({ name: 'WechatError', errcode: 40001, endpoint: STABLE })
    expect(await calls(emu, STABLE)).toBe(1)
    expect(await calls(emu, PHONE)).toBe(0)
  })

  test('onError reports a token quota error (45009) so operators can alert on it', async () => {
    const emu = await emulator()
    const seen: unknown[] = []
    const wechat = client(emu, { hooks: { onError: [(event) => seen.push(event)] } })
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'errcode', errcode: 45009 } })
    const error = await rejection(wechat.getJsSdkConfig('https://example.com/'))
    expect(seen).toEqual([{ endpoint: STABLE, error }])
    expect(error).toMatchObject({ errcode: 45009 })
  })

  test('a caller that aborts while waiting for a shared token fetch leaves, the others still get it', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 300 } })
    const controller = new AbortController()
    const patient = wechat.getAccessToken()
    const impatient = wechat.getAccessToken({ signal: controller.signal })
    controller.abort(new Error('gave up'))
    expect(await rejection(impatient)).toMatchObject({ message: 'gave up' })
    expect(await patient).toMatch(/^\d+_/)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('retryable: false surfaces a 40001 without refreshing', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })
    const error = await rejection(wechat.getUserPhoneNumber(code, { retryable: false }))
    expect(isWechatError(error) && error.errcode).toBe(40001)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('reloadAccessToken fetches a token before the call', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '1' })
    await wechat.getUserPhoneNumber(code, { reloadAccessToken: true })
    expect(await calls(emu, STABLE)).toBe(2)
  })

  test('a ticket fetch that meets a revoked token refreshes the token once and succeeds', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    await wechat.getJsTicket()
    expect(await calls(emu, STABLE)).toBe(2)
    expect(await calls(emu, TICKET)).toBe(2)
  })

  test('a token adopted from the shared cache that was rotated too leads to one real refresh, not a failure', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const a = client(emu, { cache })
    const b = client(emu, { cache })
    await a.getAccessToken()
    await b.getAccessToken()
    await emu.control.revokeTokens()
    // A meets the revocation first and stores a new token; then that one is revoked as well, while B still
    // holds the first in memory.
    await a.getUserPhoneNumber(await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' }))
    await emu.control.revokeTokens()
    const before = await calls(emu, STABLE)
    const result = await b.getUserPhoneNumber(
      await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138001' }),
    )
    expect(result.phone_info.purePhoneNumber).toBe('13800138001')
    expect((await calls(emu, STABLE)) - before).toBe(1)
  })

  // This test was flaky: whether a token was adopted was decided by comparing timestamps, which fails when
  // the other instance's fetch lands in the same millisecond or its clock runs ahead. Provenance is now
  // counted, not timed; the two clock variants pin that deterministically.
  for (const [clocks, nowA, nowB] of [
    ['', Date.now, Date.now],
    [' when the instance that stored it has a clock 5 s ahead', () => Date.now() + 5000, Date.now],
    [' when every call lands in the same millisecond', () => 1_800_000_000_000, () => 1_800_000_000_000],
  ] as const) {
    test(`a ticket fetch meeting a rotated token adopted from the shared cache refreshes once and succeeds${clocks}`, async () => {
      const emu = await emulator()
      const cache = new Keyv()
      const a = client(emu, { cache, now: nowA })
      const b = client(emu, { cache, now: nowB })
      await a.getAccessToken()
      await b.getAccessToken()
      await emu.control.revokeTokens()
      await a.getAccessToken({ reload: true })
      await emu.control.revokeTokens()
      const before = await calls(emu, STABLE)
      expect(await b.getJsTicket()).toMatch(/.{20,}/)
      expect((await calls(emu, STABLE)) - before).toBe(1)
    })
  }

  test('an instance picks up a newer token from the shared cache once its memory copy is old', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const a = client(emu, { cache, tokenMode: 'classic' })
    const b = client(emu, { cache, tokenMode: 'classic', memoryTtlMs: 0 })
    const first = await b.getAccessToken()
    const second = await a.getAccessToken({ reload: true })
    expect(second).not.toBe(first)
    // The stale copy is served at once while the shared cache is checked in the background.
    expect(await b.getAccessToken()).toBe(first)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await b.getAccessToken()).toBe(second)
    expect(await calls(emu, '/cgi-bin/token')).toBe(2)
  })
})

describe('the cross-process lock', () => {
  test('instances sharing a cache and a lock make one token call on a cold start', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const lock = memoryLock()
    const clients = Array.from({ length: 5 }, () => client(emu, { cache, lock, lockTimings: { pollMs: 5 } }))
    const tokens = await Promise.all(clients.map((c) => c.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(await calls(emu, STABLE)).toBe(1)
    expect(lock.acquired).toEqual([`wxkit:${DEFAULT_APP.appId}:lock:access_token`])
    expect(lock.held.size).toBe(0)
  })

  test('without the lock the same instances each fetch (the lock is what saves the calls)', async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const clients = Array.from({ length: 5 }, () => client(emu, { cache }))
    await Promise.all(clients.map((c) => c.getAccessToken()))
    expect(await calls(emu, STABLE)).toBe(5)
  })

  test('the ticket has its own lock key', async () => {
    const emu = await emulator()
    const lock = memoryLock()
    await client(emu, { lock }).getJsTicket()
    expect(lock.acquired).toEqual([
      `wxkit:${DEFAULT_APP.appId}:lock:jsapi_ticket`,
      `wxkit:${DEFAULT_APP.appId}:lock:access_token`,
    ])
  })

  test('a waiter fetches itself after the bounded wait when the holder never writes', async () => {
    const emu = await emulator()
    const lock = { acquire: async () => undefined }
    const wechat = client(emu, { lock, lockTimings: { waitMs: 60, pollMs: 10 } })
    expect(await wechat.getAccessToken()).toMatch(/^\d+_/)
    expect(await calls(emu, STABLE)).toBe(1)
  })

  test('a failing lock is treated as absent and warned about once', async () => {
    const emu = await emulator()
    const warnings: string[] = []
    const lock = {
      acquire: async () => {
        throw new Error('redis down')
      },
    }
    const wechat = client(emu, { lock, logger: { warn: (m) => warnings.push(m) } })
    await wechat.getAccessToken()
    await wechat.getJsTicket()
    expect(warnings).toEqual([expect.stringMatching(/lock unavailable/)])
  })
})
