import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { pinToCore, SERVER_CORE } from './cpu-pinning.js'
import type { PushPayloadPool } from './push-payloads.js'
import type { PushServerMode } from './push-server.js'

const ROUTE_SERVER = fileURLToPath(new URL('./route-server.ts', import.meta.url))
const PUSH_SERVER = fileURLToPath(new URL('./push-server.ts', import.meta.url))

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

/** The server process's CPU time so far (user + system, µs) and the requests it has answered. */
export interface ServerUsage {
  cpuMicros: number
  requests: number
  /** Push servers: how many times the message handler ran. */
  handled?: number
}

export interface RouteServer {
  url: string
  /** CPU time and answered requests so far: the difference over a run is its CPU cost per request. */
  usage(): Promise<ServerUsage>
  stop(): Promise<void>
}

/** Start route-server.ts in a child process (BENCH_ROUTE_PROFILE=dir adds `--cpu-prof` into dir). */
export function startRouteServer(mode: 'wxkit' | 'bare', baseURL: string): Promise<RouteServer> {
  return startServer(
    ROUTE_SERVER,
    mode,
    { WXKIT_BASE_URL: baseURL },
    profileArgs('BENCH_ROUTE_PROFILE', mode),
  )
}

/** Start push-server.ts in a child process (BENCH_PUSH_PROFILE=dir adds `--cpu-prof` into dir). */
export function startPushServer(mode: PushServerMode, redisUrl: string): Promise<RouteServer> {
  return startServer(
    PUSH_SERVER,
    mode,
    { WXKIT_REDIS_URL: redisUrl },
    profileArgs('BENCH_PUSH_PROFILE', mode),
  )
}

/** `--cpu-prof` into the directory that environment variable `variable` names, when it is set. */
function profileArgs(variable: string, mode: string): string[] {
  const dir = process.env[variable]
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${mode}.cpuprofile`] : []
}

async function startServer(
  script: string,
  mode: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<RouteServer> {
  const child: ChildProcess = fork(script, [mode], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  if (child.pid !== undefined) pinToCore(child.pid, SERVER_CORE)
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`route server (${mode}) exited with ${code}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    usage: () =>
      new Promise((resolve) => {
        const onMessage = (message: { usage?: ServerUsage }) => {
          if (!message.usage) return
          child.off('message', onMessage)
          resolve(message.usage)
        }
        child.on('message', onMessage)
        child.send('usage')
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

/** The figures every load reports, from autocannon's result. */
function loadResultOf(result: autocannon.Result): LoadResult {
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

/** Drive `url` with autocannon (in this process) for `seconds` at `connections`. */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 })
  return loadResultOf(result)
}

/**
 * Drive `baseUrl` with autocannon for `seconds` at `connections`, every request a distinct push POST taken
 * from `pool` (autocannon calls `setupRequest` for each request it sends, across all connections).
 */
export async function loadPushes(
  baseUrl: string,
  pool: PushPayloadPool,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { path, body } = pool.take()
          return { ...request, path, body, headers: { 'content-type': 'text/xml' } }
        },
      },
    ],
  })
  return loadResultOf(result)
}
