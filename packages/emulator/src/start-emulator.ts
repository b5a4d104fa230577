import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EmulatorControl } from './control/emulator-control.js'
import { createLocalControl } from './control/local-control.js'
import { createEmulatorApp } from './create-app.js'
import { createNodeListener } from './http/node-listener.js'
import { DEFAULT_MERCHANT, type EmulatorMerchant } from './pay/merchants.js'
import { DEFAULT_APP, type EmulatorApp } from './state/apps.js'
import type { EmulatorClock } from './state/clock.js'
import { EmulatorState } from './state/emulator-state.js'
import type { MiniProgramLimits } from './state/mini-program-limits.js'

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; `0` picks a free one. @default 0 */
  port?: number
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string
  /** The apps the emulator knows. @default [DEFAULT_APP] */
  apps?: EmulatorApp[]
  /** The base clock (milliseconds since the epoch); `advanceClock()` adds to it. @default Date.now */
  clock?: EmulatorClock
  /** The WeChat Pay merchants the emulator knows (more with `control.registerMerchant`). @default [DEFAULT_MERCHANT] */
  merchants?: EmulatorMerchant[]
  /** Web OAuth behaviour. */
  oauth?: {
    /**
     * Redirect from `/connect/oauth2/authorize` at once with a code, as if the user pressed Allow,
     * instead of showing the consent page. @default false
     */
    autoApprove?: boolean
  }
  /** Mini Program quotas (§14), lower than WeChat's so a test can reach them. */
  miniProgram?: MiniProgramLimits
  /** Official Account behaviour. */
  officialAccount?: {
    /** Followers per `/cgi-bin/user/get` page (WeChat's is 10000); lower it to test paging. @default 10000 */
    followerPageSize?: number
  }
}

/** A running emulator. */
export interface RunningEmulator {
  /** The server's origin, e.g. `http://127.0.0.1:54321`. */
  url: string
  /** Where `api.weixin.qq.com` paths are served (the same origin). */
  apiBaseUrl: string
  /** Where `open.weixin.qq.com` paths (`/connect/oauth2/authorize`) are served (the same origin). */
  oauthBaseUrl: string
  /** Where `mp.weixin.qq.com` paths (`/cgi-bin/showqrcode`) are served (the same origin). */
  mpBaseUrl: string
  /** Where `api.mch.weixin.qq.com` paths (`/v3/…`, WeChat Pay) are served (the same origin). */
  payBaseUrl: string
  /** Typed control of this emulator's state. */
  control: EmulatorControl
  /** Stop listening and drop open connections. */
  close(): Promise<void>
}

/**
 * Start a local server that answers like `api.weixin.qq.com` and `open.weixin.qq.com`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 })
 * const res = await fetch(`${emulator.apiBaseUrl}/cgi-bin/token?grant_type=client_credential` +
 *   `&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`)
 * await emulator.close()
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    apps = [DEFAULT_APP],
    clock,
    oauth = {},
    officialAccount = {},
    merchants = [DEFAULT_MERCHANT],
    miniProgram = {},
  } = options
  const followerPageSize = officialAccount.followerPageSize ?? 10_000
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('@wxkit/emulator: port must be an integer from 0 to 65535')
  }
  if (!Array.isArray(apps) || apps.length === 0) {
    throw new TypeError('@wxkit/emulator: apps must be a non-empty array of { appId, appSecret }')
  }
  if (!Number.isInteger(followerPageSize) || followerPageSize < 1 || followerPageSize > 10_000) {
    throw new TypeError(
      '@wxkit/emulator: officialAccount.followerPageSize must be an integer from 1 to 10000',
    )
  }
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new TypeError('@wxkit/emulator: clock must have a now() method returning milliseconds')
  }

  if (!Array.isArray(merchants)) throw new TypeError('@wxkit/emulator: merchants must be an array')
  const state = new EmulatorState(apps, clock, merchants, miniProgram)
  const control = createLocalControl(state)
  const app = createEmulatorApp({
    state,
    control,
    autoApprove: oauth.autoApprove === true,
    followerPageSize,
  })
  const closing = new AbortController()
  const server = createServer(createNodeListener(app, state, closing.signal))

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(listenError(error, host, port))
    server.once('error', fail)
    server.listen(port, host, () => {
      server.off('error', fail)
      resolve()
    })
  })

  const address = server.address() as AddressInfo
  const url = `http://${urlHost(host)}:${address.port}`
  let closed: Promise<void> | undefined

  return {
    url,
    apiBaseUrl: url,
    oauthBaseUrl: url,
    mpBaseUrl: url,
    payBaseUrl: url,
    control,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort()
        state.push.close()
        state.pay.notifier.stop()
        state.mediaChecks.stop()
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
      return closed
    },
  }
}

/**
 * A listen failure that says which address and why, in the package's words; `code` (e.g. `EADDRINUSE`)
 * is kept so callers can still branch on it, and the original error is the `cause`.
 */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const why =
    error.code === 'EADDRINUSE'
      ? 'the port is already in use (another emulator or server is listening there)'
      : error.code === 'EACCES'
        ? 'permission denied'
        : error.message
  const wrapped: NodeJS.ErrnoException = new Error(
    `@wxkit/emulator: cannot listen on ${host}:${port}: ${why}`,
    {
      cause: error,
    },
  )
  if (error.code !== undefined) wrapped.code = error.code
  return wrapped
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}
