import type { ResolvedConfig, WechatEnv } from '../config.js'
import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/** The longest life of a URL Link or URL Scheme: 30 days (§14.1). */
export const LINK_MAX_EXPIRE_DAYS = 30
const DAY_SECONDS = 86_400

/**
 * When a URL Link or Scheme stops working (§14.1): at `expire_time` (Unix **seconds**, `expire_type: 0`,
 * the default) or after `expire_interval` days (`expire_type: 1`), at most 30 days ahead either way.
 * Without either, WeChat lets the link live 30 days.
 */
export interface LinkExpiry {
  /** Expired links no longer open; since 2023 WeChat makes every link expire. */
  is_expire?: boolean
  /** `0`: at `expire_time`; `1`: after `expire_interval` days. WeChat's default: 0. */
  expire_type?: 0 | 1
  /** Unix time in **seconds** (not `Date.now()`), at most 30 days ahead. */
  expire_time?: number
  /** Days, 1–30 (`expire_type: 1`). */
  expire_interval?: number
}

/** A Cloud Development static site the link opens through (`cloud_base`, optional). */
export interface LinkCloudBase {
  /** The cloud environment. */
  env: string
  domain?: string
  path?: string
  query?: string
  resource_appid?: string
}

/** Body of `POST /wxa/generate_urllink`, with WeChat's field names. */
export interface UrlLinkRequest extends LinkExpiry {
  /** The page, without a query string (e.g. `pages/item/item`). Default: the home page. */
  path?: string
  /** ≤ 1024 characters of `0-9 A-Z a-z ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~ %`, e.g. `id=42&from=sms`. */
  query?: string
  /** Which version opens. Default: the client's `env`. */
  env_version?: WechatEnv
  cloud_base?: LinkCloudBase
}

/** Body of `POST /wxa/generatescheme`: the page goes inside `jump_wxa`, `env_version` too. */
export interface SchemeRequest extends LinkExpiry {
  jump_wxa?: {
    /** The page, without a query string. Default: the home page. */
    path?: string
    /** Same rules as a URL Link's `query`. */
    query?: string
    /** Which version opens. Default: the client's `env`. */
    env_version?: WechatEnv
  }
}

/** What WeChat knows about a generated link (`url_link_info` / `scheme_info`). */
export interface LinkInfo {
  appid: string
  path: string
  query: string
  /** Unix seconds. */
  create_time: number
  /** Unix seconds. */
  expire_time: number
  env_version: WechatEnv
  cloud_base?: LinkCloudBase
}

/** Result of {@link queryUrlLink}. */
export interface QueryUrlLinkResponse {
  url_link_info: LinkInfo
  /** Link and Scheme opens left today for the app. */
  quota_info: { remain_visit_quota: number }
}

/** Result of {@link queryScheme}. */
export interface QuerySchemeResponse {
  scheme_info: LinkInfo
  /** Link and Scheme opens left today for the app. */
  quota_info: { remain_visit_quota: number }
}

/** Body of `POST /wxa/genwxashortlink`. */
export interface ShortLinkRequest {
  /** The page **with** its query, e.g. `pages/item/item?id=42` (≤ 1024 characters). */
  page_url: string
  /** Shown in the chat where the link is pasted. */
  page_title?: string
  /** Permanent links draw from a lifetime quota of 100,000; temporary ones live 30 days. Default false. */
  is_permanent?: boolean
}

const LINK_QUERY = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/
const ENV_VERSIONS: readonly string[] = ['release', 'trial', 'develop']

/** A link `path`: a page without its query string. */
function linkPath(field: string, path: unknown): void {
  if (path === undefined) return
  requireString(field, path)
  if ((path as string).includes('?'))
    throw new WechatValidationError(
      field,
      `must not contain a query string; put it in ${field.replace(/path$/, 'query')}`,
    )
  if (/\s/.test(path as string)) throw new WechatValidationError(field, 'must not contain whitespace')
}

/** A link `query`: ≤ 1024 characters of WeChat's set, every `%` starting an `%XX` escape. */
function linkQuery(field: string, query: unknown): void {
  if (query === undefined) return
  if (typeof query !== 'string') throw new WechatValidationError(field, 'must be a string')
  if (query.length > 1024) throw new WechatValidationError(field, 'must be at most 1024 characters')
  if (!LINK_QUERY.test(query) || /%(?![0-9A-Fa-f]{2})/.test(query)) {
    throw new WechatValidationError(
      field,
      "may only contain 0-9 A-Z a-z and ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~ % (a % must start a %XX escape)",
    )
  }
}

function envVersion(field: string, value: unknown): void {
  if (value !== undefined && !ENV_VERSIONS.includes(value as string))
    throw new WechatValidationError(field, "must be 'release', 'trial' or 'develop'")
}

/** The expiry fields: seconds (not milliseconds) within 30 days, or 1–30 days. */
function linkExpiry(request: LinkExpiry, now: number): void {
  const { is_expire, expire_type, expire_time, expire_interval } = request
  if (is_expire !== undefined && typeof is_expire !== 'boolean')
    throw new WechatValidationError('is_expire', 'must be a boolean')
  if (expire_type !== undefined && expire_type !== 0 && expire_type !== 1)
    throw new WechatValidationError(
      'expire_type',
      'must be 0 (at expire_time) or 1 (after expire_interval days)',
    )
  if (expire_type === 1) {
    if (expire_time !== undefined)
      throw new WechatValidationError('expire_time', 'is not used with expire_type 1; give expire_interval')
    if (expire_interval === undefined)
      throw new WechatValidationError('expire_interval', 'is required with expire_type 1 (days, 1 to 30)')
  } else if (expire_interval !== undefined) {
    throw new WechatValidationError('expire_interval', 'needs expire_type: 1')
  }
  if (expire_interval !== undefined) {
    if (typeof expire_interval !== 'number' || !Number.isInteger(expire_interval) || expire_interval < 1) {
      throw new WechatValidationError('expire_interval', 'must be a whole number of days from 1 to 30')
    }
    if (expire_interval > LINK_MAX_EXPIRE_DAYS) {
      const hint = expire_interval >= DAY_SECONDS ? ' (it is in days, not seconds)' : ''
      throw new WechatValidationError('expire_interval', `must be at most 30 days${hint}`)
    }
  }
  if (expire_time !== undefined) {
    if (typeof expire_time !== 'number' || !Number.isInteger(expire_time) || expire_time < 1) {
      throw new WechatValidationError('expire_time', 'must be a Unix time in whole seconds')
    }
    const nowSeconds = Math.floor(now / 1000)
    // A millisecond timestamp is ~1000 times a second one: anything past the year 5000 in seconds is one.
    if (expire_time > 100_000_000_000) {
      throw new WechatValidationError(
        'expire_time',
        'must be Unix seconds, not milliseconds (use Math.floor(Date.now() / 1000) + seconds)',
      )
    }
    if (expire_time <= nowSeconds) throw new WechatValidationError('expire_time', 'must be in the future')
    if (expire_time > nowSeconds + LINK_MAX_EXPIRE_DAYS * DAY_SECONDS)
      throw new WechatValidationError('expire_time', 'must be at most 30 days ahead')
  }
}

/** Checks a URL Link request and fills `env_version` from the client's `env`. */
function urlLinkBody(request: UrlLinkRequest, { env, now }: ResolvedConfig): UrlLinkRequest {
  requireObject('request', request)
  linkPath('path', request.path)
  linkQuery('query', request.query)
  envVersion('env_version', request.env_version)
  if (request.cloud_base !== undefined) {
    requireObject('cloud_base', request.cloud_base)
    requireString('cloud_base.env', request.cloud_base.env, 128)
  }
  linkExpiry(request, now())
  return { ...request, env_version: request.env_version ?? env }
}

/** Checks a URL Scheme request: `env_version` belongs inside `jump_wxa` (WeChat answers 47001 otherwise). */
function schemeBody(request: SchemeRequest, { env, now }: ResolvedConfig): SchemeRequest {
  requireObject('request', request)
  if ('env_version' in request || 'path' in request || 'query' in request) {
    const field = ['env_version', 'path', 'query'].find((name) => name in request) as string
    throw new WechatValidationError(field, `belongs inside jump_wxa (jump_wxa.${field})`)
  }
  const jump = request.jump_wxa === undefined ? {} : requireObject('jump_wxa', request.jump_wxa)
  linkPath('jump_wxa.path', jump.path)
  linkQuery('jump_wxa.query', jump.query)
  envVersion('jump_wxa.env_version', jump.env_version)
  linkExpiry(request, now())
  return { ...request, jump_wxa: { ...jump, env_version: (jump.env_version as WechatEnv) ?? env } }
}

function shortLinkBody(request: ShortLinkRequest): ShortLinkRequest {
  requireObject('request', request)
  requireString('page_url', request.page_url)
  if (/\s/.test(request.page_url)) throw new WechatValidationError('page_url', 'must not contain whitespace')
  if (request.page_title !== undefined && typeof request.page_title !== 'string')
    throw new WechatValidationError('page_title', 'must be a string')
  if (request.is_permanent !== undefined && typeof request.is_permanent !== 'boolean')
    throw new WechatValidationError('is_permanent', 'must be a boolean')
  return request
}

/** Reads one string field of a link answer. */
function linkField<K extends string>(endpoint: string, field: K) {
  return (body: Partial<Record<K, unknown>>): string => {
    const value = body[field]
    if (typeof value !== 'string' || value === '')
      throw new WechatResponseError({ endpoint, reason: `no ${field} in the response` })
    return value
  }
}

/**
 * `POST /wxa/generate_urllink` → the `https://wxaurl.cn/…` link. Retried on transient failures: a repeat
 * only mints another link (the lost one is never seen and expires) and spends one of the 500,000 daily
 * generations, which come back the next day.
 */
export const generateUrlLink = defineEndpoint({
  method: 'POST',
  path: '/wxa/generate_urllink',
  json: urlLinkBody,
  read: linkField('/wxa/generate_urllink', 'url_link'),
})

/** `POST /wxa/generatescheme` → the `weixin://dl/business/?t=…` scheme (retried like a URL Link). */
export const generateScheme = defineEndpoint({
  method: 'POST',
  path: '/wxa/generatescheme',
  json: schemeBody,
  read: linkField('/wxa/generatescheme', 'openlink'),
})

function readLinkInfo<K extends 'url_link_info' | 'scheme_info'>(endpoint: string, key: K) {
  return (body: Record<string, unknown>) => {
    const info = body[key] as Partial<LinkInfo> | undefined
    if (!info || typeof info.appid !== 'string')
      throw new WechatResponseError({ endpoint, reason: `no ${key} in the response` })
    const quota = body.quota_info as { remain_visit_quota?: unknown } | undefined
    return {
      [key]: info as LinkInfo,
      quota_info: { remain_visit_quota: Number(quota?.remain_visit_quota ?? 0) },
    } as unknown as K extends 'url_link_info' ? QueryUrlLinkResponse : QuerySchemeResponse
  }
}

/** `POST /wxa/query_urllink {url_link}`: where a URL Link leads and when it expires. */
export const queryUrlLink = defineEndpoint({
  method: 'POST',
  path: '/wxa/query_urllink',
  json: (urlLink: string) => ({ url_link: requireString('urlLink', urlLink) }),
  read: readLinkInfo('/wxa/query_urllink', 'url_link_info'),
})

/** `POST /wxa/queryscheme {scheme}`: where a URL Scheme leads and when it expires. */
export const queryScheme = defineEndpoint({
  method: 'POST',
  path: '/wxa/queryscheme',
  json: (scheme: string) => ({ scheme: requireString('scheme', scheme) }),
  read: readLinkInfo('/wxa/queryscheme', 'scheme_info'),
})

const shortLink = {
  method: 'POST',
  path: '/wxa/genwxashortlink',
  json: shortLinkBody,
  read: linkField('/wxa/genwxashortlink', 'link'),
} as const

/** `POST /wxa/genwxashortlink` for a temporary link (30 days): retried like a URL Link. */
export const generateShortLink = defineEndpoint(shortLink)

/**
 * The same call for a permanent link: **not** retried after a transport failure, since each one spends
 * one of the app's 100,000 permanent links for good.
 */
export const generatePermanentShortLink = defineEndpoint({ ...shortLink, idempotent: false })
