import {
  WechatError,
  WechatHttpError,
  WechatNetworkError,
  WechatResponseError,
  WechatTimeoutError,
  WechatValidationError,
} from '@wxkit/core'
import { describe, expect, it } from 'vitest'
import { toRouteError } from '../src/error-mapping.js'
import { isWechatRouteError, WECHAT_ROUTE_ERROR_STATUS, WechatRouteError } from '../src/index.js'

const wechatError = (errcode: number) =>
  new WechatError({
    errcode,
    errmsg: `boom rid: 6437cc6f-48613c7c-0bdbbd0d`,
    endpoint: '/sns/jscode2session',
  })

describe('mapping errors to stable codes', () => {
  it.each([
    [40029, 'invalid_code', 401],
    [42003, 'invalid_code', 401],
    [40163, 'code_used', 401],
    [45009, 'rate_limited', 429],
    [45011, 'rate_limited', 429],
    [-1, 'upstream_error', 502],
    [40001, 'upstream_error', 502],
    [48001, 'upstream_error', 502],
  ])('maps WeChat errcode %i to %s (%i)', (errcode, code, status) => {
    const error = toRouteError(wechatError(errcode))
    expect([error.code, error.status]).toEqual([code, status])
    expect(error.message).not.toContain('rid')
  })

  it.each([
    [new WechatTimeoutError({ timeoutMs: 100, endpoint: '/x' }), 'upstream_timeout', 504],
    [new WechatHttpError({ status: 502, endpoint: '/x' }), 'upstream_error', 502],
    [new WechatNetworkError({ endpoint: '/x', code: 'ECONNRESET' }), 'upstream_error', 502],
    [new WechatResponseError({ endpoint: '/x', reason: 'HTML' }), 'upstream_error', 502],
    [new WechatValidationError('code', 'must not be empty'), 'invalid_request', 400],
    [new TypeError('x is not a function'), 'internal_error', 500],
    ['a string', 'internal_error', 500],
  ])('maps %s to %s (%i)', (input, code, status) => {
    const error = toRouteError(input)
    expect([error.code, error.status]).toEqual([code, status])
  })

  it('builds its own messages instead of copying the original', () => {
    const error = toRouteError(new TypeError('secret-in-message'))
    expect(error.message).toBe('Internal error')
  })

  it('keeps a WechatRouteError as it is and recognises it across realms', () => {
    const original = new WechatRouteError('url_not_allowed', 'nope')
    expect(toRouteError(original)).toBe(original)
    expect(isWechatRouteError({ name: 'WechatRouteError', code: 'unauthorized', status: 401 })).toBe(true)
    expect(isWechatRouteError(new Error('x'))).toBe(false)
    expect(original.toJSON()).toEqual({ error: { code: 'url_not_allowed', message: 'nope' } })
  })

  it('documents every status', () => {
    expect(WECHAT_ROUTE_ERROR_STATUS).toEqual({
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
    })
  })
})
