import { inspect } from 'node:util'
import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'
import {
  isWechatPayClientError,
  isWechatPayError,
  isWechatPayNetworkError,
  isWechatPayResponseError,
  isWechatPayTimeoutError,
  isWechatPayValidationError,
  isWechatPayVerificationError,
  WechatPayClientError,
  WechatPayError,
  WechatPayNetworkError,
  WechatPayResponseError,
  WechatPayTimeoutError,
  WechatPayValidationError,
  WechatPayVerificationError,
} from '../src/index.js'

const GUARDS = {
  isWechatPayError,
  isWechatPayVerificationError,
  isWechatPayValidationError,
  isWechatPayTimeoutError,
  isWechatPayNetworkError,
  isWechatPayResponseError,
} as const

const ENDPOINT = '/v3/pay/transactions/jsapi'

/** One error of each class, and the one subclass guard that must say yes to it. */
const ERRORS: [keyof typeof GUARDS, Error][] = [
  [
    'isWechatPayError',
    new WechatPayError({ status: 400, code: 'PARAM_ERROR', message: 'bad', endpoint: ENDPOINT }),
  ],
  ['isWechatPayVerificationError', new WechatPayVerificationError('signature does not verify')],
  ['isWechatPayValidationError', new WechatPayValidationError('out_trade_no', 'is required')],
  ['isWechatPayTimeoutError', new WechatPayTimeoutError({ timeoutMs: 100, endpoint: ENDPOINT })],
  ['isWechatPayNetworkError', new WechatPayNetworkError({ endpoint: ENDPOINT, code: 'ECONNRESET' })],
  ['isWechatPayResponseError', new WechatPayResponseError('not JSON', { endpoint: ENDPOINT })],
]

const accepting = (value: unknown): string[] =>
  Object.entries(GUARDS)
    .filter(([, guard]) => guard(value))
    .map(([name]) => name)

describe('@wxkit/pay error guards', () => {
  test.each(ERRORS)('%s accepts its own class and no sibling guard does (%o)', (guard, error) => {
    expect(accepting(error)).toEqual([guard])
    expect(isWechatPayClientError(error)).toBe(true)
  })

  test('a plain Error named like a pay error is not one, whatever fields it copies', () => {
    for (const name of ['WechatPayClientError', 'WechatPayError', 'WechatPayVerificationError']) {
      const impostor = Object.assign(new Error('WeChat Pay failed'), {
        name,
        status: 500,
        code: 'SYSTEM_ERROR',
      })
      expect(isWechatPayClientError(impostor)).toBe(false)
      expect(accepting(impostor)).toEqual([])
    }
    expect(isWechatPayClientError({ name: 'WechatPayError', status: 500 })).toBe(false)
    expect(isWechatPayClientError(null)).toBe(false)
  })

  test('an error from another copy of the package is recognised, though instanceof says no', async () => {
    const secondCopy = '../src/errors.js?second-copy'
    const copy: typeof import('../src/errors.js') = await import(/* @vite-ignore */ secondCopy)
    const foreign = new copy.WechatPayVerificationError('signature does not verify')
    expect(foreign).not.toBeInstanceOf(WechatPayVerificationError)
    expect(isWechatPayClientError(foreign)).toBe(true)
    expect(accepting(foreign)).toEqual(['isWechatPayVerificationError'])
  })

  test('an error made in another realm with the brand is recognised', () => {
    const foreign: unknown = runInNewContext(`
      const error = new Error('WeChat Pay timed out')
      error.name = 'WechatPayTimeoutError'
      Object.defineProperty(error, Symbol.for('wxkit.pay.error'), { value: true })
      error
    `)
    expect(accepting(foreign)).toEqual(['isWechatPayTimeoutError'])
  })

  test('the base class and an app subclass are pay errors; the brand never shows in JSON or inspect', () => {
    class AppError extends WechatPayClientError {}
    expect(isWechatPayClientError(new AppError('x'))).toBe(true)
    const error = new WechatPayClientError('x')
    expect(JSON.stringify(error)).not.toMatch(/wxkit\.pay\.error/)
    expect(inspect(error, { showHidden: false })).not.toMatch(/wxkit\.pay\.error/)
  })
})
