import { environmentLine } from './environment.js'
import { PUSH_MODES, type PushSide, type PushThroughput } from './figures/push-throughput.js'
import type { StampedeCounts } from './figures/stampede.js'
import type { RecoveryCounts } from './figures/token-recovery.js'
import type { LoadResult } from './load.js'
import { markdownTable, num } from './markdown-table.js'
import type { PushServerMode } from './push-server.js'
import { lineChartSvg } from './svg-chart.js'

/** Everything one `pnpm bench` run measured: every figure unless BENCH_FIGURES picked some. */
export interface BenchReport {
  quick: boolean
  /** The figures this run measured; the fields of the others are absent. */
  figures: number[]
  route?: {
    connections: number
    rounds: number
    /** Median req/s of each side. */
    wxkit: number
    bare: number
    /** Median of the per-round ratios wxkit ÷ bare (each round runs the two back to back). */
    ratio: number
    ratios: number[]
    /** Median server CPU time (user + system) per answered request, in µs. */
    cpuMicrosPerRequest: { wxkit: number; bare: number }
    /** Per round: bare ÷ wxkit server CPU per request, figure 1 by CPU round by round. */
    cpuRatios: number[]
    failures: number
  }
  warm?: { memory: number; redis: number }
  single?: StampedeCounts
  cluster?: StampedeCounts
  curve?: { connections: number; wxkit: LoadResult; bare: LoadResult }[]
  side?: {
    name: string
    stampede: StampedeCounts
    warm: number | string
    recovery: RecoveryCounts
    notes: string[]
  }[]
  push?: PushThroughput
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a')
const goal = (ok: boolean) => (ok ? 'met' : '**missed**')
const rounds = (values: number[]) => values.map((x) => x.toFixed(2)).join(', ')
const counts = (s: StampedeCounts) =>
  `${s.tokenCalls} / ${s.ticketCalls}${s.failed ? ` (${s.failed} of ${s.calls} failed)` : ''}`

/** The Markdown of results/latest.md. */
export function renderReport(r: BenchReport): string {
  const summary = markdownTable(
    ['#', 'figure', 'result', 'goal'],
    [
      ...(r.route ? [routeRow(r.route)] : []),
      ...(r.warm ? [warmRow(r.warm)] : []),
      ...(r.single && r.cluster ? stampedeRows(r.single, r.cluster) : []),
      ...(r.curve
        ? [[4, 'route cost growth, 1 → 500 connections', 'section 4 and cost-growth.svg', '—']]
        : []),
      ...(r.side
        ? [[5, 'side by side with co-wechat-api, wechat-jssdk, node-easywechat', 'section 5', '—']]
        : []),
      ...(r.push ? pushRows(r.push) : []),
    ],
  )
  const only = r.figures.length < 6 ? ` (BENCH_FIGURES: only figure ${r.figures.join(', ')})` : ''
  return `${[
    `# wxkit benchmarks${r.quick ? ' (BENCH_QUICK smoke run: not for publishing)' : ''}${only}`,
    environmentLine(),
    'Every figure below was measured in this one run. BENCHMARKS.md explains what each one means.',
    `## Summary\n\n${summary}`,
    ...(r.curve
      ? [`## 4. Cost growth of the JS-SDK route\n\n![cost growth](cost-growth.svg)\n\n${curveTable(r.curve)}`]
      : []),
    ...(r.side ? [`## 5. Side by side (same emulator, same run)\n\n${sideSection(r.side)}`] : []),
    ...(r.push
      ? [
          `## 6. Push throughput (safe-mode XML, text message answered with a text reply)\n\n${pushTable(r.push)}`,
        ]
      : []),
  ].join('\n\n')}\n`
}

/** Summary row 1. */
function routeRow(route: NonNullable<BenchReport['route']>): (string | number)[] {
  const cpu = route.cpuMicrosPerRequest
  const byCpu = cpu.wxkit > 0 && cpu.bare / cpu.wxkit >= 0.9
  return [
    1,
    `JS-SDK route req/s, \`@wxkit/express\` ÷ bare Express (${route.connections} connections, median of ${route.rounds} paired rounds)`,
    `**${route.ratio.toFixed(2)}** (rounds ${route.ratios.map((x) => x.toFixed(2)).join(', ')}; medians ${num(route.wxkit)} ÷ ${num(route.bare)} req/s; server CPU ${cpu.wxkit.toFixed(1)} vs ${cpu.bare.toFixed(1)} µs/request, ratio ${ratio(cpu.bare, cpu.wxkit)}, rounds ${rounds(route.cpuRatios)}${route.failures ? `; ${route.failures} failed requests` : ''})`,
    `≥ 0.9: ${goal(route.ratio >= 0.9)} by req/s, ${goal(byCpu)} by server CPU`,
  ]
}

/** Summary row 2. */
function warmRow(warm: NonNullable<BenchReport['warm']>): (string | number)[] {
  return [
    2,
    'warm `getJsSdkConfig` calls/s in process, Redis store + L1 ÷ memory store (median of 3)',
    `**${ratio(warm.redis, warm.memory)}** (${num(warm.redis)} ÷ ${num(warm.memory)} calls/s)`,
    `≥ 0.9: ${goal(warm.redis / warm.memory >= 0.9)}`,
  ]
}

/** Summary rows 3a and 3b. */
function stampedeRows(single: StampedeCounts, cluster: StampedeCounts): (string | number)[][] {
  const one = (s: StampedeCounts) => s.tokenCalls === 1 && s.ticketCalls === 1 && s.failed === 0
  return [
    [
      '3a',
      'cold stampede, 1000 concurrent `getJsSdkConfig` in 1 process: token / ticket calls',
      `**${counts(single)}**`,
      `1 / 1: ${goal(one(single))}`,
    ],
    [
      '3b',
      'cold stampede, 4 processes × 250 on Redis (`@keyv/redis` + `createRedisLock`): token / ticket calls',
      `**${counts(cluster)}**`,
      `1 / 1: ${goal(one(cluster))}`,
    ],
  ]
}

/** Section 4's table. */
function curveTable(curve: NonNullable<BenchReport['curve']>): string {
  return markdownTable(
    [
      'connections',
      'wxkit req/s',
      'p50 ms',
      'p99 ms',
      'bare req/s',
      'p50 ms',
      'p99 ms',
      'req/s ratio',
      'failed',
    ],
    curve.map((c) => [
      c.connections,
      num(c.wxkit.requestsPerSecond),
      c.wxkit.p50,
      c.wxkit.p99,
      num(c.bare.requestsPerSecond),
      c.bare.p50,
      c.bare.p99,
      ratio(c.wxkit.requestsPerSecond, c.bare.requestsPerSecond),
      c.wxkit.errors + c.wxkit.non2xx + c.bare.errors + c.bare.non2xx,
    ]),
  )
}

/** Section 5: the table and each library's notes. */
function sideSection(side: NonNullable<BenchReport['side']>): string {
  const table = markdownTable(
    [
      'library',
      'cold stampede, 1000 calls: token / ticket requests',
      'warm config calls/s',
      '40001 recovery, 100 calls: token requests',
      'failed',
    ],
    side.map((s) => [
      s.name,
      counts(s.stampede),
      typeof s.warm === 'number' ? num(s.warm) : s.warm,
      s.recovery.tokenCalls,
      s.recovery.failed,
    ]),
  )
  const notes = side.flatMap((s) => [
    ...s.notes.map((n) => `- ${s.name}: ${n}`),
    ...(s.stampede.firstError ? [`- ${s.name}, stampede failure: \`${s.stampede.firstError}\``] : []),
    ...(s.recovery.firstError ? [`- ${s.name}, recovery failure: \`${s.recovery.firstError}\``] : []),
  ])
  return `${table}\n\n${notes.join('\n')}`
}

/** PUSH_MODES as the reader knows them. */
const PUSH_NAMES: Record<PushServerMode, string> = {
  wxkit: '`@wxkit/express` `messageRoutes`, memory dedupe',
  'wxkit-redis': '`@wxkit/express` `messageRoutes`, Redis dedupe (`@wxkit/redis`)',
  wechat: 'node-webot `wechat` 2.1.0',
  floor: 'floor: bare Express, signatures + decrypt + parse + encrypt only',
}

/** Summary rows 6a–6c: each the median of per-round ratios. */
function pushRows(p: PushThroughput): (string | number)[][] {
  const { wxkit, wechat, floor } = p.sides
  const redis = p.sides['wxkit-redis']
  const of = `${p.connections} connections, median of ${p.rounds} rotated rounds`
  const cpu = (a: number, b: number) => `server CPU ${a.toFixed(0)} vs ${b.toFixed(0)} µs/message`
  const row = (id: string, what: string, ratios: number[], a: PushSide, b: PushSide, target: number) => {
    const value = median(ratios)
    return [
      id,
      `push messages/s, ${what} (${of})`,
      `**${value.toFixed(2)}** (rounds ${rounds(ratios)}; medians ${num(a.messagesPerSecond)} ÷ ${num(b.messagesPerSecond)} msg/s; ${cpu(a.cpuMicrosPerMessage, b.cpuMicrosPerMessage)})`,
      `≥ ${target}: ${goal(value >= target)}`,
    ]
  }
  return [
    row('6a', 'wxkit ÷ node-webot `wechat`', p.ratios.wechat, wxkit, wechat, 1.5),
    row('6b', 'wxkit ÷ floor', p.ratios.floor, wxkit, floor, 0.8),
    row('6c', 'wxkit on Redis dedupe ÷ memory dedupe', p.ratios.redis, redis, wxkit, 0.8),
  ]
}

/** Section 6: each contender's medians, failures, handler runs and the reply check. */
function pushTable(p: PushThroughput): string {
  const table = markdownTable(
    [
      'receiver',
      'msg/s (median)',
      'server CPU µs/message',
      'failed',
      'answered / handler runs',
      'reply check',
    ],
    PUSH_MODES.map((mode) => {
      const s = p.sides[mode]
      return [
        PUSH_NAMES[mode],
        num(s.messagesPerSecond),
        s.cpuMicrosPerMessage.toFixed(0),
        s.failures,
        `${num(s.answered)} / ${num(s.handled)}`,
        s.replyProblem ?? 'right',
      ]
    }),
  )
  const late = p.madeLate ? ` ${num(p.madeLate)} payloads were made during a run (the pool ran out).` : ''
  return `${table}\n\n${p.rounds} rounds × ${p.seconds} s per receiver, ${p.connections} connections, every request a distinct signed encrypted push (new MsgId, nonce, content, timestamp now).${late}`
}

/** The chart of figure 4. */
export function costGrowthSvg(curve: NonNullable<BenchReport['curve']>): string {
  return lineChartSvg({
    title: 'JS-SDK config route: throughput and p99 latency by concurrency',
    categories: curve.map((c) => String(c.connections)),
    xLabel: 'concurrent connections',
    leftLabel: 'requests per second (solid)',
    rightLabel: 'p99 latency in ms (dashed)',
    series: [
      { name: '@wxkit/express req/s', color: '#2563eb', values: curve.map((c) => c.wxkit.requestsPerSecond) },
      { name: 'bare Express req/s', color: '#9ca3af', values: curve.map((c) => c.bare.requestsPerSecond) },
      {
        name: '@wxkit/express p99 ms',
        color: '#dc2626',
        dashed: true,
        right: true,
        values: curve.map((c) => c.wxkit.p99),
      },
      {
        name: 'bare Express p99 ms',
        color: '#f59e0b',
        dashed: true,
        right: true,
        values: curve.map((c) => c.bare.p99),
      },
    ],
  })
}
