// biome-ignore-all lint/style/noNonNullAssertion: the README's production snippets read required env vars with `!`
import KeyvRedis from '@keyv/redis'
import { createClient } from '@redis/client'
import { Wechat as RealWechat, type WechatConfig } from '@wxkit/core'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest'
import { createRedisCache, createRedisLock } from '../src/index.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'
import { freePort, type RedisServer, startRedisServer } from './support/redis-server.js'

// Each README block below is a region of a test that runs it against the emulator and a private
// redis-server. The blocks build `new Wechat({ appId, appSecret, … })` for production, without a baseURL;
// their tests run them with `Wechat` bound to a subclass that adds the emulator's origin and remembers the
// clients and the configuration it got (so the test can close what the block opened), nothing else.

let emu: RunningEmulator
let redisServer: RedisServer
beforeAll(async () => {
  ;[emu, redisServer] = await Promise.all([startEmulator({ port: 0 }), startRedisServer()])
})
afterAll(async () => {
  await Promise.all([emu?.close(), redisServer?.kill()])
})

const made: { wechat: RealWechat; config: WechatConfig }[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  for (const { wechat, config } of made.splice(0)) {
    await wechat.close()
    await config.cache?.disconnect()
    const lock = config.lock as { close?: () => Promise<void> } | undefined
    await lock?.close?.()
  }
  await emu.control.reset()
  const flush = createClient({ url: redisServer.url })
  await flush.connect()
  await flush.flushAll()
  await flush.close()
})

/** `Wechat` as the README's code sees it: the real client, pointed at the emulator. */
class Wechat extends RealWechat {
  constructor(config: WechatConfig) {
    super({ ...config, baseURL: emu.apiBaseUrl })
    made.push({ wechat: this, config })
  }
}

const redisImports = "import { createRedisCache, createRedisLock } from '@wxkit/redis'\n\n"
test.each([
  [
    'cluster',
    '## Cluster setup',
    "import KeyvRedis from '@keyv/redis'\nimport { Wechat } from '@wxkit/core'\n" +
      "import { createRedisLock } from '@wxkit/redis'\nimport Keyv from 'keyv'\n\n",
    undefined,
  ],
  ['outages', '### Redis outages', redisImports, undefined],
  ['one-connection', '### One connection', "import { createClient } from '@redis/client'\n\n", undefined],
  [
    'core-redis',
    '### Redis',
    "import KeyvRedis from '@keyv/redis'\nimport Keyv from 'keyv'\nimport { createRedisLock } from '@wxkit/redis'\n\n",
    '../../core/README.md',
  ],
])('the README example %s is exactly the code its test runs', (name, heading, imports, readme) => {
  expect(readmeBlock(heading, readme)).toBe(imports + exampleBlock(import.meta.url, name))
})

/** The access_token every given client answers, fetched by all of them at once on a cold cache. */
async function tokens(clients: RealWechat[]): Promise<string[]> {
  return Promise.all(clients.map((wechat) => wechat.getAccessToken()))
}

/** One process of the cluster: the README's setup, as each process runs it. */
function clusterProcess(): RealWechat {
  // README:cluster:begin
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

  const wechat = new Wechat({
    appId: process.env.WECHAT_APP_ID!,
    appSecret: process.env.WECHAT_APP_SECRET!,
    cache: new Keyv({ store: new KeyvRedis(url) }),
    lock: createRedisLock(url),
  })
  // README:cluster:end
  return wechat
}

test('the cluster setup: two processes on a cold cache share one token and make one token call', async () => {
  vi.stubEnv('REDIS_URL', redisServer.url)
  vi.stubEnv('WECHAT_APP_ID', DEFAULT_APP.appId)
  vi.stubEnv('WECHAT_APP_SECRET', DEFAULT_APP.appSecret)

  const [a, b] = await tokens([clusterProcess(), clusterProcess()])
  expect(a).toBe(b)
  expect(a).toBe((await emu.control.tokens())[0]?.token)
  expect((await emu.control.counters()).calls['/cgi-bin/stable_token']).toBe(1)
})

/** A process of the outage setup, with Redis at `url`. */
function outageProcess(url: string): RealWechat {
  const { appId, appSecret } = DEFAULT_APP
  // README:outages:begin
  const wechat = new Wechat({
    appId,
    appSecret,
    cache: createRedisCache(url, { namespace: 'wxkit' }),
    lock: createRedisLock(url),
  })
  // README:outages:end
  return wechat
}

test('the outage setup shares the token while Redis is up and keeps working while it is unreachable', async () => {
  const [a, b] = await tokens([outageProcess(redisServer.url), outageProcess(redisServer.url)])
  expect(a).toBe(b)
  expect((await emu.control.counters()).calls['/cgi-bin/stable_token']).toBe(1)
  const [down] = await tokens([outageProcess(`redis://127.0.0.1:${await freePort()}`)])
  expect(down).toBe(a) // fetched directly (stable mode hands back the current token)
  expect((await emu.control.counters()).calls['/cgi-bin/stable_token']).toBe(2)
})

test('one connection serves the cache and the lock of a client', async () => {
  const { appId, appSecret } = DEFAULT_APP
  const url = redisServer.url
  const warned: unknown[] = []
  const log = {
    warn: (...args: unknown[]) => {
      warned.push(args)
    },
  }

  // README:one-connection:begin
  const redis = createClient({ url, disableOfflineQueue: true })
  redis.on('error', (err) => log.warn('redis', err))
  await redis.connect()

  const wechat = new Wechat({
    appId,
    appSecret,
    cache: new Keyv({ store: new KeyvRedis(redis) }),
    lock: createRedisLock(redis),
  })
  // README:one-connection:end

  try {
    const token = await wechat.getAccessToken()
    expect(token).toBe((await emu.control.tokens())[0]?.token)
    expect(await redis.keys('*')).toContainEqual(expect.stringContaining(`wxkit:${appId}:access_token`))
    expect((await redis.clientList()).length).toBe(1)
    expect(warned).toEqual([])
  } finally {
    made.splice(0)
    await wechat.close()
    await redis.close()
  }
})

test("core's Redis example keeps the token in Redis under its namespace", async () => {
  vi.stubEnv('REDIS_URL', redisServer.url)
  const { appId, appSecret } = DEFAULT_APP

  // README:core-redis:begin
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const cache = new Keyv(new KeyvRedis(redisUrl), { namespace: 'wechat' })
  const wechat = new Wechat({ appId, appSecret, cache, lock: createRedisLock(redisUrl) })
  // README:core-redis:end

  const token = await wechat.getAccessToken()
  expect(await cache.get(`wxkit:${appId}:access_token`)).toMatchObject({ value: token })
  expect(token).toBe((await emu.control.tokens())[0]?.token)
})
