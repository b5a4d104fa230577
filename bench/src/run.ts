/**
 * `pnpm bench`: every figure of BENCHMARKS.md, measured in one run on this machine, printed as Markdown
 * and written to results/latest.md (+ results/cost-growth.svg). Figures are ratios and counts against a
 * baseline measured in the same run, so they travel between machines better than raw numbers do.
 *
 * BENCH_QUICK=1 shortens every measurement (a smoke run, not for publishing).
 * BENCH_FIGURES=6 (or a list: 1,6) measures only those figures and writes results/partial.md instead, so
 * latest.md stays the record of a whole run (figures 1 and 4 share their servers and run together).
 * BENCH_ROUTE_PROFILE=dir runs figure 1's two servers under `--cpu-prof` into dir (not for publishing).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import KeyvRedis from '@keyv/redis'
import { Wechat } from '@wxkit/core'
import { DEFAULT_APP, startEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { CONTENDERS, createContender, PAGE } from './contenders.js'
import { LOAD_CORE, pinToCore } from './cpu-pinning.js'
import { PUSH_MODES, pushThroughput } from './figures/push-throughput.js'
import { clusterStampede, coldStampede } from './figures/stampede.js'
import { tokenRecovery } from './figures/token-recovery.js'
import { warmCallsPerSecond } from './figures/warm-calls.js'
import { type LoadResult, load, startRouteServer } from './load.js'
import { type BenchReport, costGrowthSvg, renderReport } from './report.js'
import { ROUTE } from './route-paths.js'
import { selectedFigures } from './selected-figures.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const QUICK = process.env.BENCH_QUICK === '1'
const FIGURES = selectedFigures(process.env.BENCH_FIGURES)
/** Figure 1 and 2 alternate the two sides this many times and keep the median, to damp noise. */
const ROUNDS = 3
/** Figure 1 runs more paired rounds: HTTP throughput on a 2-core VM is the noisiest figure. */
const ROUTE_ROUNDS = QUICK ? 3 : 9
const ROUTE_SECONDS = QUICK ? 1 : 3
const CURVE_SECONDS = QUICK ? 1 : 2
const WARM_MS = QUICK ? 200 : 700
const LEVELS = [1, 10, 100, 500]
const ROUTE_CONNECTIONS = 50
/** Figure 6 rotates four contenders, so each round takes four runs; nine rounds as in figure 1. */
const PUSH_ROUNDS = QUICK ? 3 : 9
const PUSH_SECONDS = QUICK ? 1 : 3

const started = Date.now()
const log = (message: string) =>
  console.error(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

pinToCore(process.pid, LOAD_CORE)
const emulator = await startEmulator({ port: 0 })
const report: BenchReport = { quick: QUICK, figures: FIGURES.list }

// 3. Cold stampede counts.
if (FIGURES.has(3)) {
  log('3. cold stampedes (1 process × 1000, 4 processes × 250 on Redis)')
  report.single = await coldStampede(emulator, () => createContender('wxkit', emulator.apiBaseUrl), 1000)
  report.cluster = await clusterStampede(emulator, REDIS_URL, 4, 250)
}

// 2. Warm calls/s in process: memory store vs Redis store behind the in-process L1.
if (FIGURES.has(2)) {
  log('2. warm getJsSdkConfig: memory store vs Redis store + L1')
  await emulator.control.reset()
  const memoryClient = new Wechat({ ...DEFAULT_APP, baseURL: emulator.apiBaseUrl })
  const redisCache = new Keyv({
    store: new KeyvRedis(REDIS_URL),
    namespace: `wxkit-bench:${process.pid}:${started}`,
  })
  const redisClient = new Wechat({ ...DEFAULT_APP, baseURL: emulator.apiBaseUrl, cache: redisCache })
  const warmMemory: number[] = []
  const warmRedis: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    warmMemory.push(await warmCallsPerSecond(() => memoryClient.getJsSdkConfig(PAGE), WARM_MS))
    warmRedis.push(await warmCallsPerSecond(() => redisClient.getJsSdkConfig(PAGE), WARM_MS))
  }
  await redisCache.clear().catch(() => undefined)
  await redisCache.disconnect().catch(() => undefined)
  report.warm = { memory: median(warmMemory), redis: median(warmRedis) }
}

// 5. Side by side with the libraries users would otherwise pick.
if (FIGURES.has(5)) {
  log('5. side by side: wxkit, co-wechat-api, wechat-jssdk, node-easywechat')
  report.side = []
  for (const name of CONTENDERS) {
    const make = () => createContender(name, emulator.apiBaseUrl)
    const stampede = await coldStampede(emulator, make, 1000)
    await emulator.control.reset()
    const warmClient = make()
    const warm = await warmCallsPerSecond(() => warmClient.config(), WARM_MS).catch(
      (error: unknown) => `failed: ${(error as Error).message}`,
    )
    const recovery = await tokenRecovery(emulator, make, 100)
    report.side.push({ name: warmClient.name, stampede, warm, recovery, notes: warmClient.notes })
  }
}

// 1. and 4. The Express route under HTTP load; each server in its own process, autocannon in this one.
if (FIGURES.has(1)) {
  log('1. HTTP load: @wxkit/express route vs bare Express')
  await emulator.control.reset()
  const wxkitServer = await startRouteServer('wxkit', emulator.apiBaseUrl)
  const bareServer = await startRouteServer('bare', emulator.apiBaseUrl)
  const wxkitUrl = wxkitServer.url + ROUTE
  const bareUrl = bareServer.url + ROUTE
  await load(wxkitUrl, 10, 1) // warm-up: token, ticket, JIT
  await load(bareUrl, 10, 1)
  const routeWxkit: LoadResult[] = []
  const routeBare: LoadResult[] = []
  const routeRatios: number[] = []
  const cpuPerRequest = { wxkit: [] as number[], bare: [] as number[] }
  // Paired rounds, alternating which side goes first: this VM's CPU speed drifts by tens of percent from one
  // second to the next, so only ratios of neighbouring runs, and their median, mean anything.
  for (let round = 0; round < ROUTE_ROUNDS; round++) {
    const order = round % 2 === 0 ? (['wxkit', 'bare'] as const) : (['bare', 'wxkit'] as const)
    const results: Partial<Record<'wxkit' | 'bare', LoadResult>> = {}
    const cpu = { wxkit: 0, bare: 0 }
    for (const side of order) {
      const server = side === 'wxkit' ? wxkitServer : bareServer
      const before = await server.usage()
      const result = await load(side === 'wxkit' ? wxkitUrl : bareUrl, ROUTE_CONNECTIONS, ROUTE_SECONDS)
      const after = await server.usage()
      cpu[side] = (after.cpuMicros - before.cpuMicros) / Math.max(1, after.requests - before.requests)
      cpuPerRequest[side].push(cpu[side])
      results[side] = result
    }
    const { wxkit, bare } = results as Record<'wxkit' | 'bare', LoadResult>
    routeWxkit.push(wxkit)
    routeBare.push(bare)
    routeRatios.push(wxkit.requestsPerSecond / bare.requestsPerSecond)
    log(
      `1. round ${round + 1}/${ROUTE_ROUNDS}: wxkit ${wxkit.requestsPerSecond.toFixed(0)}, bare ${bare.requestsPerSecond.toFixed(0)} req/s; server CPU ${cpu.wxkit.toFixed(1)} vs ${cpu.bare.toFixed(1)} µs/request`,
    )
  }
  report.route = {
    connections: ROUTE_CONNECTIONS,
    rounds: ROUTE_ROUNDS,
    wxkit: median(routeWxkit.map((r) => r.requestsPerSecond)),
    bare: median(routeBare.map((r) => r.requestsPerSecond)),
    ratio: median(routeRatios),
    ratios: routeRatios,
    cpuMicrosPerRequest: { wxkit: median(cpuPerRequest.wxkit), bare: median(cpuPerRequest.bare) },
    cpuRatios: cpuPerRequest.wxkit.map((w, i) => (cpuPerRequest.bare[i] ?? 0) / w),
    failures: [...routeWxkit, ...routeBare].reduce((n, r) => n + r.errors + r.non2xx, 0),
  }
  log('4. HTTP load: cost growth at 1, 10, 100, 500 connections')
  report.curve = []
  for (const connections of LEVELS) {
    report.curve.push({
      connections,
      wxkit: await load(wxkitUrl, connections, CURVE_SECONDS),
      bare: await load(bareUrl, connections, CURVE_SECONDS),
    })
  }
  await wxkitServer.stop()
  await bareServer.stop()
}
await emulator.close()

// 6. Push throughput: the safe-mode XML route of wxkit (memory and Redis dedupe), node-webot's wechat, a floor.
if (FIGURES.has(6)) {
  log(`6. push throughput: ${PUSH_MODES.join(', ')}`)
  report.push = await pushThroughput({
    redisUrl: REDIS_URL,
    rounds: PUSH_ROUNDS,
    seconds: PUSH_SECONDS,
    connections: ROUTE_CONNECTIONS,
    log,
  })
}

const markdown = renderReport(report)
const results = new URL('../results/', import.meta.url)
await mkdir(results, { recursive: true })
const written = FIGURES.all ? 'latest.md' : 'partial.md'
await writeFile(new URL(written, results), markdown)
if (report.curve) await writeFile(new URL('cost-growth.svg', results), costGrowthSvg(report.curve))
console.log(markdown)
log(`done: wrote bench/results/${written}${report.curve ? ' and bench/results/cost-growth.svg' : ''}`)
// Some competitors leave timers behind (wechat-jssdk resets a refresh counter on an interval).
process.exit(0)
