import { inspect } from 'node:util'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import type { WechatPayConfig } from '../src/index.js'
import { emulator, MERCHANT, notifyServer, order, payClient, rejection, tamperingProxy } from './helpers.js'

/** Pieces of the merchant private key and the APIv3 key that must never appear anywhere. */
const pem = DEFAULT_MERCHANT.privateKey.replace(/-----[^-]+-----|\s/g, '')
const SECRETS = [
  DEFAULT_MERCHANT.apiV3Key,
  pem.slice(40, 80),
  pem.slice(400, 440),
  pem.slice(-80, -40),
  Buffer.from(DEFAULT_MERCHANT.apiV3Key).toString('base64'),
  Buffer.from(DEFAULT_MERCHANT.apiV3Key).toString('hex'),
]

function expectNoSecrets(...values: unknown[]): void {
  for (const value of values) {
    const texts = [
      inspect(value, { depth: 20, showHidden: true, getters: true }),
      (() => {
        try {
          return JSON.stringify(value) ?? ''
        } catch {
          return ''
        }
      })(),
      String(value),
      value instanceof Error ? `${value.stack}` : '',
    ]
    for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret)
  }
}

describe('no secret in errors, logs, inspect output or answers', () => {
  test('the client and its config show no key material under util.inspect', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    expectNoSecrets(pay, Object.getOwnPropertyNames(pay), Object.keys(pay))
  })

  test('every failure path yields errors without key material', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    const warnings: unknown[] = []
    const logger = { warn: (message: string, details?: unknown) => void warnings.push(message, details) }
    const make = (overrides: Partial<WechatPayConfig> = {}) => payClient(emu, { logger, ...overrides })
    const tampered = await tamperingProxy(emu.payBaseUrl, (answer) =>
      answer.body.includes('encrypt_certificate')
        ? answer
        : { ...answer, body: Buffer.from(answer.body.toString().replace('SUCCESS', 'REFUND')) },
    )
    const shop = await notifyServer()
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: shop.url })
    const request = order()
    await make({ platform: 'certificates' }).jsapiOrder(request)
    await emu.control.payOrder({ out_trade_no: request.out_trade_no })
    const received = shop.received[0]
    await emu.control.injectFault({
      path: '/v3/pay/transactions/jsapi',
      fault: { kind: 'http', status: 500 },
    })
    const errors = await Promise.all([
      rejection(make({ platform: 'certificates' }).jsapiOrder(request)),
      rejection(make({ platform: 'certificates' }).jsapiOrder({ ...request, amount: { total: 0 } })),
      rejection(
        make({ platform: 'certificates', baseURL: tampered }).queryOrder({
          out_trade_no: request.out_trade_no,
        }),
      ),
      rejection(make({ platform: 'certificates', apiV3Key: 'z'.repeat(32) }).refreshCertificates()),
      rejection(make().queryOrder({ out_trade_no: 'NOSUCH1' })),
      rejection(make({ platform: 'certificates', timeout: 1 }).queryOrder({ out_trade_no: 'NOSUCH1' })),
      rejection(make({ platform: 'certificates' }).parseNotification({ headers: {}, body: '{}' })),
      rejection(
        make({ platform: 'certificates', apiV3Key: 'q'.repeat(32) }).parseNotification({
          headers: received?.headers ?? {},
          body: received?.body ?? '',
        }),
      ),
      rejection(
        make({ platform: 'certificates', baseURL: 'http://127.0.0.1:9' }).parseNotification({
          headers: { ...received?.headers, 'wechatpay-serial': 'ABCDEF' },
          body: received?.body ?? '',
        }),
      ),
      (async () => {
        try {
          payClient(emu, { apiV3Key: `${DEFAULT_MERCHANT.apiV3Key}x` })
        } catch (error) {
          return error as Error
        }
        throw new Error('expected a throw')
      })(),
      (async () => {
        try {
          payClient(emu, { privateKey: DEFAULT_MERCHANT.privateKey.replace('MII', 'XII') })
        } catch (error) {
          return error as Error
        }
        throw new Error('expected a throw')
      })(),
    ])
    expect(errors.map((e) => e.name)).toEqual([
      'WechatPayError',
      'WechatPayValidationError',
      'WechatPayVerificationError',
      'WechatPayResponseError',
      'WechatPayError',
      'WechatPayTimeoutError',
      'WechatPayVerificationError',
      'WechatPayResponseError',
      'WechatPayNetworkError',
      'WechatPayValidationError',
      'WechatPayValidationError',
    ])
    expectNoSecrets(
      ...errors,
      errors.map((e) => (e as { toJSON?: () => unknown }).toJSON?.()),
      warnings,
    )
  })

  test('client parameters hold only what the client needs', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const { prepay_id } = await pay.jsapiOrder(order())
    const params = pay.jsapiPayParams(prepay_id)
    expect(Object.keys(params).sort()).toEqual([
      'appId',
      'nonceStr',
      'package',
      'paySign',
      'signType',
      'timeStamp',
    ])
    expectNoSecrets(params)
    expect(JSON.stringify(params)).not.toContain(MERCHANT.mchId)
  })
})
