import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROUTE_SERVER = fileURLToPath(new URL('./route-server.ts', import.meta.url))

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
}

export interface RouteServer {
  url: string
  /** CPU time and answered requests so far: the difference over a run is its CPU cost per request. */
  usage(): Promise<ServerUsage>
  stop(): Promise<void>
}

/** Start route-server.ts in a child process. */
export async function startRouteServer(mode: 'wxkit' | 'bare', baseURL: string): Promise<RouteServer> {
  const child: ChildProcess = fork(ROUTE_SERVER, [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, WXKIT_BASE_URL: baseURL, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
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

/** Drive `url` with autocannon (in this process) for `seconds` at `connections`. */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 })
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}
