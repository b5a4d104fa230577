import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { afterEach, describe, expect, it } from 'vitest'
import { startRedisServer } from '../../redis/test/support/redis-server.js'
import { WechatMessageServer, type WechatMessageServerOptions } from '../src/index.js'
import { emulator } from './helpers.js'
import { AES_KEY, balance, serve, TOKEN } from './push-fixture.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const adapters: KeyvRedis<unknown>[] = []
afterEach(async () => {
  for (const adapter of adapters.splice(0)) {
    // A client of a killed server keeps reconnecting; tear it down without waiting for it.
    ;(adapter.client as unknown as { destroy(): void }).destroy()
  }
})

function store(url: string, namespace: string): Keyv {
  const adapter = new KeyvRedis(url)
  adapters.push(adapter)
  return new Keyv(adapter, { namespace })
}

/** A unique app per test, so keys never meet another run's on the shared Redis. */
function uniqueApp() {
  return {
    appId: `wxpush${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    appSecret: 's',
  }
}

describe('exactly once across instances sharing Redis', () => {
  it('runs a handler slower than 5 s once although WeChat retries it on the other instance', async () => {
    const app = uniqueApp()
    const emu = await emulator({ apps: [app] })
    const namespace = `wxkit-push-test-${app.appId}`
    let runs = 0
    const instance = (name: string) => {
      const options: WechatMessageServerOptions = {
        token: TOKEN,
        appId: app.appId,
        encodingAESKey: AES_KEY,
        store: store(REDIS_URL, namespace),
        // Longer than WeChat's 5 s, so the first instance is still working when the retry comes.
        replyTimeoutMs: 20_000,
        logger: { warn() {} },
      }
      const server = new WechatMessageServer(options)
      server.on('text', async (message) => {
        runs++
        await sleep(7000)
        return `${name} handled ${message.Content}`
      })
      return serve(server)
    }
    const url = await balance([await instance('A'), await instance('B')])
    const result = await emu.control.pushMessage({
      url,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      message: { MsgType: 'text', Content: 'slow' },
    })
    expect(runs).toBe(1)
    // Try 1 (instance A) timed out; try 2 (instance B) waited for A's reply and answered with it.
    expect(result.attempts.map((attempt) => attempt.status)).toEqual([0, 200])
    expect(result.reply).toMatchObject({ MsgType: 'text', Content: 'A handled slow' })
  }, 60_000)

  it('answers success at replyTimeoutMs, and the retries that follow never run the handler again', async () => {
    const app = uniqueApp()
    const emu = await emulator({ apps: [app] })
    const namespace = `wxkit-push-test-${app.appId}`
    let runs = 0
    const late: unknown[] = []
    const servers = [0, 1].map(() => {
      const server = new WechatMessageServer({
        token: TOKEN,
        appId: app.appId,
        encodingAESKey: AES_KEY,
        store: store(REDIS_URL, namespace),
        logger: { warn() {} },
      })
      server.on('text', async () => {
        runs++
        await sleep(6000)
        return 'finally'
      })
      server.on('lateReply', (event) => late.push(event.reply))
      return server
    })
    const url = await balance([
      await serve(servers[0] as WechatMessageServer),
      await serve(servers[1] as WechatMessageServer),
    ])
    const message = { MsgType: 'text', Content: 'x', MsgId: `${Date.now()}1` }
    const first = await emu.control.pushMessage({ url, token: TOKEN, encodingAESKey: AES_KEY, message })
    expect(first.reply).toBe('success')
    expect(first.attempts).toHaveLength(1)
    // The same message again (as a replay, or a retry after a lost answer) reaches the other instance.
    const again = await emu.control.pushMessage({ url, token: TOKEN, encodingAESKey: AES_KEY, message })
    expect(again.reply).toBe('success')
    await expect.poll(() => late, { timeout: 15_000 }).toEqual([{ type: 'text', content: 'finally' }])
    expect(runs).toBe(1)
  }, 60_000)
})

describe('the store dies mid-run', () => {
  it('keeps answering every message, falls back to memory and warns once per outage', async () => {
    const redis = await startRedisServer()
    try {
      const app = uniqueApp()
      const emu = await emulator({ apps: [app] })
      const warnings: string[] = []
      const server = new WechatMessageServer({
        token: TOKEN,
        appId: app.appId,
        encodingAESKey: AES_KEY,
        store: store(redis.url, 'wxkit-push-outage'),
        storeTimeoutMs: 300,
        logger: { warn: (message) => warnings.push(message) },
      })
      let runs = 0
      server.on('text', (message) => {
        runs++
        return `echo ${message.Content}`
      })
      const url = await serve(server)
      const push = (Content: string, MsgId?: string) =>
        emu.control.pushMessage({
          url,
          token: TOKEN,
          encodingAESKey: AES_KEY,
          message: { MsgType: 'text', Content, ...(MsgId ? { MsgId } : {}) },
        })
      expect((await push('before')).reply).toMatchObject({ Content: 'echo before' })
      expect(warnings).toEqual([])
      await redis.kill()
      for (const word of ['during1', 'during2', 'during3']) {
        const result = await push(word)
        expect(result.reply).toMatchObject({ Content: `echo ${word}` })
        expect(result.attempts).toHaveLength(1)
      }
      // Process memory still catches a duplicate on this instance while the store is down.
      const duplicate = await push('dup', '777000777')
      const again = await push('dup', '777000777')
      expect(again.reply).toMatchObject({ Content: 'echo dup' })
      expect(duplicate.reply).toMatchObject({ Content: 'echo dup' })
      expect(runs).toBe(5)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/dedupe store is unavailable/)
    } finally {
      await redis.kill()
    }
  }, 60_000)
})
