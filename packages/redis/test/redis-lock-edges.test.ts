// The lock's edges that redis-lock.test.ts does not reach (found by `pnpm mutate`): option and argument
// checks, client shapes, closing an owned connection, and a release that fails. Real Redis at REDIS_URL.
import { randomUUID } from 'node:crypto'
import { createClient } from '@redis/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisLock, isRedisLockError } from '../src/index.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const run = `wxkit-redis-edges:${randomUUID()}:`
const admin = createClient({ url: REDIS_URL })

beforeAll(async () => {
  await admin.connect()
})

afterAll(async () => {
  for await (const keys of admin.scanIterator({ MATCH: `${run}*`, COUNT: 1000 })) {
    if (keys.length > 0) await admin.del(keys)
  }
  await admin.close()
})

describe('createRedisLock refuses what it cannot work with, at once', () => {
  it('a timeout that is not a positive finite number of ms', () => {
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000'])
      expect(() => createRedisLock(REDIS_URL, { timeout: timeout as number })).toThrow(TypeError)
  })

  it('a keyPrefix that is not a string', () => {
    for (const keyPrefix of [1, {}, ['wxkit:']])
      expect(() => createRedisLock(REDIS_URL, { keyPrefix: keyPrefix as never })).toThrow(TypeError)
  })

  it('a client missing any of set, eval, on and off, or no object at all', () => {
    const complete = { set() {}, eval() {}, on() {}, off() {}, isOpen: true, isReady: true }
    for (const missing of ['set', 'eval', 'on', 'off']) {
      const { [missing as keyof typeof complete]: _, ...client } = complete
      expect(() => createRedisLock(client as never)).toThrow(TypeError)
      expect(() => createRedisLock({ ...client, [missing]: 'not a function' } as never)).toThrow(TypeError)
    }
    expect(() => createRedisLock(null as never)).toThrow(TypeError)
    expect(() => createRedisLock(undefined as never)).toThrow(TypeError)
  })

  it('a URL whose scheme is not redis: or rediss: (rediss:, TLS, is accepted)', async () => {
    for (const url of ['http://127.0.0.1:6379', 'tcp://127.0.0.1:6379', 'unix:/tmp/redis.sock'])
      expect(() => createRedisLock(url)).toThrow(TypeError)
    await createRedisLock('rediss://127.0.0.1:6379').close()
  })

  it('a key that is not a non-empty string, a ttl that is not a positive finite number', async () => {
    const lock = createRedisLock(REDIS_URL, { keyPrefix: run })
    try {
      for (const key of ['', 7, undefined])
        await expect(lock.acquire(key as string, 1000)).rejects.toBeInstanceOf(TypeError)
      for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
        await expect(lock.acquire('k', ttl)).rejects.toBeInstanceOf(TypeError)
      expect(await admin.exists(`${run}k`)).toBe(0)
    } finally {
      await lock.close()
    }
  })
})

describe('acquire', () => {
  it('holds a key with a ttl under a millisecond for at least that millisecond, not zero', async () => {
    const lock = createRedisLock(REDIS_URL, { keyPrefix: run })
    try {
      // SET … PX needs a positive integer: 0.4 ms becomes 1 ms, not 0 (which Redis refuses).
      expect(await lock.acquire('sub-ms', 0.4)).toBeTypeOf('function')
    } finally {
      await lock.close()
    }
  })

  it('sets the ttl it was given (rounded up to whole ms), not a shorter one', async () => {
    const lock = createRedisLock(REDIS_URL, { keyPrefix: run })
    try {
      await lock.acquire('ttl', 60_000.5)
      const ttl = await admin.pTTL(`${run}ttl`)
      expect(ttl).toBeGreaterThan(50_000)
      expect(ttl).toBeLessThanOrEqual(60_001)
    } finally {
      await lock.close()
    }
  })
})

describe('an owned connection', () => {
  it('connects on first use, and close() ends it: later acquires reject and nothing reconnects', async () => {
    const before = await admin.clientList()
    const lock = createRedisLock(REDIS_URL, { keyPrefix: run })
    expect(await admin.clientList()).toHaveLength(before.length)
    const release = await lock.acquire('owned', 5000)
    await release?.()
    await lock.close()
    await lock.close() // twice is harmless
    const error = await lock.acquire('owned', 5000).catch((e: unknown) => e)
    expect(isRedisLockError(error)).toBe(true)
    await expect.poll(async () => (await admin.clientList()).length, { timeout: 5000 }).toBe(before.length)
  })

  it('close() before any use opens nothing and resolves', async () => {
    const lock = createRedisLock(REDIS_URL, { keyPrefix: run })
    await lock.close()
    expect(isRedisLockError(await lock.acquire('never', 5000).catch((e: unknown) => e))).toBe(true)
  })
})

describe('release', () => {
  it('a release that fails resolves, hands the error to onError, and leaves the key to expire', async () => {
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    const errors: unknown[] = []
    const lock = createRedisLock(client, { keyPrefix: run, onError: (e) => errors.push(e) })
    const release = await lock.acquire('failing-release', 5000)
    client.destroy() // the connection is gone before the release
    await expect(release?.()).resolves.toBeUndefined()
    expect(errors).toHaveLength(1)
    expect(isRedisLockError(errors[0])).toBe(true)
    expect(await admin.exists(`${run}failing-release`)).toBe(1)
    await lock.close()
  })
})
