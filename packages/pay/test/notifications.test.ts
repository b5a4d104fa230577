import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import { isWechatPayVerificationError } from '../src/index.js'
import { emulator, notifyServer, order, payClient, rejection } from './helpers.js'

async function paidNotification(options: { platform?: 'certificate' } = {}) {
  const emu = await emulator(
    options.platform ? { merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] } : {},
  )
  const shop = await notifyServer()
  await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: shop.url })
  const pay = payClient(emu, options.platform ? { platform: 'certificates' } : {})
  const request = order({ attach: '{"cart":7}' })
  await pay.jsapiOrder(request)
  await emu.control.payOrder({ out_trade_no: request.out_trade_no })
  const received = shop.received[0]
  if (!received) throw new Error('no notification arrived')
  return { emu, shop, pay, request, received }
}

describe('parseNotification', () => {
  test('verifies the raw bytes, decrypts the resource and types the transaction', async () => {
    const { pay, request, received } = await paidNotification()
    const notification = await pay.parseNotification({ headers: received.headers, body: received.body })
    expect(notification.event_type).toBe('TRANSACTION.SUCCESS')
    if (notification.event_type !== 'TRANSACTION.SUCCESS') throw new Error('narrowing')
    expect(notification.resource).toMatchObject({
      out_trade_no: request.out_trade_no,
      trade_state: 'SUCCESS',
      attach: '{"cart":7}',
      amount: { total: 1 },
    })
    expect(notification.id).toMatch(/^[0-9a-f-]{36}$/)
    // The string form of the same bytes works too.
    expect(
      (await pay.parseNotification({ headers: received.headers, body: received.body.toString() })).id,
    ).toBe(notification.id)
  })

  test('works in certificate mode', async () => {
    const { pay, received } = await paidNotification({ platform: 'certificate' })
    expect((await pay.parseNotification({ headers: received.headers, body: received.body })).event_type).toBe(
      'TRANSACTION.SUCCESS',
    )
  })

  test('a re-serialised body (same JSON, other bytes) fails verification', async () => {
    const { pay, received } = await paidNotification()
    const reserialised = JSON.stringify(JSON.parse(received.body.toString()), null, 1)
    const error = await rejection(pay.parseNotification({ headers: received.headers, body: reserialised }))
    expect(isWechatPayVerificationError(error)).toBe(true)
  })

  test('a forged body with real headers, missing headers and a stale timestamp are refused', async () => {
    const { pay, received } = await paidNotification()
    const forged = received.body.toString().replace('TRANSACTION.SUCCESS', 'REFUND.SUCCESS')
    expect(await rejection(pay.parseNotification({ headers: received.headers, body: forged }))).toMatchObject(
      {
        name: 'WechatPayVerificationError',
      },
    )
    const { 'wechatpay-signature': _, ...unsigned } = received.headers
    expect(
      (await rejection(pay.parseNotification({ headers: unsigned, body: received.body }))).message,
    ).toMatch(/missing/)
    const later = payClient({ payBaseUrl: 'http://127.0.0.1:9' } as never, {
      now: () => Date.now() + 301_000,
    })
    expect(
      (await rejection(later.parseNotification({ headers: received.headers, body: received.body }))).message,
    ).toMatch(/5 minutes/)
  })

  test('a WECHATPAY/SIGNTEST/ probe is refused', async () => {
    const emu = await emulator()
    const shop = await notifyServer(() => 401)
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: shop.url })
    expect(await emu.control.sendProbe('https://shop.example/notify')).toEqual({ status: 401 })
    const probe = shop.received[0]
    expect(probe?.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//)
    const error = await rejection(
      payClient(emu).parseNotification({ headers: probe?.headers ?? {}, body: probe?.body ?? '' }),
    )
    expect(error.message).toMatch(/SIGNTEST/)
  })

  test('a verified body that does not decrypt with the APIv3 key is a WechatPayResponseError', async () => {
    const { emu, received } = await paidNotification()
    const wrongKey = payClient(emu, { apiV3Key: 'k'.repeat(32) })
    const error = await rejection(
      wrongKey.parseNotification({ headers: received.headers, body: received.body }),
    )
    expect(error).toMatchObject({ name: 'WechatPayResponseError' })
    expect(error.message).toMatch(/unable to authenticate/)
  })

  test('refund notifications carry the refund resource', async () => {
    const { emu, shop, pay, request } = await paidNotification()
    await pay.refund({
      out_trade_no: request.out_trade_no,
      out_refund_no: 'RF1',
      amount: { refund: 1, total: 1 },
    })
    await emu.control.settleRefund({ out_refund_no: 'RF1' })
    const received = shop.received[1]
    if (!received) throw new Error('no refund notification')
    const notification = await pay.parseNotification({ headers: received.headers, body: received.body })
    expect(notification).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      resource: { out_refund_no: 'RF1', refund_status: 'SUCCESS', amount: { refund: 1 } },
    })
  })
})
