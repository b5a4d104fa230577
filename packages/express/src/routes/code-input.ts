import { WechatRouteError } from '../errors.js'

const MAX_CODE_LENGTH = 256
const CODE_PATTERN = /^[\x21-\x7e]+$/

/**
 * Checks a WeChat code (login, phone or OAuth) from the request: a non-empty string of at most 256
 * printable ASCII characters. The message names the field, never the value.
 */
export function requireCode(value: unknown, field = 'code'): string {
  if (value === undefined || value === null) throw invalid(`${field} is required`)
  if (typeof value !== 'string') throw invalid(`${field} must be a string`)
  if (value.length === 0) throw invalid(`${field} must not be empty`)
  if (value.length > MAX_CODE_LENGTH) throw invalid(`${field} must be at most ${MAX_CODE_LENGTH} characters`)
  if (!CODE_PATTERN.test(value)) throw invalid(`${field} must be printable ASCII without spaces`)
  return value
}

function invalid(message: string): WechatRouteError {
  return new WechatRouteError('invalid_request', message)
}
