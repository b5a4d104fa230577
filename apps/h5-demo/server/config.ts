import { DemoConfigError, nonEmpty } from './config-error.js'
import { type DemoPayConfig, PAY_VARIABLES, readPayConfig } from './pay-config.js'

/** How the demo reaches WeChat: the embedded emulator, or real WeChat (or anything that answers like it). */
export type DemoMode = 'emulator' | 'wechat'

/** The console's message encryption mode (Settings and development → Basic configuration → Server). */
export type DemoPushMode = 'plain' | 'compatible' | 'safe'

/** The push settings entered in the console: where WeChat's messages and events go. */
export interface DemoPushConfig {
  /** `WECHAT_PUSH_TOKEN`: the console's Token. */
  token: string
  /** `WECHAT_PUSH_AES_KEY`: the console's EncodingAESKey (required in compatible and safe mode). */
  encodingAESKey?: string
  /** `WECHAT_PUSH_MODE`. @default 'safe' with a key, else 'plain' */
  mode: DemoPushMode
}

/** Everything the demo server reads from its environment, validated. */
export interface DemoConfig {
  /** `emulator` when no credentials are set, `wechat` when `WECHAT_APP_ID` and `WECHAT_APP_SECRET` are. */
  mode: DemoMode
  /** `PORT`; 0 picks a free port. @default 3000 */
  port: number
  /** Real mode only: the credentials and host overrides. */
  wechat?: {
    appId: string
    appSecret: string
    /** `WECHAT_API_BASE_URL`, instead of https://api.weixin.qq.com. */
    baseURL?: string
    /** `WECHAT_OAUTH_BASE_URL`, instead of https://open.weixin.qq.com. */
    oauthBaseURL?: string
  }
  /** Real mode only: the push route's console settings (`WECHAT_PUSH_*`); without them it is off. */
  push?: DemoPushConfig
  /** Real mode only: the WeChat Pay merchant (`WECHAT_PAY_*`); without it the Pay card says so. */
  pay?: DemoPayConfig
  /** `WECHAT_JSSDK_ORIGINS`: page origins allowed besides the demo's own. */
  extraOrigins: string[]
  /**
   * `PUBLIC_URL`: the page's public origin, which OAuth redirects to and the JS-SDK route signs whatever
   * `Host` a request claims. Required in real mode with `NODE_ENV=production`.
   * @default the request's origin in development; the demo's own `http://localhost:PORT` in emulator mode
   */
  publicUrl?: string
  /** `SESSION_SECRET`, or undefined (the server then makes a random one per process). */
  sessionSecret?: string
}

export { DemoConfigError } from './config-error.js'

const DEFAULT_PORT = 3000

/**
 * Reads the demo's configuration from environment variables.
 *
 * With neither `WECHAT_APP_ID` nor `WECHAT_APP_SECRET` the demo runs on the embedded emulator; with both it
 * talks to WeChat; with one of them it refuses to start rather than guess.
 */
export function readDemoConfig(env: Record<string, string | undefined>): DemoConfig {
  const appId = nonEmpty(env.WECHAT_APP_ID)
  const appSecret = nonEmpty(env.WECHAT_APP_SECRET)
  const config: DemoConfig = {
    mode: 'emulator',
    port: readPort(env.PORT),
    extraOrigins: readOrigins(env.WECHAT_JSSDK_ORIGINS),
  }
  const publicUrl = nonEmpty(env.PUBLIC_URL)
  if (publicUrl !== undefined) config.publicUrl = readOrigin('PUBLIC_URL', publicUrl)
  const sessionSecret = nonEmpty(env.SESSION_SECRET)
  if (sessionSecret !== undefined) {
    if (sessionSecret.length < 32) {
      throw new DemoConfigError('SESSION_SECRET must be at least 32 characters long')
    }
    config.sessionSecret = sessionSecret
  }

  if (appId === undefined && appSecret === undefined) {
    for (const name of [
      'WECHAT_API_BASE_URL',
      'WECHAT_OAUTH_BASE_URL',
      'WECHAT_PUSH_TOKEN',
      'WECHAT_PUSH_AES_KEY',
      'WECHAT_PUSH_MODE',
      ...PAY_VARIABLES,
    ]) {
      if (nonEmpty(env[name]) !== undefined) {
        throw new DemoConfigError(`${name} needs WECHAT_APP_ID and WECHAT_APP_SECRET as well`)
      }
    }
    return config
  }
  if (appId === undefined) throw new DemoConfigError('WECHAT_APP_SECRET is set but WECHAT_APP_ID is not')
  if (appSecret === undefined) throw new DemoConfigError('WECHAT_APP_ID is set but WECHAT_APP_SECRET is not')
  if (!/^wx[0-9a-zA-Z]{16}$/.test(appId)) {
    throw new DemoConfigError('WECHAT_APP_ID must look like wx followed by 16 letters or digits')
  }

  config.mode = 'wechat'
  if (env.NODE_ENV === 'production' && config.publicUrl === undefined) {
    throw new DemoConfigError(
      'PUBLIC_URL is required with NODE_ENV=production in real mode: the origin WeChat users open, e.g. https://h5.example.com',
    )
  }
  config.wechat = { appId, appSecret }
  const baseURL = readBaseUrl('WECHAT_API_BASE_URL', env.WECHAT_API_BASE_URL)
  if (baseURL !== undefined) config.wechat.baseURL = baseURL
  const oauthBaseURL = readBaseUrl('WECHAT_OAUTH_BASE_URL', env.WECHAT_OAUTH_BASE_URL)
  if (oauthBaseURL !== undefined) config.wechat.oauthBaseURL = oauthBaseURL
  const push = readPush(env)
  if (push !== undefined) config.push = push
  const pay = readPayConfig(env)
  if (pay !== undefined) config.pay = pay
  return config
}

const PUSH_MODES: readonly DemoPushMode[] = ['plain', 'compatible', 'safe']

/** `WECHAT_PUSH_TOKEN`, `WECHAT_PUSH_AES_KEY` and `WECHAT_PUSH_MODE`, as WeChat's console accepts them. */
function readPush(env: Record<string, string | undefined>): DemoPushConfig | undefined {
  const token = nonEmpty(env.WECHAT_PUSH_TOKEN)
  const encodingAESKey = nonEmpty(env.WECHAT_PUSH_AES_KEY)
  const mode = nonEmpty(env.WECHAT_PUSH_MODE)
  if (token === undefined) {
    if (encodingAESKey !== undefined || mode !== undefined) {
      throw new DemoConfigError('WECHAT_PUSH_AES_KEY and WECHAT_PUSH_MODE need WECHAT_PUSH_TOKEN as well')
    }
    return undefined
  }
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) {
    throw new DemoConfigError('WECHAT_PUSH_TOKEN must be 3 to 32 letters or digits, as in the console')
  }
  if (encodingAESKey !== undefined && !/^[A-Za-z0-9]{43}$/.test(encodingAESKey)) {
    throw new DemoConfigError('WECHAT_PUSH_AES_KEY must be 43 letters or digits, as in the console')
  }
  if (mode !== undefined && !(PUSH_MODES as readonly string[]).includes(mode)) {
    throw new DemoConfigError('WECHAT_PUSH_MODE must be plain, compatible or safe')
  }
  const resolved = (mode as DemoPushMode | undefined) ?? (encodingAESKey === undefined ? 'plain' : 'safe')
  if (resolved !== 'plain' && encodingAESKey === undefined) {
    throw new DemoConfigError(`WECHAT_PUSH_MODE=${resolved} needs WECHAT_PUSH_AES_KEY`)
  }
  return { token, ...(encodingAESKey === undefined ? {} : { encodingAESKey }), mode: resolved }
}

function readPort(value: string | undefined): number {
  const text = nonEmpty(value)
  if (text === undefined) return DEFAULT_PORT
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new DemoConfigError(`PORT must be a whole number from 0 to 65535, got "${text}"`)
  }
  return port
}

function readBaseUrl(name: string, value: string | undefined): string | undefined {
  const text = nonEmpty(value)
  if (text === undefined) return undefined
  const url = URL.parse(text)
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new DemoConfigError(`${name} must be an http(s) URL`)
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new DemoConfigError(`${name} must be a plain base URL, without credentials, query or fragment`)
  }
  return url.href.replace(/\/+$/, '')
}

function readOrigins(value: string | undefined): string[] {
  const text = nonEmpty(value)
  if (text === undefined) return []
  return text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map((entry) => readOrigin('WECHAT_JSSDK_ORIGINS', entry))
}

/** An http(s) origin (scheme, host and port, nothing else) in variable `name`. */
function readOrigin(name: string, entry: string): string {
  const url = URL.parse(entry)
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new DemoConfigError(`${name}: "${entry}" is not an http(s) origin`)
  }
  if (url.origin !== entry.replace(/\/$/, '')) {
    throw new DemoConfigError(
      `${name}: "${entry}" must be an origin only (scheme, host and port), like ${url.origin}`,
    )
  }
  return url.origin
}
