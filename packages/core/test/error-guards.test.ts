import { inspect } from 'node:util'
import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'
import {
  isWechatClientError,
  isWechatDecryptError,
  isWechatError,
  isWechatHttpError,
  isWechatNetworkError,
  isWechatResponseError,
  isWechatTimeoutError,
  isWechatValidationError,
  WechatClientError,
  WechatDecryptError,
  WechatError,
  WechatHttpError,
  WechatMessageDecryptError,
  WechatNetworkError,
  WechatResponseError,
  WechatTimeoutError,
  WechatValidationError,
} from '../src/index.js'

const GUARDS = {
  isWechatError,
  isWechatValidationError,
  isWechatHttpError,
  isWechatTimeoutError,
  isWechatNetworkError,
  isWechatResponseError,
  isWechatDecryptError,
} as const

type GuardName = keyof typeof GUARDS

/** One error of each class, and the one subclass guard that must say yes to it. */
const ERRORS: [GuardName, Error][] = [
  [
    'isWechatError',
    new WechatError({ errcode: 40001, errmsg: 'invalid credential', endpoint: '/cgi-bin/x' }),
  ],
  ['isWechatValidationError', new WechatValidationError('scene', 'is required')],
  ['isWechatHttpError', new WechatHttpError({ status: 502, endpoint: '/cgi-bin/x' })],
  ['isWechatTimeoutError', new WechatTimeoutError({ timeoutMs: 100, endpoint: '/cgi-bin/x' })],
  ['isWechatNetworkError', new WechatNetworkError({ endpoint: '/cgi-bin/x', code: 'ECONNRESET' })],
  ['isWechatResponseError', new WechatResponseError({ endpoint: '/cgi-bin/x', reason: 'HTML' })],
  ['isWechatDecryptError', new WechatDecryptError('bad padding')],
  ['isWechatDecryptError', new WechatMessageDecryptError('appid')],
]

/** The guards that accept `value`, by name. */
const accepting = (value: unknown): string[] =>
  Object.entries(GUARDS)
    .filter(([, guard]) => guard(value))
    .map(([name]) => name)

describe('error guards', () => {
  test.each(ERRORS)('%s accepts its own class and no sibling guard does (%o)', (guard, error) => {
    expect(accepting(error)).toEqual([guard])
    expect(isWechatClientError(error)).toBe(true)
  })

  test('isWechatClientError accepts the base class itself and an application subclass of it', () => {
    class AppError extends WechatClientError {}
    expect(isWechatClientError(new WechatClientError('x'))).toBe(true)
    expect(isWechatClientError(new AppError('x'))).toBe(true)
    expect(accepting(new WechatClientError('x'))).toEqual([])
  })

  test('a plain Error named like a wxkit error is not one, whatever fields it copies', () => {
    for (const name of ['WechatClientError', 'WechatError', 'WechatHttpError', 'WechatDecryptError']) {
      const impostor = Object.assign(new Error('WeChat /cgi-bin/x failed'), {
        name,
        errcode: 40001,
        status: 500,
      })
      expect(isWechatClientError(impostor)).toBe(false)
      expect(accepting(impostor)).toEqual([])
    }
  })

  test('null, strings, numbers and plain objects are not wxkit errors', () => {
    for (const value of [null, undefined, 'WechatError', 40001, { name: 'WechatError', errcode: 40001 }]) {
      expect(isWechatClientError(value)).toBe(false)
      expect(accepting(value)).toEqual([])
    }
  })

  test('an error thrown by another copy of the package is recognised, though instanceof says no', async () => {
    // The query makes Vite load a second, separate instance of the module: its own classes, as when an
    // app ends up with two copies of @wxkit/core in node_modules. (A variable, so tsc does not resolve it.)
    const secondCopy = '../src/errors.js?second-copy'
    const copy: typeof import('../src/errors.js') = await import(/* @vite-ignore */ secondCopy)
    expect(copy.WechatError).not.toBe(WechatError)
    const foreign = new copy.WechatError({ errcode: 42001, errmsg: 'access_token expired', endpoint: '/x' })
    expect(foreign).not.toBeInstanceOf(WechatError)
    expect(isWechatClientError(foreign)).toBe(true)
    expect(accepting(foreign)).toEqual(['isWechatError'])
    expect(copy.isWechatHttpError(new WechatHttpError({ status: 503, endpoint: '/x' }))).toBe(true)
  })

  test('an error made in another realm with the brand is recognised, though it is no Error of this realm', () => {
    const foreign: unknown = runInNewContext(`
      const error = new Error('WeChat /x answered HTTP 500')
      error.name = 'WechatHttpError'
      error.status = 500
      Object.defineProperty(error, Symbol.for('wxkit.error'), { value: true })
      error
    `)
    expect(foreign).not.toBeInstanceOf(Error)
    expect(isWechatClientError(foreign)).toBe(true)
    expect(accepting(foreign)).toEqual(['isWechatHttpError'])
  })

  test('isWechatError also wants a numeric errcode, so a branded error named WechatError without one fails', () => {
    const odd = new WechatClientError('x')
    odd.name = 'WechatError'
    expect(isWechatError(odd)).toBe(false)
  })

  test('the brand stays out of JSON.stringify, toJSON() and util.inspect', () => {
    const error = new WechatError({ errcode: 40001, errmsg: 'invalid credential', endpoint: '/cgi-bin/x' })
    expect(JSON.stringify(error)).not.toContain('wxkit.error')
    expect(Object.keys(error.toJSON())).not.toContain('wxkit.error')
    expect(inspect(error)).not.toContain('wxkit.error')
  })
})
