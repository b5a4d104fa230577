import { isWechatRouteError, WechatRouteError } from './errors.js'

/** WeChat errcodes that the routes answer with a specific code rather than `upstream_error`. */
const ERRCODE_TO_ROUTE_ERROR: Record<number, WechatRouteError['code']> = {
  40029: 'invalid_code',
  42003: 'invalid_code',
  40163: 'code_used',
  45009: 'rate_limited',
  45011: 'rate_limited',
}

const ROUTE_ERROR_MESSAGES: Partial<Record<WechatRouteError['code'], string>> = {
  invalid_code: 'The code is invalid or expired; get a new one',
  code_used: 'The code was already used; get a new one',
  rate_limited: 'WeChat rate-limited the request; try again later',
}

/**
 * Turns any error a route met into a {@link WechatRouteError} with a stable code. Messages are built here
 * from the error's kind and WeChat's numeric errcode only, never copied from the error, so no secret,
 * token or code can reach a response.
 *
 * - `WechatValidationError` (bad input caught by `@wxkit/core`) → `invalid_request` naming the field;
 * - `WechatError` → by errcode: 40029/42003 `invalid_code`, 40163 `code_used`, 45009/45011 `rate_limited`,
 *   anything else `upstream_error`;
 * - `WechatTimeoutError` (or any `TimeoutError`) → `upstream_timeout`;
 * - `WechatHttpError` and network failures → `upstream_error`;
 * - anything else → `internal_error`.
 */
export function toRouteError(error: unknown): WechatRouteError {
  if (isWechatRouteError(error)) return error
  const name = errorName(error)
  const errcode = numericErrcode(error)

  if (name === 'WechatValidationError') {
    const field = (error as { field?: unknown }).field
    const label = typeof field === 'string' && /^[A-Za-z0-9_.[\]]{1,64}$/.test(field) ? field : 'input'
    return new WechatRouteError('invalid_request', `Invalid ${label}`)
  }
  if (errcode !== undefined) {
    const code = ERRCODE_TO_ROUTE_ERROR[errcode] ?? 'upstream_error'
    const message = ROUTE_ERROR_MESSAGES[code] ?? `WeChat answered with errcode ${errcode}`
    return new WechatRouteError(code, message)
  }
  if (name === 'WechatTimeoutError' || name === 'TimeoutError') {
    return new WechatRouteError('upstream_timeout', 'WeChat did not answer in time')
  }
  if (name?.startsWith('Wechat')) {
    return new WechatRouteError('upstream_error', 'WeChat could not be reached or answered unexpectedly')
  }
  return new WechatRouteError('internal_error', 'Internal error')
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const name = (error as { name?: unknown }).name
  return typeof name === 'string' ? name : undefined
}

function numericErrcode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const errcode = Number((error as { errcode?: unknown }).errcode)
  return Number.isInteger(errcode) && errcode !== 0 ? errcode : undefined
}
