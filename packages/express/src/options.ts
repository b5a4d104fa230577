import { Wechat, type WechatLock, type WechatMessageServer } from '@wxkit/core'
import type Keyv from 'keyv'
import { safeReturnTo } from './oauth/return-to.js'
import {
  assertMessageServer,
  isKeyvLike,
  isPlainObject,
  isPlainObjectOrInstance,
  optionError,
  rejectUnknownKeys,
  resolveCallback,
  resolveMilliseconds,
  resolveOrigin,
  resolveStringList,
} from './option-checks.js'
import type {
  ResolvedOptions,
  WechatJsSdkOptions,
  WechatMiddlewareOptions,
  WechatOauthOptions,
  WechatSessionOptions,
} from './option-types.js'
import type { WechatPayNotifyOptions } from './pay/pay-notify-options.js'
import { PayNotifyRoute } from './pay/pay-notify-route.js'
import { resolvePayNotifyOptions } from './pay/resolve-pay-notify.js'
import { createMemoryStore } from './session/memory-store.js'

const DEFAULTS = {
  prefix: '/wechat',
  scope: 'snsapi_base',
  defaultReturnTo: '/',
  cookieName: 'wxkit.sid',
  ttl: 7 * 24 * 60 * 60 * 1000,
  bodyLimit: 8192,
  bodyTimeoutMs: 10_000,
  storeTimeoutMs: 1000,
} as const

const MIN_SECRET_LENGTH = 32
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*$/

const TOP_LEVEL_KEYS = [
  'client',
  'config',
  'prefix',
  'jssdk',
  'miniProgram',
  'oauth',
  'messages',
  'pay',
  'session',
  'onLogin',
  'onError',
  'bodyLimit',
  'publicUrl',
  'logger',
  'bodyTimeoutMs',
]

/**
 * Validates the options of `wechat()` and fills in the defaults, so bad configuration fails at start-up
 * rather than on a request.
 */
export function resolveOptions(options: WechatMiddlewareOptions): ResolvedOptions {
  if (!isPlainObject(options)) throw optionError('options', 'must be an object')
  rejectUnknownKeys('', options, TOP_LEVEL_KEYS)

  const { client, cache } = resolveClient(options)
  const prefix = resolvePrefix(options.prefix)
  const session = resolveSession(options.session, cache, options.config?.lock)
  const publicUrl =
    options.publicUrl === undefined ? undefined : resolveOrigin('publicUrl', options.publicUrl)
  const logger = options.logger ?? options.config?.logger ?? console
  if (typeof logger?.warn !== 'function') throw optionError('logger', 'must have warn(message)')

  const bodyTimeoutMs = resolveMilliseconds('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULTS.bodyTimeoutMs)
  const onError = resolveCallback('onError', options.onError)

  const resolved: ResolvedOptions = {
    client,
    publicUrl,
    logger,
    bodyTimeoutMs,
    prefix,
    jssdk: resolveJsSdk(options.jssdk, publicUrl),
    miniProgram: resolveMiniProgram(options.miniProgram),
    oauth: resolveOauth(options.oauth),
    messages: resolveMessages(options.messages),
    pay: resolvePay(options.pay, { ...session, logger, onError, bodyTimeoutMs }, prefix),
    session,
    onLogin: resolveCallback('onLogin', options.onLogin),
    onError,
    bodyLimit: resolveBodyLimit(options.bodyLimit),
  }
  if (process.env.NODE_ENV === 'production') requireCanonicalOrigin(resolved)
  return resolved
}

/**
 * In production the request's `Host` (or `X-Forwarded-Host`) must never decide what is signed or where
 * WeChat sends the code: refuse to start until the origin is configured.
 */
function requireCanonicalOrigin(options: ResolvedOptions): void {
  if (options.publicUrl !== undefined) return
  if (options.jssdk && options.jssdk.allowedOrigins === undefined) {
    throw optionError(
      'publicUrl',
      'is required in production (NODE_ENV=production): set publicUrl to your site’s origin (e.g. "https://shop.example.com"), or list jssdk.allowedOrigins, so no forged Host header decides which pages are signed',
    )
  }
  if (options.oauth && options.oauth.redirectUri === undefined) {
    throw optionError(
      'publicUrl',
      'is required in production (NODE_ENV=production): set publicUrl to your site’s origin (e.g. "https://shop.example.com"), or oauth.redirectUri, so no forged Host header decides the OAuth redirect_uri',
    )
  }
}

function resolveMessages(messages: unknown): WechatMessageServer | false {
  if (messages === undefined || messages === false) return false
  assertMessageServer(messages, 'option "messages"')
  return messages
}

/** The notify route of `wechat({ pay })`, on the middleware's store, lock, logger and `onError`. */
function resolvePay(
  pay: unknown,
  fallbacks: ResolvedOptions['session'] & Pick<ResolvedOptions, 'logger' | 'onError' | 'bodyTimeoutMs'>,
  prefix: string,
): PayNotifyRoute | false {
  if (pay === undefined || pay === false) return false
  if (!isPlainObject(pay)) throw optionError('pay', 'must be an object such as { client, onTransaction }')
  const { client, ...rest } = pay as Partial<WechatPayNotifyOptions>
  const options = resolvePayNotifyOptions(
    client,
    rest,
    { path: 'pay.', clientOption: 'option "pay.client"' },
    fallbacks,
  )
  return new PayNotifyRoute(options, `wechat({ pay }) (at ${prefix}/pay/notify)`)
}

/** The client, and the Keyv it caches in when that is known (the session store's default). */
function resolveClient(options: WechatMiddlewareOptions): { client: Wechat; cache: Keyv | undefined } {
  if (options.client !== undefined && options.config !== undefined) {
    throw optionError('client', 'and option "config" exclude each other: give one')
  }
  if (options.client !== undefined) {
    const client = options.client as unknown
    if (!isPlainObjectOrInstance(client) || typeof (client as Wechat).getJsSdkConfig !== 'function') {
      throw optionError('client', 'must be a Wechat client from @wxkit/core')
    }
    const cache = (client as { cache?: unknown }).cache
    return { client: options.client, cache: isKeyvLike(cache) ? cache : undefined }
  }
  if (options.config !== undefined) {
    if (!isPlainObject(options.config)) throw optionError('config', 'must be a WechatConfig object')
    const cache = options.config.cache ?? createMemoryStore()
    try {
      return { client: new Wechat({ ...options.config, cache }), cache }
    } catch (error) {
      // @wxkit/core's validation messages name the option and never echo a value.
      const field = (error as { field?: unknown }).field
      const reason = error instanceof Error ? ` (${error.message})` : ''
      throw optionError(typeof field === 'string' ? `config.${field}` : 'config', `is invalid${reason}`)
    }
  }
  throw optionError('client', 'or option "config" is required')
}

function resolvePrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULTS.prefix
  if (typeof prefix !== 'string') throw optionError('prefix', 'must be a string such as "/wechat"')
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  if (!PREFIX.test(trimmed)) {
    throw optionError('prefix', 'must be a path such as "/wechat" (leading slash, no query, no spaces)')
  }
  return trimmed
}

function resolveJsSdk(jssdk: unknown, publicUrl: string | undefined): ResolvedOptions['jssdk'] {
  if (jssdk === false) return false
  const own = publicUrl === undefined ? undefined : [publicUrl]
  if (jssdk === undefined) return { allowedOrigins: own, jsApiList: undefined }
  if (!isPlainObject(jssdk)) throw optionError('jssdk', 'must be an object or false')
  rejectUnknownKeys('jssdk.', jssdk, ['allowedOrigins', 'jsApiList'])
  const { allowedOrigins, jsApiList } = jssdk as WechatJsSdkOptions
  return {
    allowedOrigins: allowedOrigins === undefined ? own : resolveOrigins(allowedOrigins),
    jsApiList: jsApiList === undefined ? undefined : resolveStringList('jssdk.jsApiList', jsApiList),
  }
}

function resolveOrigins(origins: unknown): string[] {
  if (!Array.isArray(origins) || origins.length === 0) {
    throw optionError(
      'jssdk.allowedOrigins',
      'must be a non-empty array of origins such as "https://example.com"',
    )
  }
  return origins.map((origin, index) => resolveOrigin(`jssdk.allowedOrigins[${index}]`, origin))
}

function resolveMiniProgram(miniProgram: unknown): boolean {
  if (miniProgram === false) return false
  if (miniProgram === undefined) return true
  if (!isPlainObject(miniProgram)) throw optionError('miniProgram', 'must be an object or false')
  rejectUnknownKeys('miniProgram.', miniProgram, [])
  return true
}

function resolveOauth(oauth: unknown): ResolvedOptions['oauth'] {
  if (oauth === false) return false
  if (oauth !== undefined && !isPlainObject(oauth)) throw optionError('oauth', 'must be an object or false')
  const value = (oauth ?? {}) as WechatOauthOptions
  rejectUnknownKeys('oauth.', value, ['scope', 'defaultReturnTo', 'redirectUri'])
  const scope = value.scope ?? DEFAULTS.scope
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
    throw optionError('oauth.scope', 'must be "snsapi_base" or "snsapi_userinfo"')
  }
  const defaultReturnTo = value.defaultReturnTo ?? DEFAULTS.defaultReturnTo
  if (safeReturnTo(defaultReturnTo) !== defaultReturnTo) {
    throw optionError('oauth.defaultReturnTo', 'must be a same-origin path such as "/" or "/account"')
  }
  let redirectUri: string | undefined
  if (value.redirectUri !== undefined) {
    let url: URL | undefined
    try {
      url = typeof value.redirectUri === 'string' ? new URL(value.redirectUri) : undefined
    } catch {
      url = undefined
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash) {
      throw optionError('oauth.redirectUri', 'must be an absolute http(s) URL without a fragment')
    }
    redirectUri = url.href
  }
  return { scope, defaultReturnTo, redirectUri }
}

function resolveSession(
  session: unknown,
  clientCache: Keyv | undefined,
  clientLock: WechatLock | undefined,
): ResolvedOptions['session'] {
  if (session === undefined) throw optionError('session', 'is required (at least { secret })')
  if (!isPlainObject(session)) throw optionError('session', 'must be an object such as { secret }')
  rejectUnknownKeys('session.', session, [
    'secret',
    'cookieName',
    'ttl',
    'store',
    'storeTimeoutMs',
    'domain',
    'lock',
  ])
  const {
    secret,
    cookieName = DEFAULTS.cookieName,
    ttl = DEFAULTS.ttl,
    store,
    domain,
    lock,
    storeTimeoutMs,
  } = session as unknown as WechatSessionOptions

  const secrets = typeof secret === 'string' ? [secret] : secret
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw optionError('session.secret', 'is required: a string or a non-empty array of strings')
  }
  for (const [index, value] of secrets.entries()) {
    const option = Array.isArray(secret) ? `session.secret[${index}]` : 'session.secret'
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
      throw optionError(option, `must be a string of at least ${MIN_SECRET_LENGTH} characters`)
    }
  }
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    throw optionError(
      'session.cookieName',
      'must be a cookie name of 1-64 token characters (e.g. "wxkit.sid")',
    )
  }
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 60_000) {
    throw optionError('session.ttl', 'must be a whole number of milliseconds, at least 60000')
  }
  if (store !== undefined && !isKeyvLike(store)) {
    throw optionError('session.store', 'must be a Keyv instance')
  }
  if (domain !== undefined && (typeof domain !== 'string' || !/^\.?[A-Za-z0-9.-]{1,253}$/.test(domain))) {
    throw optionError('session.domain', 'must be a host name such as "example.com"')
  }
  if (cookieName.startsWith('__Host-') && domain !== undefined) {
    throw optionError('session.cookieName', 'cannot start with __Host- when session.domain is set')
  }
  if (lock !== undefined && typeof (lock as WechatLock)?.acquire !== 'function') {
    throw optionError('session.lock', 'must be a lock with acquire(key, ttlMs), such as createRedisLock()')
  }
  const named = (session as { cookieName?: unknown }).cookieName !== undefined
  return {
    secrets: [...secrets],
    cookieName,
    secureCookieName: named || domain !== undefined ? cookieName : `__Host-${cookieName}`,
    ttl,
    store: store ?? clientCache ?? createMemoryStore(),
    storeTimeoutMs: resolveMilliseconds('session.storeTimeoutMs', storeTimeoutMs, DEFAULTS.storeTimeoutMs),
    domain,
    lock: lock ?? clientLock,
  }
}

function resolveBodyLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULTS.bodyLimit
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 64 || limit > 1_048_576) {
    throw optionError('bodyLimit', 'must be a whole number of bytes between 64 and 1048576')
  }
  return limit
}
