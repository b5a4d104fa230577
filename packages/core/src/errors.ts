/**
 * Error classes. Every message is built from the endpoint path and WeChat's own errcode/errmsg only: no
 * URL, query string, request body, token, code or secret ever reaches a message, `cause` or field.
 */

/** Options shared by the error constructors. */
interface BaseErrorOptions {
  /** The API path that failed, e.g. `/sns/jscode2session` (never a full URL). */
  endpoint?: string | undefined
  /** A sanitized underlying error (never a raw ky/fetch error). */
  cause?: Error | undefined
}

/**
 * The brand every `@wxkit/core` error carries. `Symbol.for` keys it in the global registry, which every
 * copy of the package and every realm (a `vm` context, a worker's module graph) shares, so the guards
 * recognise an error from another copy where `instanceof` does not, and no plain `Error` that merely has
 * the right `name` passes.
 */
const WXKIT_ERROR = Symbol.for('wxkit.error')

/**
 * Base class of every error `@wxkit/core` throws. Use the `is…Error()` guards rather than `instanceof`
 * when several copies of the package may be loaded.
 */
export class WechatClientError extends Error {
  /** The API path the error belongs to, when there is one. */
  readonly endpoint: string | undefined

  constructor(message: string, options: BaseErrorOptions = {}) {
    super(message, options.cause ? { cause: options.cause } : undefined)
    this.name = 'WechatClientError'
    this.endpoint = options.endpoint
    // Non-enumerable: the brand stays out of toJSON(), JSON.stringify and util.inspect.
    Object.defineProperty(this, WXKIT_ERROR, { value: true })
  }

  /** A plain, secret-free representation for structured logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message }
    for (const [key, value] of Object.entries(this)) out[key] = value
    return out
  }
}

/**
 * WeChat answered with a non-zero `errcode`.
 *
 * @example
 * ```ts
 * try { await wechat.jsCode2Session(code) } catch (err) {
 *   if (isWechatError(err) && err.errcode === ErrCode.InvalidCode) return res.status(401).end()
 *   throw err
 * }
 * ```
 */
export class WechatError extends WechatClientError {
  /** WeChat's error code (always a number). */
  readonly errcode: number
  /** WeChat's error message (secrets scrubbed). */
  readonly errmsg: string
  /** WeChat request id parsed from `errmsg` (`rid: …`), for support tickets and `/cgi-bin/openapi/rid/get`. */
  readonly rid: string | undefined
  declare readonly endpoint: string

  constructor(init: { errcode: number; errmsg: string; endpoint: string }) {
    super(`WeChat ${init.endpoint} failed with errcode ${init.errcode}: ${init.errmsg}`, {
      endpoint: init.endpoint,
    })
    this.name = 'WechatError'
    this.errcode = init.errcode
    this.errmsg = init.errmsg
    this.rid = /rid:\s*([0-9a-zA-Z-]+)/.exec(init.errmsg)?.[1]
  }
}

/** An argument failed validation before any network call was made. */
export class WechatValidationError extends WechatClientError {
  /** The name of the offending field or argument, e.g. `scene`, `width`, `url`. */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`@wxkit/core: invalid ${field}: ${reason}`)
    this.name = 'WechatValidationError'
    this.field = field
  }
}

/** WeChat (or a proxy in front of it) answered with a non-2xx HTTP status. */
export class WechatHttpError extends WechatClientError {
  /** The HTTP status code. */
  readonly status: number
  declare readonly endpoint: string

  constructor(init: { status: number; endpoint: string }) {
    super(`WeChat ${init.endpoint} answered HTTP ${init.status}`, { endpoint: init.endpoint })
    this.name = 'WechatHttpError'
    this.status = init.status
  }
}

/** A request attempt exceeded the configured `timeout`. */
export class WechatTimeoutError extends WechatClientError {
  /** The per-attempt timeout in milliseconds. */
  readonly timeoutMs: number
  declare readonly endpoint: string

  constructor(init: { timeoutMs: number; endpoint: string }) {
    super(`WeChat ${init.endpoint} timed out after ${init.timeoutMs} ms`, { endpoint: init.endpoint })
    this.name = 'WechatTimeoutError'
    this.timeoutMs = init.timeoutMs
  }
}

/** The request never got a response (connection refused or reset, DNS failure, proxy failure…). */
export class WechatNetworkError extends WechatClientError {
  /** The system error code when known, e.g. `ECONNREFUSED`, `ECONNRESET`. */
  readonly code: string | undefined
  declare readonly endpoint: string

  constructor(init: { endpoint: string; code?: string | undefined }) {
    super(`WeChat ${init.endpoint} request failed: ${init.code ?? 'network error'}`, {
      endpoint: init.endpoint,
      cause: init.code ? Object.assign(new Error(init.code), { code: init.code }) : undefined,
    })
    this.name = 'WechatNetworkError'
    this.code = init.code
  }
}

/** WeChat answered 2xx but with a body we cannot use (not JSON, HTML, an unexpected content type…). */
export class WechatResponseError extends WechatClientError {
  /** The response's Content-Type header, if any. */
  readonly contentType: string | undefined
  declare readonly endpoint: string

  constructor(init: { endpoint: string; reason: string; contentType?: string | undefined }) {
    super(`WeChat ${init.endpoint} returned an unusable response: ${init.reason}`, {
      endpoint: init.endpoint,
    })
    this.name = 'WechatResponseError'
    this.contentType = init.contentType
  }
}

/** Decrypting open data failed (bad key, iv or padding) or its watermark belongs to another AppID. */
export class WechatDecryptError extends WechatClientError {
  constructor(reason: string) {
    super(`@wxkit/core: cannot decrypt data: ${reason}`)
    this.name = 'WechatDecryptError'
  }
}

/** True when `value` carries the brand and, if a `name` is given, has that name (the subclass). */
const isBranded = (value: unknown, name?: string): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as Record<symbol, unknown>)[WXKIT_ERROR] === true &&
  (name === undefined || (value as { name?: unknown }).name === name)

/** True for any error thrown by `@wxkit/core`, also from another copy of the package or another realm. */
export function isWechatClientError(value: unknown): value is WechatClientError {
  return isBranded(value)
}
/** True when WeChat answered with a non-zero errcode. */
export function isWechatError(value: unknown): value is WechatError {
  return isBranded(value, 'WechatError') && typeof (value as WechatError).errcode === 'number'
}
/** True for an input validation error. */
export function isWechatValidationError(value: unknown): value is WechatValidationError {
  return isBranded(value, 'WechatValidationError')
}
/** True for a non-2xx HTTP answer. */
export function isWechatHttpError(value: unknown): value is WechatHttpError {
  return isBranded(value, 'WechatHttpError')
}
/** True for a per-attempt timeout. */
export function isWechatTimeoutError(value: unknown): value is WechatTimeoutError {
  return isBranded(value, 'WechatTimeoutError')
}
/** True for a request that got no response. */
export function isWechatNetworkError(value: unknown): value is WechatNetworkError {
  return isBranded(value, 'WechatNetworkError')
}
/** True for an unusable 2xx response body. */
export function isWechatResponseError(value: unknown): value is WechatResponseError {
  return isBranded(value, 'WechatResponseError')
}
/** True for a decryption or watermark failure (`WechatMessageDecryptError` included). */
export function isWechatDecryptError(value: unknown): value is WechatDecryptError {
  return isBranded(value, 'WechatDecryptError')
}
