/**
 * One process of the 4 × 250 Redis stampede: its own Wechat client, its own Redis connections.
 * `node --import tsx cluster-worker.ts` with WXKIT_BASE_URL, WXKIT_REDIS_URL, WXKIT_NAMESPACE; on 'go'
 * it fires WXKIT_CALLS concurrent cold getJsSdkConfig calls and answers `{ ok, failed }` over IPC.
 */
import KeyvRedis from '@keyv/redis'
import { Wechat } from '@wxkit/core'
import { DEFAULT_APP } from '@wxkit/emulator'
import { createRedisLock } from '@wxkit/redis'
import Keyv from 'keyv'

const { WXKIT_BASE_URL, WXKIT_REDIS_URL, WXKIT_NAMESPACE, WXKIT_CALLS } = process.env
if (!WXKIT_BASE_URL || !WXKIT_REDIS_URL || !WXKIT_NAMESPACE) throw new Error('cluster-worker: missing env')

const cache = new Keyv({ store: new KeyvRedis(WXKIT_REDIS_URL), namespace: WXKIT_NAMESPACE })
const lock = createRedisLock(WXKIT_REDIS_URL, { keyPrefix: `${WXKIT_NAMESPACE}:lock:` })
const client = new Wechat({
  appId: DEFAULT_APP.appId,
  appSecret: DEFAULT_APP.appSecret,
  baseURL: WXKIT_BASE_URL,
  cache,
  lock,
})

process.on('message', async (message) => {
  if (message !== 'go') return
  const results = await Promise.allSettled(
    Array.from({ length: Number(WXKIT_CALLS ?? 250) }, () =>
      client.getJsSdkConfig('https://example.com/shop/item?id=42'),
    ),
  )
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  const failed = failures.length
  const firstError = failures[0]
    ? String((failures[0].reason as Error)?.message ?? failures[0].reason)
    : undefined
  await lock.close()
  await cache.disconnect().catch(() => undefined)
  process.send?.({ ok: results.length - failed, failed, firstError }, () => process.exit(0))
})
process.send?.('ready')
