/**
 * Error classes. Messages are built from the API path, WeChat Pay's own `code`/`message` and fixed text:
 * no key, signature input, header value or request body ever reaches a message, `cause` or field.
 */

interface BaseOptions {
  /** The API path without query, e.g. `/v3/pay/transactions/jsapi`. */
  endpoint?: string | undefined
  /** WeChat Pay's `Request-ID` header, for support tickets. */
  requestId?: string | undefined
  cause?: Error | undefined
}

/**
 * The brand every `@wxkit/pay` error carries. `Symbol.for` keys it in the global registry, which every copy
 * of the package and every realm shares, so the guards recognise an error from another copy where
 * `instanceof` does not, and no plain `Error` that merely has the right `name` passes.
 */
const WXKIT_PAY_ERROR = Symbol.for('wxkit.pay.error')

/**
 * Base class of every error `@wxkit/pay` throws. Use the `is…Error()` guards rather than `instanceof` when
 * several copies of the package may be loaded.
 */
export class WechatPayClientError extends Error {
  /** The API path the error belongs to, when there is one. */
  readonly endpoint: string | undefined
  /** WeChat Pay's `Request-ID` of the answer, when there was one. */
  readonly requestId: string | undefined

  constructor(message: string, options: BaseOptions = {}) {
    super(message, options.cause ? { cause: options.cause } : undefined)
    this.name = 'WechatPayClientError'
    this.endpoint = options.endpoint
    this.requestId = options.requestId
    // Non-enumerable: the brand stays out of toJSON(), JSON.stringify and util.inspect.
    Object.defineProperty(this, WXKIT_PAY_ERROR, { value: true })
  }

  /** A plain, secret-free representation for structured logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message }
    for (const [key, value] of Object.entries(this)) out[key] = value
    return out
  }
}

/**
 * WeChat Pay answered with an HTTP error and `{ code, message, detail? }` (`PARAM_ERROR`, `ORDERPAID`,
 * `ORDER_CLOSED`, `SIGN_ERROR`…). The answer's signature was verified when it carried one.
 *
 * @example
 * ```ts
 * try { await pay.closeOrder('T1001') } catch (err) {
 *   if (isWechatPayError(err) && err.code === 'ORDERPAID') return // paid meanwhile: ship it
 *   throw err
 * }
 * ```
 */
export class WechatPayError extends WechatPayClientError {
  /** The HTTP status. */
  readonly status: number
  /** WeChat Pay's error code, e.g. `ORDERPAID`; `HTTP_<status>` when the body had none. */
  readonly code: string
  /** WeChat Pay's `detail` object, if any. */
  readonly detail: unknown
  declare readonly endpoint: string

  constructor(init: {
    status: number
    code: string
    message: string
    detail?: unknown
    endpoint: string
    requestId?: string | undefined
  }) {
    super(`WeChat Pay ${init.endpoint} failed with HTTP ${init.status} ${init.code}: ${init.message}`, {
      endpoint: init.endpoint,
      requestId: init.requestId,
    })
    this.name = 'WechatPayError'
    this.status = init.status
    this.code = init.code
    this.detail = init.detail
  }
}

/**
 * A signature did not verify: an answer or notification without the `Wechatpay-*` headers, with a
 * timestamp more than five minutes off, a `WECHATPAY/SIGNTEST/` probe, an unknown serial (after one
 * certificate refresh) or a signature that does not match the exact bytes.
 */
export class WechatPayVerificationError extends WechatPayClientError {
  /** The `Wechatpay-Serial` that was presented, if any (a key id, never key material). */
  readonly serial: string | undefined

  constructor(reason: string, options: BaseOptions & { serial?: string | undefined } = {}) {
    super(`@wxkit/pay: signature verification failed: ${reason}`, options)
    this.name = 'WechatPayVerificationError'
    this.serial = options.serial
  }
}

/** An argument or option failed validation; nothing was sent. */
export class WechatPayValidationError extends WechatPayClientError {
  /** The offending field or option, e.g. `out_trade_no`, `amount.total`, `apiV3Key`. */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`@wxkit/pay: invalid ${field}: ${reason}`)
    this.name = 'WechatPayValidationError'
    this.field = field
  }
}

/** A request attempt exceeded the configured `timeout`. */
export class WechatPayTimeoutError extends WechatPayClientError {
  /** The per-attempt timeout in milliseconds. */
  readonly timeoutMs: number
  declare readonly endpoint: string

  constructor(init: { timeoutMs: number; endpoint: string }) {
    super(`WeChat Pay ${init.endpoint} timed out after ${init.timeoutMs} ms`, { endpoint: init.endpoint })
    this.name = 'WechatPayTimeoutError'
    this.timeoutMs = init.timeoutMs
  }
}

/** The request got no answer (connection refused or reset, DNS failure…). */
export class WechatPayNetworkError extends WechatPayClientError {
  /** The system error code when known, e.g. `ECONNREFUSED`. */
  readonly code: string | undefined
  declare readonly endpoint: string

  constructor(init: { endpoint: string; code?: string | undefined }) {
    super(`WeChat Pay ${init.endpoint} request failed: ${init.code ?? 'network error'}`, {
      endpoint: init.endpoint,
    })
    this.name = 'WechatPayNetworkError'
    this.code = init.code
  }
}

/**
 * A verified answer or notification whose content cannot be used: not JSON, a resource that does not
 * decrypt with the APIv3 key (`AEAD_AES_256_GCM`), an unexpected shape.
 */
export class WechatPayResponseError extends WechatPayClientError {
  constructor(reason: string, options: BaseOptions = {}) {
    super(
      `@wxkit/pay: unusable ${options.endpoint ? `answer from ${options.endpoint}` : 'data'}: ${reason}`,
      options,
    )
    this.name = 'WechatPayResponseError'
  }
}

/** True when `value` carries the brand and, if a `name` is given, has that name (the subclass). */
const hasName = (value: unknown, name?: string): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as Record<symbol, unknown>)[WXKIT_PAY_ERROR] === true &&
  (name === undefined || (value as { name?: unknown }).name === name)

/** True for any error thrown by `@wxkit/pay`, also from another copy of the package or another realm. */
export function isWechatPayClientError(value: unknown): value is WechatPayClientError {
  return hasName(value)
}
/** True when WeChat Pay answered an API error (`code`, `status`). */
export function isWechatPayError(value: unknown): value is WechatPayError {
  return hasName(value, 'WechatPayError') && typeof (value as WechatPayError).status === 'number'
}
/** True for a signature that did not verify. */
export function isWechatPayVerificationError(value: unknown): value is WechatPayVerificationError {
  return hasName(value, 'WechatPayVerificationError')
}
/** True for an argument refused before the network. */
export function isWechatPayValidationError(value: unknown): value is WechatPayValidationError {
  return hasName(value, 'WechatPayValidationError')
}
/** True for a per-attempt timeout. */
export function isWechatPayTimeoutError(value: unknown): value is WechatPayTimeoutError {
  return hasName(value, 'WechatPayTimeoutError')
}
/** True for a request that got no answer. */
export function isWechatPayNetworkError(value: unknown): value is WechatPayNetworkError {
  return hasName(value, 'WechatPayNetworkError')
}
/** True for a verified but unusable answer or notification. */
export function isWechatPayResponseError(value: unknown): value is WechatPayResponseError {
  return hasName(value, 'WechatPayResponseError')
}

/** Whether a failure is worth retrying on an idempotent call (network, timeout, 5xx, 429, 408). */
export function isTransientPayError(error: unknown): boolean {
  if (isWechatPayNetworkError(error) || isWechatPayTimeoutError(error)) return true
  if (isWechatPayError(error)) return error.status >= 500 || error.status === 429 || error.status === 408
  return false
}
