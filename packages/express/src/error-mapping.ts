import {
  ErrCode,
  isWechatClientError,
  isWechatDecryptError,
  isWechatError,
  isWechatTimeoutError,
  isWechatValidationError,
} from '@wxkit/core'
import { isWechatRouteError, WechatRouteError, type WechatRouteErrorCode } from './errors.js'

/** WeChat errcodes that the routes answer with a specific code rather than `upstream_error`. */
const ERRCODE_TO_ROUTE_ERROR: Partial<Record<number, WechatRouteErrorCode>> = {
  [ErrCode.InvalidCode]: 'invalid_code',
  [ErrCode.CodeExpired]: 'invalid_code',
  [ErrCode.CodeUsed]: 'code_used',
  [ErrCode.QuotaExceeded]: 'rate_limited',
  [ErrCode.MinuteQuotaExceeded]: 'rate_limited',
}

const ROUTE_ERROR_MESSAGES: Partial<Record<WechatRouteErrorCode, string>> = {
  invalid_code: 'The code is invalid or expired; get a new one',
  code_used: 'The code was already used; get a new one',
  rate_limited: 'WeChat rate-limited the request; try again later',
}

/** True for an error this package knows how to answer: a `WechatRouteError` or any error of `@wxkit/core`. */
export function isWxkitError(error: unknown): boolean {
  return isWechatRouteError(error) || isWechatClientError(error)
}

/**
 * Turns any error a route met into a {@link WechatRouteError} with a stable code. Messages are built here
 * from the error's kind and WeChat's numeric errcode only, never copied from the error, so no secret,
 * token or code can reach a response. The errors of `@wxkit/core` are recognised with its own guards and
 * `ErrCode`, so this is the only place the package looks at an errcode.
 *
 * - `WechatValidationError` (bad input caught by `@wxkit/core`) → `invalid_request` naming the field;
 * - `WechatDecryptError` (open data that does not decrypt under the session's key, or is another app's)
 *   → `invalid_request`;
 * - `WechatError` → by errcode: 40029/42003 `invalid_code`, 40163 `code_used`, 45009/45011 `rate_limited`,
 *   anything else `upstream_error`;
 * - `WechatTimeoutError` → `upstream_timeout`;
 * - `WechatHttpError`, `WechatNetworkError`, `WechatResponseError` → `upstream_error`;
 * - anything else → `internal_error`.
 */
export function toRouteError(error: unknown): WechatRouteError {
  if (isWechatRouteError(error)) return error
  if (isWechatValidationError(error)) {
    const field = error.field
    const label = typeof field === 'string' && /^[A-Za-z0-9_.[\]]{1,64}$/.test(field) ? field : 'input'
    return new WechatRouteError('invalid_request', `Invalid ${label}`)
  }
  if (isWechatDecryptError(error)) {
    return new WechatRouteError(
      'invalid_request',
      'The data does not decrypt with this session, or belongs to another app; call wx.login and try again',
    )
  }
  if (isWechatError(error)) {
    const code = ERRCODE_TO_ROUTE_ERROR[error.errcode] ?? 'upstream_error'
    const message = ROUTE_ERROR_MESSAGES[code] ?? `WeChat answered with errcode ${error.errcode}`
    return new WechatRouteError(code, message)
  }
  if (isWechatTimeoutError(error)) {
    return new WechatRouteError('upstream_timeout', 'WeChat did not answer in time')
  }
  if (isWechatClientError(error)) {
    return new WechatRouteError('upstream_error', 'WeChat could not be reached or answered unexpectedly')
  }
  return new WechatRouteError('internal_error', 'Internal error')
}
