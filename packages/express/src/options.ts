import {
  Wechat,
  type WechatConfig,
  type WechatLock,
  type WechatLogger,
  type WechatMessageServer,
} from '@wxkit/core'
import type { Request, Response } from 'express'
import Keyv from 'keyv'
import type { WechatUser } from './identity.js'
import { safeReturnTo } from './oauth/return-to.js'
import type { WechatPayNotifyOptions } from './pay/pay-notify-options.js'
import { PayNotifyRoute } from './pay/pay-notify-route.js'
import { resolvePayNotifyOptions } from './pay/resolve-pay-notify.js'
import { createMemoryStore } from './session/memory-store.js'

/** Options of the JS-SDK config route (`GET {prefix}/jssdk/config`). */
export interface WechatJsSdkOptions {
  /**
   * Origins (`https://shop.example.com`) whose pages may be signed. A URL from any other origin gets
   * `403 url_not_allowed`, so the server is not a signing oracle for other sites.
   * @default the request's own origin (honouring Express's `trust proxy` for `X-Forwarded-Proto/Host`)
   */
  allowedOrigins?: string[] | undefined
  /** Sent back as `jsApiList` in the config, ready to spread into `wx.config`. */
  jsApiList?: string[] | undefined
}

/** Options of the H5 OAuth routes (`GET {prefix}/oauth/login`, `GET {prefix}/oauth/callback`). */
export interface WechatOauthOptions {
  /**
   * The scope asked for when `/oauth/login` gets no `scope` parameter. `snsapi_userinfo` shows a consent
   * page and adds `nickname` and `avatar` to the identity.
   * @default 'snsapi_base'
   */
  scope?: 'snsapi_base' | 'snsapi_userinfo' | undefined
  /**
   * Where the callback redirects when `returnTo` is missing or unsafe. Must itself be a same-origin path.
   * @default '/'
   */
  defaultReturnTo?: string | undefined
  /**
   * The absolute callback URL registered with WeChat.
   * @default the request's own origin + mount path + `{prefix}/oauth/callback`
   */
  redirectUri?: string | undefined
}

/** Session cookie and store options. */
export interface WechatSessionOptions {
  /**
   * Secret(s) that sign the session and OAuth state cookies, each at least 32 characters. For rotation pass
   * an array: the first signs, all verify.
   */
  secret: string | string[]
  /**
   * Name of the session cookie; the OAuth state cookie is named `${cookieName}.state`.
   * @default 'wxkit.sid'
   */
  cookieName?: string | undefined
  /**
   * Session lifetime in milliseconds (cookie `Max-Age` and store TTL).
   * @default 604_800_000 (7 days)
   */
  ttl?: number | undefined
  /**
   * Longest time in milliseconds one store operation may take; a slower or failing store makes the routes
   * that need it answer `503 store_unavailable`, and other requests carry on signed out.
   * @default 1000
   */
  storeTimeoutMs?: number | undefined
  /**
   * The cookie `Domain`, to share the session with subdomains. Without it the cookie is host-only, and on
   * https it is named `__Host-<cookieName>`, which a sibling subdomain cannot plant.
   */
  domain?: string | undefined
  /**
   * A cross-process lock (`createRedisLock()` of `@wxkit/redis`) that makes an OAuth state's single use
   * hold across instances sharing a store. Without it single use is exact within one process and a
   * best effort across processes.
   * @default `config.lock`, when the middleware builds the client
   */
  lock?: WechatLock | undefined
  /**
   * Where session records, OAuth states and OAuth exchange results live. Share a Redis-backed Keyv between
   * instances behind a load balancer.
   * @default the client's cache: `config.cache` (an in-memory Keyv when absent, shared with the client
   * that `config` builds) or the given client's `cache`; else an in-memory Keyv
   */
  store?: Keyv | undefined
}

/** Options of {@link wechat}. */
export interface WechatMiddlewareOptions {
  /** A ready `Wechat` client shared by all requests. Give either `client` or `config`. */
  client?: Wechat | undefined
  /** Configuration for one `Wechat` client that the middleware builds and shares. */
  config?: WechatConfig | undefined
  /**
   * The app's canonical origin (`https://shop.example.com`): the OAuth `redirect_uri` is built on it and
   * the JS-SDK route signs its pages (unless `jssdk.allowedOrigins` lists others), whatever `Host` a
   * request claims. Required in production (`NODE_ENV=production`) unless `jssdk.allowedOrigins` and
   * `oauth.redirectUri` cover what is on.
   * @default the request's own origin (development only)
   */
  publicUrl?: string | undefined
  /**
   * Receives the middleware's warnings (a store outage, once per outage; the development default for
   * `publicUrl`, once).
   * @default `config.logger` when given, else `console`
   */
  logger?: WechatLogger | undefined
  /**
   * Longest time in milliseconds a route waits for the request body; a slower body gets
   * `408 request_timeout`.
   * @default 10000
   */
  bodyTimeoutMs?: number | undefined
  /**
   * Path prefix of the routes. `''` mounts them at the root.
   * @default '/wechat'
   */
  prefix?: string | undefined
  /** The JS-SDK config route; `false` turns it off. @default {} */
  jssdk?: WechatJsSdkOptions | false | undefined
  /** The Mini Program login and phone routes (no options of their own yet); `false` turns them off. @default {} */
  miniProgram?: Record<string, never> | false | undefined
  /** The H5 OAuth login routes; `false` turns them off. @default {} */
  oauth?: WechatOauthOptions | false | undefined
  /**
   * WeChat's message push at `{prefix}/messages` (the URL entered in the console): a
   * `WechatMessageServer` of `@wxkit/core` with its handlers. Off unless given; see `messageRoutes()`.
   */
  messages?: WechatMessageServer | false | undefined
  /**
   * WeChat Pay's notifications at `{prefix}/pay/notify` (the `notify_url` of your orders): the
   * `WechatPay` client of `@wxkit/pay` and the handlers, each notification handled once (in the session
   * store, with `session.lock` across instances, unless `pay.store` / `pay.lock` say otherwise). Off unless
   * given; see `payNotifyRoutes()`.
   */
  pay?: WechatPayNotifyOptions | false | undefined
  /** Session options; `secret` is required. */
  session: WechatSessionOptions
  /**
   * Called after WeChat confirmed a login and before the session starts (`req.wechatUser` is already set).
   * Throwing fails the login with `500 internal_error`; sending a response yourself ends the route there.
   */
  onLogin?: ((identity: WechatUser, req: Request, res: Response) => void | Promise<void>) | undefined
  /**
   * Called with every error that the routes answer with a 5xx status, for logging. The error carries no
   * secret (errors of `@wxkit/core` are redacted by construction).
   */
  onError?: ((error: unknown, req: Request) => void) | undefined
  /**
   * Largest accepted JSON body in bytes; larger bodies get `413 payload_too_large`.
   * @default 8192
   */
  bodyLimit?: number | undefined
}

/** The options after validation, with every default filled in. */
export interface ResolvedOptions {
  client: Wechat
  publicUrl: string | undefined
  logger: WechatLogger
  bodyTimeoutMs: number
  prefix: string
  jssdk: { allowedOrigins: string[] | undefined; jsApiList: string[] | undefined } | false
  miniProgram: boolean
  oauth:
    | { scope: 'snsapi_base' | 'snsapi_userinfo'; defaultReturnTo: string; redirectUri: string | undefined }
    | false
  messages: WechatMessageServer | false
  pay: PayNotifyRoute | false
  session: {
    secrets: string[]
    /** The session cookie's name on http, and on https when `domain` or `cookieName` is set. */
    cookieName: string
    /** The session cookie's name on https (`__Host-wxkit.sid` by default). */
    secureCookieName: string
    ttl: number
    store: Keyv
    storeTimeoutMs: number
    domain: string | undefined
    lock: WechatLock | undefined
  }
  onLogin: WechatMiddlewareOptions['onLogin']
  onError: WechatMiddlewareOptions['onError']
  bodyLimit: number
}

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

/** Thrown at start-up for an invalid option; the message names the package and the option. */
export function optionError(option: string, problem: string): TypeError {
  return new TypeError(`@wxkit/express: option "${option}" ${problem}`)
}

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

/** Throws at start-up unless `server` is a `WechatMessageServer` (by shape, so duplicate installs work). */
export function assertMessageServer(server: unknown, option: string): asserts server is WechatMessageServer {
  const candidate = server as Partial<WechatMessageServer> | null | undefined
  if (typeof candidate?.handle !== 'function' || typeof candidate.bodyLimit !== 'number') {
    throw new TypeError(`@wxkit/express: ${option} must be a WechatMessageServer from @wxkit/core`)
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

/** A time option in milliseconds, 1 to 600000, or `fallback` when absent. */
export function resolveMilliseconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 600_000) {
    throw optionError(option, 'must be a whole number of milliseconds between 1 and 600000')
  }
  return value
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

function resolveOrigin(option: string, origin: unknown): string {
  if (typeof origin !== 'string') throw optionError(option, 'must be a string such as "https://example.com"')
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw optionError(
      option,
      `must be an absolute http(s) origin such as "https://example.com", got "${origin}"`,
    )
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
    throw optionError(option, `must be an http(s) origin without path, query or credentials, got "${origin}"`)
  }
  return url.origin
}

function resolveStringList(option: string, list: unknown): string[] {
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw optionError(option, 'must be an array of non-empty strings')
  }
  return [...list]
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

/** A callback option: a function or absent. */
export function resolveCallback<T>(option: string, callback: T): T {
  if (callback !== undefined && typeof callback !== 'function')
    throw optionError(option, 'must be a function')
  return callback
}

function resolveBodyLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULTS.bodyLimit
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 64 || limit > 1_048_576) {
    throw optionError('bodyLimit', 'must be a whole number of bytes between 64 and 1048576')
  }
  return limit
}

/** Throws for a key of `value` that is not in `known` (typos fail at start-up). */
export function rejectUnknownKeys(path: string, value: object, known: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw optionError(`${path}${key}`, `is unknown (known options: ${known.join(', ') || 'none'})`)
    }
  }
}

/** True for `{…}` literals and `Object.create(null)`, not arrays or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isPlainObjectOrInstance(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True for a Keyv, also from another copy of the package (by shape). */
export function isKeyvLike(value: unknown): value is Keyv {
  if (value instanceof Keyv) return true
  return (
    typeof value === 'object' &&
    typeof (value as Keyv).on === 'function' &&
    value !== null &&
    typeof (value as Keyv).get === 'function' &&
    typeof (value as Keyv).set === 'function' &&
    typeof (value as Keyv).delete === 'function'
  )
}
