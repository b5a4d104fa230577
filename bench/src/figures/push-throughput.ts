import { type LoadResult, loadPushes, type RouteServer, startPushServer } from '../load.js'
import { PushPayloadPool } from '../push-payloads.js'
import { checkPushReply } from '../push-reply-check.js'
import type { PushServerMode } from '../push-server.js'

/** The contenders of figure 6, in the order of the first round (later rounds rotate it). */
export const PUSH_MODES: PushServerMode[] = ['wxkit', 'wechat', 'floor', 'wxkit-redis']

/** What one contender did over all rounds. */
export interface PushSide {
  /** Median messages per second over the rounds. */
  messagesPerSecond: number
  /** Median server CPU time (user + system) per answered request, µs. */
  cpuMicrosPerMessage: number
  /** Failed requests (connection errors, timeouts, non-2xx) over all rounds. */
  failures: number
  /** Whole run: requests the server answered and times its handler ran (equal when no message was skipped). */
  answered: number
  handled: number
  /** The problem found in a reply checked before and after the load, or undefined when both were right. */
  replyProblem: string | undefined
}

/** Figure 6: messages per second through each push receiver, paired rounds, medians of per-round ratios. */
export interface PushThroughput {
  connections: number
  rounds: number
  seconds: number
  sides: Record<PushServerMode, PushSide>
  /** Per round: wxkit ÷ wechat, wxkit ÷ floor, wxkit on Redis ÷ wxkit in memory. */
  ratios: { wechat: number[]; floor: number[]; redis: number[] }
  /** Payloads made during a round because the pool ran out (0 means none was made under load). */
  madeLate: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/**
 * Run every contender in its own process and drive each in turn with distinct pushes, `rounds` times,
 * rotating which goes first: this VM's speed drifts from one second to the next, so only neighbouring
 * runs compare. Each run's payloads are made just before it (fresh timestamps, never sent twice).
 */
export async function pushThroughput(options: {
  redisUrl: string
  rounds: number
  seconds: number
  connections: number
  log: (message: string) => void
}): Promise<PushThroughput> {
  const { redisUrl, rounds, seconds, connections } = options
  const servers = {} as Record<PushServerMode, RouteServer>
  for (const mode of PUSH_MODES) servers[mode] = await startPushServer(mode, redisUrl)
  const problems = {} as Record<PushServerMode, string | undefined>
  const estimate = {} as Record<PushServerMode, number>
  for (const mode of PUSH_MODES) {
    problems[mode] = await checkPushReply(servers[mode].url)
    // Warm-up (JIT, Redis connection) and a first guess of how many payloads a run needs.
    const warm = await loadPushes(servers[mode].url, new PushPayloadPool(2000), 10, 1)
    estimate[mode] = warm.requestsPerSecond
  }
  const results = Object.fromEntries(PUSH_MODES.map((m) => [m, [] as LoadResult[]])) as Record<
    PushServerMode,
    LoadResult[]
  >
  const cpu = Object.fromEntries(PUSH_MODES.map((m) => [m, [] as number[]])) as Record<
    PushServerMode,
    number[]
  >
  const ratios: PushThroughput['ratios'] = { wechat: [], floor: [], redis: [] }
  let madeLate = 0
  for (let round = 0; round < rounds; round++) {
    const order = PUSH_MODES.map((_, i) => PUSH_MODES[(i + round) % PUSH_MODES.length] as PushServerMode)
    const rps = {} as Record<PushServerMode, number>
    for (const mode of order) {
      const server = servers[mode]
      const pool = new PushPayloadPool(Math.ceil(estimate[mode] * seconds * 1.5) + 1000)
      const before = await server.usage()
      const result = await loadPushes(server.url, pool, connections, seconds)
      const after = await server.usage()
      cpu[mode].push((after.cpuMicros - before.cpuMicros) / Math.max(1, after.requests - before.requests))
      results[mode].push(result)
      rps[mode] = result.requestsPerSecond
      estimate[mode] = Math.max(estimate[mode], result.requestsPerSecond)
      madeLate += pool.madeLate
    }
    ratios.wechat.push(rps.wxkit / rps.wechat)
    ratios.floor.push(rps.wxkit / rps.floor)
    ratios.redis.push(rps['wxkit-redis'] / rps.wxkit)
    options.log(
      `6. round ${round + 1}/${rounds}: ${PUSH_MODES.map((m) => `${m} ${rps[m].toFixed(0)}`).join(', ')} msg/s`,
    )
  }
  const sides = {} as Record<PushServerMode, PushSide>
  for (const mode of PUSH_MODES) {
    const after = await checkPushReply(servers[mode].url)
    await new Promise((resolve) => setTimeout(resolve, 200)) // let abandoned in-flight requests finish
    const usage = await servers[mode].usage()
    sides[mode] = {
      messagesPerSecond: median(results[mode].map((r) => r.requestsPerSecond)),
      cpuMicrosPerMessage: median(cpu[mode]),
      failures: results[mode].reduce((n, r) => n + r.errors + r.non2xx, 0),
      answered: usage.requests,
      handled: usage.handled ?? 0,
      replyProblem: problems[mode] ?? (after && `after the load: ${after}`),
    }
    await servers[mode].stop()
  }
  return { connections, rounds, seconds, sides, ratios, madeLate }
}
