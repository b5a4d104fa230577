import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import { afterEach, describe, expect, it } from 'vitest'

const appRoot = fileURLToPath(new URL('..', import.meta.url))
// The workspace packages from source, as in the other tests: no stale or half-rebuilt dist/ in the way.
const sourceTsconfig = fileURLToPath(new URL('./support/tsconfig.source.json', import.meta.url))
const SESSION_SECRET = 'a-session-secret-that-must-never-be-printed-0123'

/** `server.ts` (what `pnpm demo` runs) as its own process, with its output collected. */
class DemoProcess {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<number | null>

  constructor(env: Record<string, string>) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !/^(WECHAT_|SESSION_SECRET$|PORT$|NODE_ENV$|VITEST)/.test(name),
      ),
    )
    // As `pnpm demo` runs it: one Node process with tsx's loader.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: appRoot,
      env: { ...inherited, TSX_TSCONFIG_PATH: sourceTsconfig, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, like a terminal's foreground job, so Ctrl-C can be sent the same way.
      detached: true,
    })
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString()
    })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
  }

  /** What Ctrl-C in a terminal does: SIGINT to the whole foreground process group. */
  pressCtrlC(): void {
    this.stop('SIGINT')
  }

  stop(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined) process.kill(-this.child.pid, signal)
  }

  /** Resolves to the URL it prints once it listens, or rejects with its output if it exits first. */
  async url(): Promise<string> {
    const deadline = Date.now() + 30_000
    for (;;) {
      const found = /open (http:\/\/localhost:\d+\/)/.exec(this.stdout)?.[1]
      if (found !== undefined) return found
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the demo did not start:\n${this.stdout}\n${this.stderr}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

const running: DemoProcess[] = []
const cleanups: (() => Promise<void>)[] = []
function demoProcess(env: Record<string, string>): DemoProcess {
  const demo = new DemoProcess(env)
  running.push(demo)
  return demo
}

afterEach(async () => {
  for (const demo of running.splice(0)) {
    if (demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.stop('SIGKILL')
      await demo.exited
    }
  }
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  )
}

describe('pnpm demo (server.ts) as a process', () => {
  it('says it runs on the embedded emulator, and Ctrl-C closes Vite and the emulator even with a tab open', async () => {
    const demo = demoProcess({ PORT: '0' })
    const url = await demo.url()
    expect(demo.stdout).toContain('mode: embedded WeChat emulator at http://127.0.0.1:')
    const emulatorUrl = /emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(demo.stdout)?.[1] ?? ''
    const page = await fetch(url, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(`${emulatorUrl}/__wxkit/bridge.js`)

    // An open tab keeps Vite's hot-reload WebSocket connected; stopping must not wait for it.
    const socket = new WebSocket(url.replace('http:', 'ws:'), 'vite-hmr')
    await new Promise((resolve, reject) => {
      socket.onmessage = resolve
      socket.onerror = reject
    })

    demo.pressCtrlC()
    expect(await demo.exited).toBe(0)
    expect(demo.stdout).toContain('h5-demo: stopping')
    expect(demo.stdout).toContain('h5-demo: stopped')
    // Vite may log its cache notes on stderr; nothing may say something failed.
    expect(demo.stderr).not.toMatch(/error|fail|still closing/i)
    expect(await refused(url)).toBe(true)
    expect(await refused(`${emulatorUrl}/__wxkit/bridge.js`)).toBe(true)
  }, 60_000)

  it('refuses a busy port with a message that says what to set', async () => {
    const busy: Server = createServer()
    await new Promise<void>((resolve) => busy.listen(0, resolve))
    cleanups.push(() => new Promise((resolve) => busy.close(() => resolve())))
    const port = (busy.address() as { port: number }).port

    const demo = demoProcess({ PORT: String(port) })
    expect(await demo.exited).toBe(1)
    expect(demo.stderr.trim()).toBe(
      `h5-demo: port ${port} is in use; set PORT to another port (0 picks a free one)`,
    )
  }, 60_000)

  it.each([
    [{ PORT: '3000x' }, 'h5-demo: PORT must be a whole number from 0 to 65535, got "3000x"'],
    [{ WECHAT_APP_SECRET: SESSION_SECRET }, 'h5-demo: WECHAT_APP_SECRET is set but WECHAT_APP_ID is not'],
    [
      { WECHAT_APP_ID: 'wx-not-an-app-id', WECHAT_APP_SECRET: SESSION_SECRET },
      'h5-demo: WECHAT_APP_ID must look like wx followed by 16 letters or digits',
    ],
    [
      // A WeChat Pay key that is not one: refused by name, never printed.
      {
        WECHAT_APP_ID: DEFAULT_APP.appId,
        WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
        WECHAT_PAY_MCH_ID: '1900000001',
        WECHAT_PAY_SERIAL_NO: 'ABCDEF0123',
        WECHAT_PAY_PRIVATE_KEY: SESSION_SECRET,
        WECHAT_PAY_API_V3_KEY: SESSION_SECRET.slice(0, 32),
        WECHAT_PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000000012026',
        WECHAT_PAY_PUBLIC_KEY: SESSION_SECRET,
        WECHAT_PAY_NOTIFY_URL: 'https://h5.example.com/wechat/pay/notify',
      },
      'h5-demo: WECHAT_PAY_PRIVATE_KEY must be a PEM RSA private key',
    ],
  ])(
    'stops at start-up on bad environment %j, with one line naming the variable',
    async (env, message) => {
      const demo = demoProcess(env)
      expect(await demo.exited).toBe(1)
      expect(demo.stderr.trim()).toBe(message)
      expect(demo.stdout + demo.stderr).not.toContain(SESSION_SECRET)
    },
    60_000,
  )

  it('prints the real mode without the AppSecret or the session secret', async () => {
    const wechat: RunningEmulator = await startEmulator({ host: '127.0.0.1', port: 0 })
    cleanups.push(() => wechat.close())
    const demo = demoProcess({
      PORT: '0',
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      WECHAT_API_BASE_URL: wechat.apiBaseUrl,
      WECHAT_OAUTH_BASE_URL: wechat.oauthBaseUrl,
      SESSION_SECRET,
    })
    const url = await demo.url()
    expect(demo.stdout).toContain(`mode: WeChat, app ${DEFAULT_APP.appId}, API ${wechat.apiBaseUrl}`)
    // A real call through the configured host, so the secret was used, yet never printed.
    expect((await fetch(`${url}demo/qrcode?scene=cli`)).status).toBe(200)
    demo.stop('SIGTERM')
    expect(await demo.exited).toBe(0)
    const output = demo.stdout + demo.stderr
    expect(output).not.toContain(DEFAULT_APP.appSecret)
    expect(output).not.toContain(SESSION_SECRET)
    for (const { token } of await wechat.control.tokens()) expect(output).not.toContain(token)
  }, 60_000)
})
