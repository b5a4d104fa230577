import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import { afterEach, expect } from 'vitest'
import { Wechat, type WechatConfig } from '../src/index.js'

export { DEFAULT_APP }

const running: RunningEmulator[] = []
const clients: Wechat[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
  await Promise.all(running.splice(0).map((emulator) => emulator.close()))
})

/** Starts an emulator on port 0, closed after the test. */
export async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const started = await startEmulator({ port: 0, ...options })
  running.push(started)
  return started
}

/** A client of the default app against `emu`, with quick retries so tests stay fast. */
export function client(emu: RunningEmulator, config: Partial<WechatConfig> = {}): Wechat {
  const wechat = new Wechat({
    ...DEFAULT_APP,
    baseURL: emu.apiBaseUrl,
    oauthBaseURL: emu.oauthBaseUrl,
    retry: { delayMs: 5, maxDelayMs: 20 },
    ...config,
  })
  clients.push(wechat)
  return wechat
}

/** A map store that counts reads, to prove the hot path never touches the shared cache. */
export class CountingMap<K, V> extends Map<K, V> {
  reads = 0
  override get(key: K): V | undefined {
    this.reads++
    return super.get(key)
  }
}

/** An in-process {@link WechatLock} shared by several clients in a test (as Redis would be across processes). */
export function memoryLock() {
  const held = new Set<string>()
  const acquired: string[] = []
  return {
    acquired,
    held,
    async acquire(key: string, _ttlMs: number) {
      if (held.has(key)) return undefined
      held.add(key)
      acquired.push(key)
      return async () => {
        held.delete(key)
      }
    },
  }
}

/** Calls on `path` so far. */
export async function calls(emu: RunningEmulator, path: string): Promise<number> {
  return (await emu.control.counters()).calls[path] ?? 0
}

/** Everything a user could print or ship to a log about `error`. */
export function renderings(error: unknown): string[] {
  const out: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 10 && current; depth++) {
    if (current instanceof Error) out.push(current.message, String(current.stack))
    current = (current as { cause?: unknown }).cause
  }
  out.push(JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error))
  return out
}

/** Asserts that no secret (non-empty strings) appears in any rendering of `error`. */
export function expectNoSecrets(error: unknown, secrets: readonly (string | undefined)[]): void {
  expect(error).toBeInstanceOf(Error)
  const text = renderings(error).join('\n')
  for (const secret of secrets) {
    if (secret) expect(text.includes(secret), `secret leaked: ${secret.slice(0, 6)}…`).toBe(false)
  }
}

/** Resolves to the rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
