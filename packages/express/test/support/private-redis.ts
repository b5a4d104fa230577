import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * A redis-server of the test's own on a free port, to break in ways the shared Redis must not be broken:
 * refuse writes, freeze, die.
 */
export interface PrivateRedis {
  url: string
  /** Runs a redis-cli command against it, e.g. `['CONFIG', 'SET', 'min-replicas-to-write', '1']`. */
  cli(...args: string[]): Promise<string>
  /** Makes every write fail (NOREPLICAS) while reads keep working, as a read-only Redis does. */
  refuseWrites(): Promise<void>
  /** Kills the server (SIGKILL), as a crashed Redis. */
  kill(): void
  /** Stops the server (SIGSTOP): connections stay open and nothing answers, as a frozen host. */
  freeze(): void
  /** Lets a frozen server carry on (SIGCONT). */
  thaw(): void
  close(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const cli = async (...args: string[]) =>
    (await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 })).stdout.trim()
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await cli('PING')) === 'PONG') break
    } catch {
      // not up yet
    }
    if (attempt > 100) throw new Error('private redis-server did not start')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    cli,
    refuseWrites: async () => {
      await cli('CONFIG', 'SET', 'min-replicas-to-write', '1')
    },
    kill: () => {
      child.kill('SIGKILL')
    },
    freeze: () => {
      child.kill('SIGSTOP')
    },
    thaw: () => {
      child.kill('SIGCONT')
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await new Promise((resolve) => child.once('exit', resolve))
      }
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
