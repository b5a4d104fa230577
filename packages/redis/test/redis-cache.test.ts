import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisCache } from '../src/index.js'
import { freePort, type RedisServer, startRedisServer } from './support/redis-server.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('createRedisCache', () => {
  it('shares values between processes that use the same namespace, and isolates other namespaces', async () => {
    const namespace = `wxkit-test-${randomUUID()}`
    const a = createRedisCache(REDIS_URL, { namespace })
    const b = createRedisCache(REDIS_URL, { namespace })
    const other = createRedisCache(REDIS_URL, { namespace: `${namespace}-other` })
    try {
      await a.set('token', { value: 'T1' }, 60_000)
      expect(await b.get('token')).toEqual({ value: 'T1' })
      expect(await other.get('token')).toBeUndefined()
      await a.delete('token')
    } finally {
      await Promise.all([a.disconnect(), b.disconnect(), other.disconnect()])
    }
  })

  it('reports misses instead of throwing or hanging when nothing listens at the URL', async () => {
    const cache = createRedisCache(`redis://127.0.0.1:${await freePort()}`, { timeout: 300 })
    const errors: unknown[] = []
    cache.on('error', (e: unknown) => errors.push(e))
    try {
      expect(await cache.get('token')).toBeUndefined()
      await expect(cache.set('token', 'x', 1000)).resolves.toBeDefined()
    } finally {
      await cache.disconnect().catch(() => undefined)
    }
    expect(errors.length).toBeGreaterThan(0)
  })

  describe('during an outage', () => {
    let server: RedisServer
    beforeAll(async () => {
      server = await startRedisServer()
    })
    afterAll(async () => {
      await server.kill()
    })

    it('answers misses at once while Redis is down (no offline queue) and recovers when it returns', async () => {
      const cache = createRedisCache(server.url, { namespace: 'outage' })
      try {
        await cache.set('token', 'T1', 60_000)
        expect(await cache.get('token')).toBe('T1')
        await server.kill()
        // A plain KeyvRedis would queue these reads until Redis returns; here they miss right away.
        for (let i = 0; i < 3; i++) expect(await cache.get('token')).toBeUndefined()
        await server.restart()
        await expect
          .poll(
            async () => {
              await cache.set('token', 'T2', 60_000)
              return cache.get('token')
            },
            { timeout: 10_000, interval: 100 },
          )
          .toBe('T2')
      } finally {
        await cache.disconnect().catch(() => undefined)
      }
    })
  })
})
