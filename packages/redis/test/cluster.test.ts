import { randomUUID } from 'node:crypto'
import { createClient } from '@redis/client'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type ClusterWorker, sendAll, startCluster, total } from './support/cluster.js'
import type { CallStats } from './support/cluster-worker.js'
import { type RedisServer, startRedisServer } from './support/redis-server.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PROCESSES = 4
const RUN = `wxkit-cluster-test:${randomUUID()}:`
// Four child processes each load TypeScript sources through tsx: slow on a busy 2-core machine.
const TIMEOUT = { timeout: 120_000 }

let emulator: RunningEmulator
let workers: ClusterWorker[] = []

async function cluster(redisUrl: string, cache?: 'keyv-redis' | 'redis-cache'): Promise<ClusterWorker[]> {
  workers = await startCluster({
    size: PROCESSES,
    baseURL: emulator.apiBaseUrl,
    redisUrl,
    namespace: `${RUN}${randomUUID()}`,
    appId: DEFAULT_APP.appId,
    appSecret: DEFAULT_APP.appSecret,
    ...(cache ? { cache } : {}),
  })
  return workers
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})

afterEach(async () => {
  const problems = workers.flatMap((w) => w.problems)
  await Promise.all(workers.map((w) => w.stop()))
  workers = []
  expect(problems, 'worker processes reported unhandled rejections or crashed').toEqual([])
}, 60_000)

afterAll(async () => {
  await emulator.close()
  const admin = createClient({ url: REDIS_URL })
  await admin.connect()
  for await (const keys of admin.scanIterator({ MATCH: `${RUN}*`, COUNT: 1000 })) {
    if (keys.length > 0) await admin.del(keys)
  }
  await admin.close()
})

describe('a cluster of processes sharing one Redis', () => {
  it(
    `makes one token call and one ticket call for ${PROCESSES} processes × 250 concurrent cold getJsSdkConfig`,
    TIMEOUT,
    async () => {
      await emulator.control.reset()
      const nodes = await cluster(REDIS_URL)
      const stats = total(await sendAll<CallStats>(nodes, { cmd: 'config', count: 250 }))
      expect(stats, stats.errors.join('\n')).toMatchObject({ ok: PROCESSES * 250, failed: 0 })
      const counters = await emulator.control.counters()
      expect(counters.tokensIssued).toBe(1)
      expect(counters.ticketsIssued).toBe(1)
      expect(counters.calls['/cgi-bin/stable_token']).toBe(1)
      expect(counters.calls['/cgi-bin/ticket/getticket']).toBe(1)
    },
  )

  it(
    'refreshes once for a burst of 40001s across every process (compare-and-swap on the shared token)',
    TIMEOUT,
    async () => {
      await emulator.control.reset()
      const nodes = await cluster(REDIS_URL)
      // Warm every process: one token for the cluster.
      expect(total(await phoneCalls(nodes, 5)).failed).toBe(0)
      expect((await emulator.control.counters()).tokensIssued).toBe(1)

      await emulator.control.revokeTokens()
      const stats = total(await phoneCalls(nodes, 50))
      expect(stats, stats.errors.join('\n')).toMatchObject({ ok: PROCESSES * 50, failed: 0 })
      expect((await emulator.control.counters()).tokensIssued).toBe(2)
    },
  )
})

describe.each([
  ['new Keyv({ store: new KeyvRedis(url) })', 'keyv-redis'],
  ['createRedisCache(url)', 'redis-cache'],
] as const)('a cluster whose Redis (%s) goes away mid-run', (_name, cache) => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await startRedisServer()
  })

  afterAll(async () => {
    await redis.kill()
  })

  it(
    'fails no call while Redis is down, and coordinates through Redis again once it is back',
    TIMEOUT,
    async () => {
      await emulator.control.reset()
      const nodes = await cluster(redis.url, cache)
      await sendAll(nodes, { cmd: 'loop-start', concurrency: 10 })
      await until(async () => (await emulator.control.counters()).ticketsIssued >= 1)

      await redis.kill()
      // Tokens die during the outage too, so processes must refresh without the lock or the shared store.
      await emulator.control.revokeTokens()
      await sleep(500)
      await redis.restart()
      const perProcess = await sendAll<CallStats>(nodes, { cmd: 'loop-stop' })
      const during = total(perProcess)
      expect(during.failed, during.errors.join('\n')).toBe(0)
      expect(during.ok).toBeGreaterThan(0)
      // Operators hear about the outage once per process, not once per call.
      for (const { warnings } of perProcess) {
        expect(
          warnings.filter((w) => /cache unavailable/.test(w)),
          warnings.join('\n'),
        ).toHaveLength(1)
      }

      // Recovery: every process can take the lock again, and a new 40001 burst is one refresh again.
      await until(async () =>
        (await sendAll<{ ok: boolean }>(nodes, { cmd: 'lock-ping' }).catch(() => [])).every((r) => r.ok),
      )
      // Some processes may still hold a token older than the one in Redis; after this rotation they swap it
      // for Redis's equally dead one, and that must still end in one refresh, not a failed call.
      const before = (await emulator.control.counters()).tokensIssued
      await emulator.control.revokeTokens()
      const after = total(await phoneCalls(nodes, 25))
      expect(after.failed, after.errors.join('\n')).toBe(0)
      expect((await emulator.control.counters()).tokensIssued - before).toBe(1)
    },
  )
})

/** `each` concurrent getUserPhoneNumber calls in every process, each with its own fresh code. */
async function phoneCalls(nodes: ClusterWorker[], each: number): Promise<CallStats[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const codes = await Promise.all(
        Array.from({ length: each }, () => emulator.control.mintCode({ kind: 'phone' })),
      )
      return node.send<CallStats>({ cmd: 'phone', codes })
    }),
  )
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function until(check: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return
    await sleep(100)
  }
  throw new Error('condition not met in time')
}
