/**
 * The stable error codes the routes answer with, each with its HTTP status.
 *
 * Clients should branch on `code`, never on `message` (the message is for humans and may change).
 */
export const WECHAT_ROUTE_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  invalid_code: 401,
  code_used: 401,
  url_not_allowed: 403,
  invalid_state: 403,
  request_timeout: 408,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  store_unavailable: 503,
  upstream_timeout: 504,
} as const

/** A stable error code of `@wxkit/express` (see {@link WECHAT_ROUTE_ERROR_STATUS}). */
export type WechatRouteErrorCode = keyof typeof WECHAT_ROUTE_ERROR_STATUS

/** The JSON body of every error response: `{ error: { code, message } }`. */
export interface WechatRouteErrorBody {
  error: { code: WechatRouteErrorCode; message: string }
}

/**
 * An error a route answers with: a stable `code`, its HTTP `status` and a message that never holds a
 * secret, a token, a session_key or a code.
 *
 * @example
 * ```ts
 * throw new WechatRouteError('invalid_request', 'code must be a non-empty string')
 * ```
 */
export class WechatRouteError extends Error {
  override readonly name = 'WechatRouteError'
  /** The stable error code. */
  readonly code: WechatRouteErrorCode
  /** The HTTP status that goes with {@link WechatRouteError.code}. */
  readonly status: number

  constructor(code: WechatRouteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.status = WECHAT_ROUTE_ERROR_STATUS[code]
  }

  /** The response body for this error. */
  toJSON(): WechatRouteErrorBody {
    return { error: { code: this.code, message: this.message } }
  }
}

/** True when `value` is a {@link WechatRouteError}, also across realms and duplicate installs. */
export function isWechatRouteError(value: unknown): value is WechatRouteError {
  return (
    value instanceof WechatRouteError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'WechatRouteError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { status?: unknown }).status === 'number')
  )
}
