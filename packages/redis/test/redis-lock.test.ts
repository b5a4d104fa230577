import { randomUUID } from 'node:crypto'
import { inspect } from 'node:util'
import KeyvRedis from '@keyv/redis'
import { createClient } from '@redis/client'
import type { WechatLock } from '@wxkit/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRedisLock, isRedisLockError, type RedisLock, RedisLockError } from '../src/index.js'
import { freePort, type RedisServer, startRedisServer } from './support/redis-server.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const run = `wxkit-redis-test:${randomUUID()}:`

const admin = createClient({ url: REDIS_URL })
const locks: RedisLock[] = []

function lock(options: Parameters<typeof createRedisLock>[1] = {}): RedisLock {
  const created = createRedisLock(REDIS_URL, { keyPrefix: run, ...options })
  locks.push(created)
  return created
}

beforeAll(async () => {
  await admin.connect()
})

afterEach(async () => {
  await Promise.all(locks.splice(0).map((l) => l.close()))
})

afterAll(async () => {
  for await (const keys of admin.scanIterator({ MATCH: `${run}*`, COUNT: 1000 })) {
    if (keys.length > 0) await admin.del(keys)
  }
  await admin.close()
})

describe('createRedisLock', () => {
  it("fits @wxkit/core's WechatLock option as is", async () => {
    const coreLock: WechatLock = lock()
    const release = await coreLock.acquire('fits', 1000)
    expect(release).toBeTypeOf('function')
    await release?.()
  })

  it('takes a free key with SET NX PX and an owner token, and turns away a second owner', async () => {
    const a = lock()
    const b = lock()
    const release = await a.acquire('token', 5000)
    expect(release).toBeTypeOf('function')
    const owner = await admin.get(`${run}token`)
    expect(owner).toMatch(/^[\w-]{16,}$/)
    const ttl = await admin.pTTL(`${run}token`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5000)
    expect(await b.acquire('token', 5000)).toBeUndefined()
    await release?.()
    expect(await admin.exists(`${run}token`)).toBe(0)
    expect(await b.acquire('token', 5000)).toBeTypeOf('function')
  })

  it('gives the key to exactly one of many concurrent owners', async () => {
    const contenders = Array.from({ length: 5 }, () => lock())
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => contenders[i % 5]?.acquire('stampede', 5000)),
    )
    expect(results.filter((r) => r !== undefined)).toHaveLength(1)
  })

  it('lets the key expire after its ttl so a crashed owner cannot block the cluster', async () => {
    const a = lock()
    const b = lock()
    expect(await a.acquire('expiring', 50)).toBeTypeOf('function')
    await expect.poll(() => admin.exists(`${run}expiring`), { timeout: 2000, interval: 20 }).toBe(0)
    expect(await b.acquire('expiring', 5000)).toBeTypeOf('function')
  })

  it('never deletes a key that another owner took after ours expired (compare-and-delete)', async () => {
    const a = lock()
    const b = lock()
    const staleRelease = await a.acquire('cas', 50)
    await expect.poll(() => admin.exists(`${run}cas`), { timeout: 2000, interval: 20 }).toBe(0)
    const release = await b.acquire('cas', 5000)
    expect(release).toBeTypeOf('function')
    const owner = await admin.get(`${run}cas`)
    await staleRelease?.()
    expect(await admin.get(`${run}cas`)).toBe(owner)
    await release?.()
    expect(await admin.exists(`${run}cas`)).toBe(0)
  })

  it('makes release idempotent: a second call does not delete a newer owner', async () => {
    const a = lock()
    const b = lock()
    const release = await a.acquire('twice', 5000)
    await release?.()
    const next = await b.acquire('twice', 5000)
    expect(next).toBeTypeOf('function')
    await release?.()
    expect(await admin.exists(`${run}twice`)).toBe(1)
  })

  it('prefixes keys with wxkit:lock: by default', async () => {
    const key = `${randomUUID()}`
    const l = createRedisLock(REDIS_URL)
    locks.push(l)
    const release = await l.acquire(key, 5000)
    expect(await admin.exists(`wxkit:lock:${key}`)).toBe(1)
    await release?.()
    expect(await admin.exists(`wxkit:lock:${key}`)).toBe(0)
  })

  it('shares a connected node-redis client, and close() leaves that client open', async () => {
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    try {
      const l = createRedisLock(client, { keyPrefix: run })
      const release = await l.acquire('borrowed', 5000)
      expect(release).toBeTypeOf('function')
      await release?.()
      await l.close()
      expect(client.isReady).toBe(true)
      expect(await client.ping()).toBe('PONG')
      await expect(l.acquire('borrowed', 5000)).rejects.toBeInstanceOf(RedisLockError)
    } finally {
      await client.close()
    }
  })

  it('shares the client inside a KeyvRedis store (one connection for cache and lock)', async () => {
    const store = new KeyvRedis(REDIS_URL)
    try {
      await store.set(`${run}warm`, 'x') // KeyvRedis connects lazily on first use
      const l = createRedisLock(store.client as Parameters<typeof createRedisLock>[0], { keyPrefix: run })
      const release = await l.acquire('keyv-shared', 5000)
      expect(release).toBeTypeOf('function')
      await release?.()
    } finally {
      await store.disconnect()
    }
  })

  it('rejects with a RedisLockError when a borrowed client was never connected', async () => {
    const client = createClient({ url: REDIS_URL })
    const l = createRedisLock(client, { keyPrefix: run })
    const error = await l.acquire('unconnected', 5000).catch((e: unknown) => e)
    expect(isRedisLockError(error)).toBe(true)
    expect((error as Error).message).toMatch(/not connected/)
  })

  it('rejects acquire (never hangs, never emits an unhandled error) when nothing listens at the URL', async () => {
    const port = await freePort()
    const errors: unknown[] = []
    const l = lock({ onError: (e) => errors.push(e) })
    const dead = createRedisLock(`redis://:s3cret-pass@127.0.0.1:${port}`, { onError: (e) => errors.push(e) })
    locks.push(dead)
    expect(await l.acquire('alive', 1000)).toBeTypeOf('function')
    for (let i = 0; i < 3; i++) {
      const error = await dead.acquire('dead', 1000).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RedisLockError)
      expect(inspect(error, { depth: 10 })).not.toContain('s3cret-pass')
      expect(JSON.stringify(error)).not.toContain('s3cret-pass')
    }
    expect(errors.length).toBeGreaterThan(0)
  })

  it('validates its options and arguments with errors that name the package and never echo the URL', async () => {
    expect(() => createRedisLock('http://user:hunter2@example.com')).toThrow(/@wxkit\/redis.*redis:\/\//)
    expect(() => createRedisLock('not a url :hunter2')).toThrow(TypeError)
    try {
      createRedisLock('redis//:hunter2@host')
    } catch (error) {
      expect(String(error)).not.toContain('hunter2')
    }
    expect(() => createRedisLock(REDIS_URL, { timeout: 0 })).toThrow(/timeout/)
    expect(() => createRedisLock({} as never)).toThrow(/node-redis client/)
    const l = lock()
    await expect(l.acquire('', 1000)).rejects.toThrow(/key/)
    await expect(l.acquire('k', 0)).rejects.toThrow(/ttlMs/)
  })
})

describe('createRedisLock during a Redis outage', () => {
  let server: RedisServer

  beforeAll(async () => {
    server = await startRedisServer()
  })

  afterAll(async () => {
    server.resume()
    await server.kill()
  })

  it('rejects while Redis is down and takes locks again once it is back', async () => {
    const errors: unknown[] = []
    const l = createRedisLock(server.url, { onError: (e) => errors.push(e) })
    locks.push(l)
    const release = await l.acquire('outage', 5000)
    expect(release).toBeTypeOf('function')
    await release?.()

    await server.kill()
    for (let i = 0; i < 5; i++) {
      await expect(l.acquire('outage', 5000)).rejects.toBeInstanceOf(RedisLockError)
    }
    await server.restart()
    await expect
      .poll(async () => typeof (await l.acquire('outage', 5000).catch(() => 'down')), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe('function')
    expect(errors.length).toBeGreaterThan(0)
  })

  it('gives up after `timeout` when Redis stops answering, and hands back a lock taken too late', async () => {
    await server.restart()
    const watcher = createClient({ url: server.url })
    await watcher.connect()
    const l = createRedisLock(server.url, { timeout: 200 })
    locks.push(l)
    try {
      await l.acquire('warm-up', 1000).then((release) => release?.())
      server.pause()
      const error = await l.acquire('frozen', 60_000).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RedisLockError)
      expect((error as Error).message).toMatch(/took longer than 200 ms/)
      server.resume()
      // The SET queued on the socket runs once Redis thaws; the late-lock hand-back deletes it again.
      await expect.poll(() => watcher.exists('wxkit:lock:frozen'), { timeout: 5000, interval: 50 }).toBe(0)
      expect(await l.acquire('frozen', 60_000)).toBeTypeOf('function')
    } finally {
      server.resume()
      await watcher.close()
    }
  })
})
