import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { calls, client, DEFAULT_APP, emulator } from './helpers.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A Keyv storage adapter that can be switched into failing (rejecting, throwing or hanging). */
function flakyStore() {
  const data = new Map<string, unknown>()
  const state = { mode: 'ok' as 'ok' | 'reject' | 'throw' | 'hang' }
  const run = <T>(fn: () => T): Promise<T> => {
    if (state.mode === 'reject') return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'))
    if (state.mode === 'throw') throw new Error('store exploded')
    if (state.mode === 'hang') return new Promise<T>(() => {})
    return Promise.resolve(fn())
  }
  const store = {
    get: (key: string) => run(() => data.get(key)),
    set: (key: string, value: unknown) => run(() => void data.set(key, value)),
    delete: (key: string) => run(() => data.delete(key)),
    clear: () => run(() => data.clear()),
  }
  return { store, data, state }
}

describe('shared cache outages', () => {
  test.each(['reject', 'throw'] as const)(
    'a store that %ss fails no call, warns once, and is used again when it recovers',
    async (mode) => {
      const emu = await emulator()
      const flaky = flakyStore()
      const warnings: string[] = []
      const errors: unknown[] = []
      const wechat = client(emu, {
        cache: new Keyv({ store: flaky.store }),
        memoryTtlMs: 0,
        logger: { warn: (m) => warnings.push(m) },
        hooks: { onError: [({ error }) => errors.push(error)] },
      })
      flaky.state.mode = mode
      for (let i = 0; i < 5; i++) await wechat.getJsSdkConfig('https://example.com/')
      await wechat.getAccessToken({ reload: true })
      expect(warnings).toEqual([expect.stringMatching(/token cache unavailable/)])
      expect(errors).toHaveLength(1)
      expect(flaky.data.size).toBe(0)

      flaky.state.mode = 'ok'
      await wechat.getAccessToken({ reload: true })
      expect([...flaky.data.keys()].some((k) => k.includes(`wxkit:${DEFAULT_APP.appId}:access_token`))).toBe(
        true,
      )
      expect(warnings).toHaveLength(1)
    },
  )

  test('a hanging store is bounded by cacheTimeoutMs', async () => {
    const emu = await emulator()
    const flaky = flakyStore()
    flaky.state.mode = 'hang'
    const warnings: string[] = []
    const wechat = client(emu, {
      cache: new Keyv({ store: flaky.store }),
      cacheTimeoutMs: 30,
      logger: { warn: (m) => warnings.push(m) },
    })
    const config = await wechat.getJsSdkConfig('https://example.com/')
    expect(config.signature).toMatch(/^[0-9a-f]{40}$/)
    expect(warnings).toHaveLength(1)
  })

  test("Keyv 'error' events never become unhandled and count as an outage", async () => {
    const emu = await emulator()
    const cache = new Keyv()
    const warnings: string[] = []
    const wechat = client(emu, { cache, logger: { warn: (m) => warnings.push(m) } })
    expect(() => cache.emit('error', new Error('socket closed'))).not.toThrow()
    expect(await wechat.getAccessToken()).toMatch(/^\d+_/)
    expect(warnings).toHaveLength(1)
  })

  test('an unreachable Redis (@keyv/redis) fails no call and warns once', async () => {
    const emu = await emulator()
    const adapter = new KeyvRedis('redis://127.0.0.1:1', { throwOnConnectError: true })
    const cache = new Keyv(adapter, { namespace: `wxkit-test-${process.pid}-${Date.now()}` })
    const warnings: string[] = []
    const wechat = client(emu, { cache, cacheTimeoutMs: 200, logger: { warn: (m) => warnings.push(m) } })
    try {
      await wechat.getJsSdkConfig('https://example.com/')
      await wechat.getAccessToken()
      expect(warnings).toHaveLength(1)
      expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
    } finally {
      // The client keeps reconnecting to the dead port; tear it down without waiting for it.
      ;(adapter.client as unknown as { destroy(): void }).destroy()
    }
  })
})

describe('a shared Redis store', () => {
  test('two Wechat instances sharing one @keyv/redis store reuse one token and one ticket', async () => {
    const emu = await emulator()
    const namespace = `wxkit-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`
    const adapterA = new KeyvRedis(REDIS_URL)
    const adapterB = new KeyvRedis(REDIS_URL)
    try {
      const a = client(emu, { cache: new Keyv(adapterA, { namespace }) })
      const b = client(emu, { cache: new Keyv(adapterB, { namespace }) })
      const tokenA = await a.getAccessToken()
      const tokenB = await b.getAccessToken()
      expect(tokenB).toBe(tokenA)
      expect(await a.getJsTicket()).toBe(await b.getJsTicket())
      const counters = await emu.control.counters()
      expect(counters.calls['/cgi-bin/stable_token']).toBe(1)
      expect(counters.calls['/cgi-bin/ticket/getticket']).toBe(1)
    } finally {
      await adapterA.clear().catch(() => {})
      await adapterA.disconnect().catch(() => {})
      await adapterB.disconnect().catch(() => {})
    }
  })
})
