import { describe, expect, test } from 'vitest'
import { isWechatPayValidationError, WechatPay } from '../src/index.js'
import { emulator, MERCHANT, order, payClient, rejection } from './helpers.js'

const bad: [string, Record<string, unknown>, string][] = [
  ['out_trade_no too short', { out_trade_no: 'T1' }, 'out_trade_no'],
  ['out_trade_no too long', { out_trade_no: 'T'.repeat(33) }, 'out_trade_no'],
  ['out_trade_no with a slash', { out_trade_no: 'T12345/../x' }, 'out_trade_no'],
  ['out_trade_no with unicode', { out_trade_no: 'T12345茶' }, 'out_trade_no'],
  ['amount in yuan', { amount: { total: 0.01 } }, 'amount.total'],
  ['amount zero', { amount: { total: 0 } }, 'amount.total'],
  ['amount negative', { amount: { total: -1 } }, 'amount.total'],
  ['amount as a string', { amount: { total: '1' } }, 'amount.total'],
  ['amount beyond safe integers', { amount: { total: 2 ** 53 } }, 'amount.total'],
  ['a currency other than CNY', { amount: { total: 1, currency: 'USD' } }, 'amount.currency'],
  ['notify_url over http', { notify_url: 'http://shop.example/notify' }, 'notify_url'],
  ['notify_url with a query', { notify_url: 'https://shop.example/notify?order=1' }, 'notify_url'],
  ['notify_url over 255 characters', { notify_url: `https://shop.example/${'n'.repeat(240)}` }, 'notify_url'],
  ['notify_url relative', { notify_url: '/notify' }, 'notify_url'],
  ['description over 127 characters', { description: 'd'.repeat(128) }, 'description'],
  ['empty description', { description: '' }, 'description'],
  ['attach over 128 characters', { attach: 'a'.repeat(129) }, 'attach'],
  ['no openid', { payer: {} }, 'payer.openid'],
  ['time_expire not RFC 3339', { time_expire: 'tomorrow' }, 'time_expire'],
]

describe('validation before the network', () => {
  test.each(bad)('jsapiOrder refuses %s without a request', async (_name, change, field) => {
    const emu = await emulator()
    const error = await rejection(payClient(emu).jsapiOrder(order(change) as never))
    expect(isWechatPayValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('refund refuses more than the total, both or neither order ids, and a bad out_refund_no', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const base = { out_trade_no: 'T123456', out_refund_no: 'R1', amount: { refund: 1, total: 1 } }
    const cases: [unknown, string][] = [
      [{ ...base, amount: { refund: 2, total: 1 } }, 'amount.refund'],
      [{ ...base, transaction_id: '4200000001' }, 'out_trade_no'],
      [{ out_refund_no: 'R1', amount: { refund: 1, total: 1 } }, 'out_trade_no'],
      [{ ...base, out_refund_no: 'R 1' }, 'out_refund_no'],
      [{ ...base, notify_url: 'http://x.example/n' }, 'notify_url'],
      [{ ...base, reason: 'r'.repeat(81) }, 'reason'],
    ]
    for (const [request, field] of cases)
      expect(await rejection(pay.refund(request as never)).then((e) => (e as { field?: string }).field)).toBe(
        field,
      )
    await expect(pay.queryOrder({ out_trade_no: '../../v3/certificates' })).rejects.toMatchObject({
      field: 'out_trade_no',
    })
    await expect(pay.queryOrder({ transaction_id: '42/../1' })).rejects.toMatchObject({
      field: 'transaction_id',
    })
    await expect(pay.closeOrder('x')).rejects.toMatchObject({ field: 'out_trade_no' })
    await expect(pay.queryRefund('a/b')).rejects.toMatchObject({ field: 'out_refund_no' })
    await expect(pay.request({ method: 'GET', path: '/v3/a?b=1' })).rejects.toMatchObject({ field: 'path' })
    await expect(pay.request({ method: 'GET', path: '/v3/../cgi-bin' })).rejects.toMatchObject({
      field: 'path',
    })
    expect(() => pay.jsapiPayParams('prepay id with spaces')).toThrow(/prepayId/)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('bad configuration fails at construction, naming the option and never quoting a key', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ mchId: 'abc' }, 'mchId'],
      [{ apiV3Key: 'short' }, 'apiV3Key'],
      [{ privateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' }, 'privateKey'],
      [{ platform: { publicKeyId: 'X', publicKey: MERCHANT.platform.publicKey } }, 'platform.publicKeyId'],
      [{ platform: { publicKeyId: 'PUB_KEY_ID_1', publicKey: 'nope' } }, 'platform.publicKey'],
      [{ platform: 'both' }, 'platform'],
      [{ merchantSerialNo: 'not hex' }, 'merchantSerialNo'],
      [{ timeout: 0 }, 'timeout'],
      [{ baseURL: 'ftp://x' }, 'baseURL'],
    ]
    for (const [change, field] of cases) {
      let error: unknown
      try {
        new WechatPay({ ...MERCHANT, ...change } as never)
      } catch (caught) {
        error = caught
      }
      expect((error as { field?: string }).field).toBe(field)
      expect((error as Error).message).not.toContain('not a key')
    }
  })
})
