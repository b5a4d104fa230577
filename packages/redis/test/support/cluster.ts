import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { CallStats, WorkerCommand } from './cluster-worker.ts'

const WORKER = fileURLToPath(new URL('./cluster-worker.ts', import.meta.url))

type Command = WorkerCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never

/** A child process running cluster-worker.ts, each with its own Wechat client and Redis connections. */
export interface ClusterWorker {
  readonly pid: number
  send<T = unknown>(command: Command): Promise<T>
  /** Unhandled rejections or crashes the worker reported. */
  readonly problems: string[]
  stop(): Promise<void>
}

export interface ClusterOptions {
  size: number
  baseURL: string
  redisUrl: string
  namespace: string
  appId: string
  appSecret: string
  cache?: 'keyv-redis' | 'redis-cache'
}

export async function startCluster(options: ClusterOptions): Promise<ClusterWorker[]> {
  return Promise.all(Array.from({ length: options.size }, () => startWorker(options)))
}

export function sendAll<T>(workers: ClusterWorker[], command: Command): Promise<T[]> {
  return Promise.all(workers.map((w) => w.send<T>(command)))
}

export function total(stats: CallStats[]): { ok: number; failed: number; errors: string[] } {
  return {
    ok: stats.reduce((n, s) => n + s.ok, 0),
    failed: stats.reduce((n, s) => n + s.failed, 0),
    errors: [...new Set(stats.flatMap((s) => s.errors))],
  }
}

function startWorker(options: ClusterOptions): Promise<ClusterWorker> {
  const child: ChildProcess = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      WXKIT_BASE_URL: options.baseURL,
      WXKIT_REDIS_URL: options.redisUrl,
      WXKIT_NAMESPACE: options.namespace,
      WXKIT_APP_ID: options.appId,
      WXKIT_APP_SECRET: options.appSecret,
      WXKIT_CACHE: options.cache ?? 'keyv-redis',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const problems: string[] = []
  let nextId = 1

  return new Promise((resolve, reject) => {
    const worker: ClusterWorker = {
      get pid() {
        return child.pid ?? -1
      },
      problems,
      send<T>(command: Command): Promise<T> {
        const id = nextId++
        return new Promise<T>((res, rej) => {
          pending.set(id, { resolve: res as (v: unknown) => void, reject: rej })
          child.send({ ...command, id })
        })
      },
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((r) => child.once('exit', r))
        await worker.send({ cmd: 'exit' }).catch(() => undefined)
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      },
    }
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      if (message.id === 0) return resolve(worker)
      if (message.id === -1) {
        problems.push(message.error ?? 'unknown problem')
        return
      }
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error !== undefined) waiter?.reject(new Error(message.error))
      else waiter?.resolve(message.result)
    })
    child.once('exit', (code, signal) => {
      const error = new Error(`cluster worker exited (code ${code}, signal ${signal})`)
      for (const waiter of pending.values()) waiter.reject(error)
      pending.clear()
      if (code !== 0) problems.push(error.message)
      reject(error)
    })
  })
}
