import KeyvRedis from '@keyv/redis'
import { createRedisLock } from '@wxkit/redis'
import Keyv from 'keyv'
import { afterEach, describe, expect, it } from 'vitest'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import {
  attemptStatuses,
  NOTIFY_URL,
  placeOrder,
  recordingHandlers,
  send,
  startPayTestBed,
  startRelay,
  startShop,
} from './support/pay-shop.js'
import { startPrivateRedis } from './support/private-redis.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const { emulator, pay } = await startPayTestBed()

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A Keyv on Redis at `url` under `namespace` and a lock on the same server, closed after the test. */
function redisStoreAndLock(url: string, namespace: string) {
  const adapter = new KeyvRedis(url)
  closers.push(() => (adapter.client as unknown as { destroy(): void }).destroy())
  const lock = createRedisLock(url)
  closers.push(() => lock.close())
  return { store: new Keyv(adapter, { namespace }), lock }
}

describe('exactly once across an Express 5 and an Express 4 instance sharing Redis', () => {
  it('runs the handler once when copies of a notification reach both instances at the same instant', async () => {
    const namespace = `wxkit-express-pay-${process.pid}-${Date.now().toString(36)}`
    const handlers = recordingHandlers()
    const slowly = handlers.options.onTransaction
    const origins: string[] = []
    for (const version of EXPRESS_VERSIONS) {
      origins.push(
        await startShop(version, pay, {
          ...handlers.options,
          ...redisStoreAndLock(REDIS_URL, namespace),
          // Slow enough that the second copy arrives while the first still runs.
          onTransaction: async (resource, context) => {
            await sleep(300)
            await slowly(resource, context)
          },
        }),
      )
    }
    // The relay hands every notification to both instances at once: WeChat Pay's duplicates at worst.
    const relay = await startRelay(origins)
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const orders: string[] = []
    for (let order = 0; order < 3; order++) {
      const out_trade_no = await placeOrder(pay)
      orders.push(out_trade_no)
      await emulator.control.payOrder({ out_trade_no })
      expect(await attemptStatuses(emulator, out_trade_no)).toEqual([204])
      // The copy that found the lock taken waited for the holder's done marker and answered 204 too.
      expect(relay.received.at(-1)?.answers.map((answer) => answer.status)).toEqual([204, 204])
    }
    expect(handlers.recorder.runs.map((run) => run.resource.out_trade_no)).toEqual(orders)
    // Later copies, to either instance, find the done marker.
    for (const received of relay.received) {
      for (const origin of origins) expect((await send(`${origin}/pay/notify`, received)).status).toBe(204)
    }
    expect(handlers.recorder.runs).toHaveLength(3)
  }, 60_000)
})

describe.each(EXPRESS_VERSIONS)('a Redis that fails, on $name', (version) => {
  async function shopOnPrivateRedis() {
    const redis = await startPrivateRedis()
    closers.push(() => redis.close())
    const handlers = recordingHandlers()
    const origin = await startShop(version, pay, {
      ...handlers.options,
      ...redisStoreAndLock(redis.url, 'wxkit-express-pay-outage'),
      storeTimeoutMs: 300,
    })
    const relay = await startRelay([origin])
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const paid = async () => {
      const out_trade_no = await placeOrder(pay)
      await emulator.control.payOrder({ out_trade_no })
      return { out_trade_no, received: relay.received.at(-1) }
    }
    expect((await paid()).received?.status).toBe(204)
    return { redis, handlers, paid }
  }

  it('answers 500 FAIL within the store bound once it died, never 204, and runs no handler', async () => {
    const { redis, handlers, paid } = await shopOnPrivateRedis()
    redis.kill()
    for (let order = 0; order < 2; order++) {
      const { out_trade_no, received } = await paid()
      expect(received?.status).toBe(500)
      expect(JSON.parse(received?.answers[0]?.body ?? '')).toEqual({
        code: 'FAIL',
        message: expect.any(String),
      })
      // One bounded store call (300 ms) decides; slack for a loaded machine.
      expect(received?.ms).toBeLessThan(1500)
      expect(await attemptStatuses(emulator, out_trade_no)).toEqual([500])
    }
    expect(handlers.recorder.runs).toHaveLength(1)
    expect(handlers.recorder.logs).toEqual([
      expect.stringMatching(/pay notification store failed or did not answer in time/),
    ])
    expect(handlers.recorder.errors).toHaveLength(2)
  }, 30_000)

  it('answers 500 FAIL while Redis is frozen, and WeChat Pay’s retry is handled once it answers again', async () => {
    const { redis, handlers, paid } = await shopOnPrivateRedis()
    await redis.cli('CLIENT', 'PAUSE', '1500', 'ALL')
    const { out_trade_no, received } = await paid()
    expect(received?.status).toBe(500)
    expect(received?.ms).toBeLessThan(1500)
    expect(handlers.recorder.runs).toHaveLength(1)
    await sleep(1600)
    await emulator.control.advanceClock(15_000)
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([500, 204])
    expect(handlers.recorder.runs.map((run) => run.resource.out_trade_no).at(-1)).toBe(out_trade_no)
    expect(handlers.recorder.runs).toHaveLength(2)
    expect(handlers.recorder.logs).toEqual([
      expect.stringMatching(/store failed or did not answer in time/),
      expect.stringMatching(/store answers again/),
    ])
  }, 30_000)
})
