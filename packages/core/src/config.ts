import Keyv from 'keyv'
import { WechatValidationError } from './errors.js'
import type { WechatHooks, WechatLogger } from './hooks.js'
import type { WechatLock, WechatLockTimings } from './lock.js'

/** Mini Program environment. */
export type WechatEnv = 'release' | 'trial' | 'develop'

/** How the global access_token is obtained. */
export type TokenMode = 'stable' | 'classic'

/** Retry policy for transient failures (network errors, timeouts, HTTP 5xx, errcode -1). */
export interface WechatRetryOptions {
  /**
   * Retries after the first attempt (0 disables). Never unbounded.
   * @default 2
   */
  limit?: number | undefined
  /**
   * Delay before the first retry; doubles each time, with ±25 % jitter.
   * @default 300
   */
  delayMs?: number | undefined
  /**
   * Upper bound of one delay.
   * @default 3000
   */
  maxDelayMs?: number | undefined
}

/**
 * Options of {@link Wechat}. Defaults live in one place ({@link resolveConfig}); invalid values throw
 * at construction.
 */
export interface WechatConfig {
  /** The AppID (`wx…`). */
  appId: string
  /** The AppSecret. Only ever sent in a POST body (stable mode) or to the token/login endpoints. */
  appSecret: string
  /**
   * Mini Program environment; sets `miniprogram_state` of subscribe messages and the default
   * `env_version` of QR codes.
   * @default 'release'
   */
  env?: WechatEnv | undefined
  /** An http(s) proxy URL for all calls (undici `ProxyAgent`). */
  proxy?: string | undefined
  /**
   * WeChat API origin (point it at `@wxkit/emulator` in tests).
   * @default 'https://api.weixin.qq.com'
   */
  baseURL?: string | undefined
  /**
   * Origin of the OAuth authorize page.
   * @default 'https://open.weixin.qq.com'
   */
  oauthBaseURL?: string | undefined
  /**
   * Origin of `mp.weixin.qq.com`, where parameter QR code images are served (`qrCodeImageUrl`); point it
   * at the emulator's `mpBaseUrl` in tests.
   * @default 'https://mp.weixin.qq.com'
   */
  mpBaseURL?: string | undefined
  /**
   * Timeout of one HTTP attempt in milliseconds (retries get their own).
   * @default 10000
   */
  timeout?: number | undefined
  /**
   * Shared cache for access_token, jsapi_ticket and the force-refresh budget. Use one store (e.g.
   * `@keyv/redis`) for all instances of an app. Keys look like `wxkit:<appId>:access_token`.
   * @default an in-memory Keyv
   */
  cache?: Keyv | undefined
  /**
   * `stable`: `POST /cgi-bin/stable_token` (idempotent across instances; secret in the body).
   * `classic`: `GET /cgi-bin/token` (every call retires the previous token).
   * @default 'stable'
   */
  tokenMode?: TokenMode | undefined
  /** Request hooks and operator events; see {@link WechatHooks}. */
  hooks?: WechatHooks | undefined
  /** Cross-process lock taken on a cold cache so only one process fetches. */
  lock?: WechatLock | undefined
  /** Timings of {@link WechatConfig.lock}. */
  lockTimings?: WechatLockTimings | undefined
  /**
   * Receives operational warnings (once per cache outage, force-refresh budget exhausted…).
   * @default a no-op (nothing is printed)
   */
  logger?: WechatLogger | undefined
  /** Retry policy for transient failures of idempotent calls. */
  retry?: WechatRetryOptions | undefined
  /**
   * How long a token/ticket is trusted from process memory before the shared cache is checked again in
   * the background (it is never used past its expiry).
   * @default 60000
   */
  memoryTtlMs?: number | undefined
  /**
   * Timeout of one cache operation; a slower store counts as an outage.
   * @default 1000
   */
  cacheTimeoutMs?: number | undefined
  /**
   * Clock in milliseconds (a test seam).
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** {@link WechatConfig} with every default applied. */
export interface ResolvedConfig {
  appId: string
  appSecret: string
  env: WechatEnv
  proxy: string | undefined
  baseURL: string
  oauthBaseURL: string
  mpBaseURL: string
  timeout: number
  cache: Keyv
  tokenMode: TokenMode
  hooks: WechatHooks
  lock: WechatLock | undefined
  lockTimings: { ttlMs: number; waitMs: number; pollMs: number }
  logger: WechatLogger
  retry: { limit: number; delayMs: number; maxDelayMs: number }
  memoryTtlMs: number
  cacheTimeoutMs: number
  now: () => number
}

const noop = (): void => {}

/** The default of every option. */
const DEFAULTS = {
  env: 'release',
  baseURL: 'https://api.weixin.qq.com',
  oauthBaseURL: 'https://open.weixin.qq.com',
  mpBaseURL: 'https://mp.weixin.qq.com',
  timeout: 10_000,
  tokenMode: 'stable',
  lockTimings: { ttlMs: 15_000, waitMs: 10_000, pollMs: 50 },
  retry: { limit: 2, delayMs: 300, maxDelayMs: 3000 },
  memoryTtlMs: 60_000,
  cacheTimeoutMs: 1000,
} as const

function fail(option: string, reason: string): never {
  throw new WechatValidationError(option, reason)
}

function nonEmpty(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(option, 'must be a non-empty string')
  return value
}

function httpUrl(option: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(option, 'must be an absolute http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(option, 'must be an absolute http(s) URL')
  return value.replace(/\/+$/, '')
}

function nonNegative(option: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    fail(option, `must be a number ≥ ${min}`)
  return value
}

/** Applies defaults and validates options; throws {@link WechatValidationError} naming the option. */
export function resolveConfig(config: WechatConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') fail('config', 'must be an object')
  const env = config.env ?? DEFAULTS.env
  if (!['release', 'trial', 'develop'].includes(env)) fail('env', "must be 'release', 'trial' or 'develop'")
  const tokenMode = config.tokenMode ?? DEFAULTS.tokenMode
  if (tokenMode !== 'stable' && tokenMode !== 'classic') fail('tokenMode', "must be 'stable' or 'classic'")
  if (
    config.cache !== undefined &&
    (typeof config.cache?.get !== 'function' || typeof config.cache?.set !== 'function')
  ) {
    fail('cache', 'must be a Keyv instance')
  }
  if (config.lock !== undefined && typeof config.lock?.acquire !== 'function')
    fail('lock', 'must have acquire()')
  if (config.logger !== undefined && typeof config.logger?.warn !== 'function')
    fail('logger', 'must have warn()')
  const retry = config.retry ?? {}
  const lockTimings = config.lockTimings ?? {}
  return {
    appId: nonEmpty('appId', config.appId),
    appSecret: nonEmpty('appSecret', config.appSecret),
    env,
    proxy: config.proxy === undefined ? undefined : httpUrl('proxy', config.proxy),
    baseURL: httpUrl('baseURL', config.baseURL ?? DEFAULTS.baseURL),
    oauthBaseURL: httpUrl('oauthBaseURL', config.oauthBaseURL ?? DEFAULTS.oauthBaseURL),
    mpBaseURL: httpUrl('mpBaseURL', config.mpBaseURL ?? DEFAULTS.mpBaseURL),
    timeout: nonNegative('timeout', config.timeout, DEFAULTS.timeout, 1),
    cache: config.cache ?? new Keyv(),
    tokenMode,
    hooks: config.hooks ?? {},
    lock: config.lock,
    lockTimings: {
      ttlMs: nonNegative('lockTimings.ttlMs', lockTimings.ttlMs, DEFAULTS.lockTimings.ttlMs, 1),
      waitMs: nonNegative('lockTimings.waitMs', lockTimings.waitMs, DEFAULTS.lockTimings.waitMs),
      pollMs: nonNegative('lockTimings.pollMs', lockTimings.pollMs, DEFAULTS.lockTimings.pollMs, 1),
    },
    logger: config.logger ?? { warn: noop },
    retry: {
      limit: Math.floor(nonNegative('retry.limit', retry.limit, DEFAULTS.retry.limit)),
      delayMs: nonNegative('retry.delayMs', retry.delayMs, DEFAULTS.retry.delayMs),
      maxDelayMs: nonNegative('retry.maxDelayMs', retry.maxDelayMs, DEFAULTS.retry.maxDelayMs),
    },
    memoryTtlMs: nonNegative('memoryTtlMs', config.memoryTtlMs, DEFAULTS.memoryTtlMs),
    cacheTimeoutMs: nonNegative('cacheTimeoutMs', config.cacheTimeoutMs, DEFAULTS.cacheTimeoutMs, 1),
    now: config.now ?? Date.now,
  }
}
