import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { EmulatorCounters, RunningEmulator } from '@wxkit/emulator'
import type { Contender } from '../contenders.js'

const CLUSTER_WORKER = fileURLToPath(new URL('../cluster-worker.ts', import.meta.url))

export interface StampedeCounts {
  calls: number
  failed: number
  /** Requests to the token endpoints (`/cgi-bin/token` + `/cgi-bin/stable_token`): what spends quota. */
  tokenCalls: number
  /** Requests to `/cgi-bin/ticket/getticket`. */
  ticketCalls: number
  /** The first failure's message, if any. */
  firstError: string | undefined
}

/** Upstream request counts from the emulator (every request, not only the ones that minted something). */
export function upstreamCalls(counters: EmulatorCounters): { tokenCalls: number; ticketCalls: number } {
  return {
    tokenCalls: (counters.calls['/cgi-bin/token'] ?? 0) + (counters.calls['/cgi-bin/stable_token'] ?? 0),
    ticketCalls: counters.calls['/cgi-bin/ticket/getticket'] ?? 0,
  }
}

export function firstError(results: PromiseSettledResult<unknown>[]): string | undefined {
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (!failure) return undefined
  const reason = failure.reason as { message?: unknown; errcode?: unknown } | undefined
  const text = typeof reason?.message === 'string' ? reason.message : JSON.stringify(reason)
  return text.slice(0, 160)
}

/** `calls` concurrent cold config calls through one client; upstream counts from the emulator. */
export async function coldStampede(
  emulator: RunningEmulator,
  make: () => Contender,
  calls: number,
): Promise<StampedeCounts> {
  await emulator.control.reset()
  const contender = make()
  const results = await Promise.allSettled(Array.from({ length: calls }, () => contender.config()))
  return {
    calls,
    failed: results.filter((r) => r.status === 'rejected').length,
    ...upstreamCalls(await emulator.control.counters()),
    firstError: firstError(results),
  }
}

/** `processes` × `callsEach` cold calls, each process with its own client and Redis connection. */
export async function clusterStampede(
  emulator: RunningEmulator,
  redisUrl: string,
  processes: number,
  callsEach: number,
): Promise<StampedeCounts> {
  await emulator.control.reset()
  const namespace = `wxkit-bench:${randomUUID()}`
  const workers = await Promise.all(
    Array.from({ length: processes }, async () => {
      const child = fork(CLUSTER_WORKER, [], {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          WXKIT_BASE_URL: emulator.apiBaseUrl,
          WXKIT_REDIS_URL: redisUrl,
          WXKIT_NAMESPACE: namespace,
          WXKIT_CALLS: String(callsEach),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve())
        child.once('exit', (code) => reject(new Error(`cluster worker exited with ${code}`)))
      })
      return child
    }),
  )
  // Every process is up and connected before the first call: a real simultaneous cold start.
  const answers = await Promise.all(
    workers.map(
      (child) =>
        new Promise<{ ok: number; failed: number; firstError?: string }>((resolve) => {
          child.once('message', (m: { ok: number; failed: number; firstError?: string }) => resolve(m))
          child.send('go')
        }),
    ),
  )
  return {
    calls: processes * callsEach,
    failed: answers.reduce((n, a) => n + a.failed, 0),
    ...upstreamCalls(await emulator.control.counters()),
    firstError: answers.find((a) => a.firstError)?.firstError,
  }
}
