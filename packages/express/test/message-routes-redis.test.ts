import { createServer } from 'node:http'
import KeyvRedis from '@keyv/redis'
import { WechatMessageServer } from '@wxkit/core'
import type { RunningEmulator } from '@wxkit/emulator'
import { createRedisLock, type RedisLock } from '@wxkit/redis'
import type { Express } from 'express'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import { AES_KEY, balance, TOKEN } from '../../core/test/push-fixture.js'
import { messageRoutes } from '../src/index.js'
import { echoServer } from './support/echo-server.js'
import { DEFAULT_APP, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { startPrivateRedis } from './support/private-redis.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A Keyv on Redis at `url` under `namespace`, torn down after the test (also when the server died). */
function redisStore(url: string, namespace: string): Keyv {
  const adapter = new KeyvRedis(url)
  closers.push(() => (adapter.client as unknown as { destroy(): void }).destroy())
  return new Keyv(adapter, { namespace })
}

function redisLock(url: string): RedisLock {
  const lock = createRedisLock(url)
  closers.push(() => lock.close())
  return lock
}

/** One Express app (of the given major) serving `server` at /wechat/messages; its URL. */
async function expressApp(version: (typeof EXPRESS_VERSIONS)[number], server: WechatMessageServer) {
  const app: Express = version.express()
  app.use('/wechat/messages', messageRoutes(server))
  return `${await listenForTest(createServer(app))}/wechat/messages`
}

describe('exactly once across two Express apps sharing Redis', () => {
  it('runs a handler slower than 5 s once, although WeChat retries it on the other app', async () => {
    const namespace = `wxkit-express-push-${process.pid}-${Date.now().toString(36)}`
    let runs = 0
    const urls: string[] = []
    // Express 5 takes the first try, Express 4 the retry: the same store, the same lock.
    for (const [index, version] of EXPRESS_VERSIONS.entries()) {
      const server = new WechatMessageServer({
        token: TOKEN,
        appId: DEFAULT_APP.appId,
        encodingAESKey: AES_KEY,
        store: redisStore(REDIS_URL, namespace),
        lock: redisLock(REDIS_URL),
        // Longer than WeChat's 5 s, so the first app is still working when the retry comes.
        replyTimeoutMs: 20_000,
        logger: { warn() {} },
      })
      server.on('text', async (message) => {
        runs++
        await sleep(7000)
        return `app ${index} (${version.name}) handled ${message.Content}`
      })
      urls.push(await expressApp(version, server))
    }
    const result = await emulator.control.pushMessage({
      url: await balance(urls),
      token: TOKEN,
      encodingAESKey: AES_KEY,
      message: { MsgType: 'text', Content: 'slow' },
    })
    expect(runs).toBe(1)
    // Try 1 (Express 5) got no answer within 5 s; try 2 (Express 4) waited for its reply and answered it.
    expect(result.attempts.map((attempt) => attempt.status)).toEqual([0, 200])
    expect(result.reply).toMatchObject({ MsgType: 'text', Content: 'app 0 (Express 5) handled slow' })
  }, 60_000)
})

describe.each(EXPRESS_VERSIONS)('the dedupe store dies mid-run on $name', (version) => {
  it('keeps answering every push through the route, and the server warns once', async () => {
    const redis = await startPrivateRedis()
    closers.push(() => redis.close())
    const { server, recorder } = echoServer({
      encodingAESKey: AES_KEY,
      store: redisStore(redis.url, 'wxkit-express-push-outage'),
      storeTimeoutMs: 300,
    })
    const url = await expressApp(version, server)
    const push = (Content: string) =>
      emulator.control.pushMessage({
        url,
        token: TOKEN,
        encodingAESKey: AES_KEY,
        message: { MsgType: 'text', Content },
      })
    expect((await push('before')).reply).toMatchObject({ Content: 'echo before' })
    redis.kill()
    for (const word of ['during1', 'during2']) {
      const result = await push(word)
      expect(result.attempts.map((attempt) => attempt.status)).toEqual([200])
      expect(result.reply).toMatchObject({ Content: `echo ${word}` })
    }
    expect(recorder.runs).toHaveLength(3)
    expect(recorder.logs).toEqual([expect.stringMatching(/dedupe store is unavailable/)])
  }, 60_000)
})
