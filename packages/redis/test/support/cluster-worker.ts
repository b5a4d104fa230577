/**
 * One "process of the cluster": its own Wechat client and its own Redis connections, driven by the test
 * over IPC. Started with `node --import tsx cluster-worker.ts` (the vitest alias does not reach child
 * processes, so @wxkit/core is imported from its sources by path).
 *
 * Environment: WXKIT_BASE_URL (emulator API origin), WXKIT_REDIS_URL, WXKIT_NAMESPACE,
 * WXKIT_CACHE ('keyv-redis' = `new Keyv({ store: new KeyvRedis(url) })`, 'redis-cache' = createRedisCache).
 */
import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { Wechat } from '../../../core/src/index.ts'
import { createRedisCache, createRedisLock } from '../../src/index.ts'

export type WorkerCommand =
  | { id: number; cmd: 'config'; count: number }
  | { id: number; cmd: 'phone'; codes: string[] }
  | { id: number; cmd: 'loop-start'; concurrency: number }
  | { id: number; cmd: 'loop-stop' }
  | { id: number; cmd: 'lock-ping' }
  | { id: number; cmd: 'exit' }

export interface CallStats {
  ok: number
  failed: number
  /** The first few failure messages, for the assertion message. */
  errors: string[]
  warnings: string[]
}

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`cluster-worker: ${name} is not set`)
  return value
}

const redisUrl = env('WXKIT_REDIS_URL')
const namespace = env('WXKIT_NAMESPACE')
const cacheKind = process.env.WXKIT_CACHE ?? 'keyv-redis'
const warnings: string[] = []

const cache =
  cacheKind === 'redis-cache'
    ? createRedisCache(redisUrl, { namespace })
    : new Keyv({ store: new KeyvRedis(redisUrl), namespace })
const lock = createRedisLock(redisUrl, { keyPrefix: `${namespace}:lock:` })

const wechat = new Wechat({
  appId: env('WXKIT_APP_ID'),
  appSecret: env('WXKIT_APP_SECRET'),
  baseURL: env('WXKIT_BASE_URL'),
  cache,
  lock,
  // The cluster tests count token calls, not latency: a burst of 200 calls on a loaded CI machine can take
  // longer than 5 s, and a request timeout then reads as a failed call (a flake, not a finding).
  timeout: 30_000,
  logger: { warn: (message: string) => warnings.push(message) },
})

const PAGE = 'https://example.com/shop/item?id=42#/detail'

async function burst(count: number, call: () => Promise<unknown>): Promise<CallStats> {
  const results = await Promise.allSettled(Array.from({ length: count }, call))
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  return {
    ok: results.length - failures.length,
    failed: failures.length,
    errors: [...new Set(failures.map((f) => String(f.reason?.message ?? f.reason)))].slice(0, 5),
    warnings: [...warnings],
  }
}

let loop: { running: boolean; done: Promise<CallStats> } | undefined

function startLoop(concurrency: number): void {
  const stats: CallStats = { ok: 0, failed: 0, errors: [], warnings }
  const state = { running: true, done: Promise.resolve(stats) }
  const lane = async (lane: number): Promise<void> => {
    for (let i = 0; state.running; i++) {
      try {
        // Mostly signing (memory only), and every few calls a ticket fetch that presents the access_token,
        // so a token revoked during the outage must be refreshed without the lock or the shared store.
        if ((i + lane) % 10 === 0) await wechat.getJsTicket({ reload: true })
        else await wechat.getJsSdkConfig(PAGE)
        stats.ok++
      } catch (error) {
        stats.failed++
        if (stats.errors.length < 5) stats.errors.push(String((error as Error)?.message ?? error))
      }
      // Yield to the event loop so IPC messages (loop-stop) are handled between calls.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  state.done = Promise.all(Array.from({ length: concurrency }, (_, i) => lane(i))).then(() => ({
    ...stats,
    warnings: [...warnings],
  }))
  loop = state
}

async function handle(message: WorkerCommand): Promise<unknown> {
  switch (message.cmd) {
    case 'config':
      return burst(message.count, () => wechat.getJsSdkConfig(PAGE))
    case 'phone': {
      // A cheap business API that presents the access_token; one single-use code per call.
      const codes = [...message.codes]
      return burst(codes.length, () => wechat.getUserPhoneNumber(codes.pop() ?? ''))
    }
    case 'loop-start':
      startLoop(message.concurrency)
      return { started: true }
    case 'loop-stop': {
      if (!loop) throw new Error('no loop running')
      loop.running = false
      return loop.done
    }
    case 'lock-ping': {
      const release = await lock.acquire(`ping:${process.pid}:${Math.random()}`, 1000)
      await release?.()
      return { ok: release !== undefined }
    }
    case 'exit':
      await lock.close()
      await cache.disconnect().catch(() => undefined)
      setImmediate(() => process.exit(0))
      return { bye: true }
  }
}

process.on('message', (message: WorkerCommand) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String((error as Error)?.message ?? error) }),
  )
})
process.on('unhandledRejection', (reason) => {
  process.send?.({ id: -1, error: `unhandled rejection: ${String(reason)}` })
})
process.send?.({ id: 0, result: 'ready' })
