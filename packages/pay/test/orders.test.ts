import { createPublicKey } from 'node:crypto'
import { DEFAULT_APP, DEFAULT_MERCHANT } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import { isWechatPayError, verifySha256Rsa } from '../src/index.js'
import { calls, emulator, order, payClient, rejection } from './helpers.js'

describe('orders on the emulator', () => {
  test('an order answers a prepay_id, and repeating it with the same body answers the same one', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const request = order()
    const first = await pay.jsapiOrder(request)
    expect(first.prepay_id).toMatch(/^wx\d{14}/)
    expect(await pay.jsapiOrder(request)).toEqual(first)
    const other = await rejection(pay.jsapiOrder({ ...request, description: 'Black tea' }))
    expect(other).toMatchObject({ name: 'WechatPayError', status: 400, code: 'INVALID_REQUEST' })
    expect((other as { requestId?: string }).requestId).toMatch(/^08/)
  })

  test('jsapiPayParams are signed over appId, timeStamp, nonceStr and package with the merchant key', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const { prepay_id } = await pay.jsapiOrder(order())
    const params = pay.jsapiPayParams(prepay_id)
    expect(params).toMatchObject({
      appId: DEFAULT_APP.appId,
      package: `prepay_id=${prepay_id}`,
      signType: 'RSA',
    })
    expect(params.timeStamp).toMatch(/^\d{10}$/)
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`
    const key = createPublicKey(DEFAULT_MERCHANT.publicKey)
    expect(verifySha256Rsa(message, params.paySign, key)).toBe(true)
    expect(verifySha256Rsa(`${message}x`, params.paySign, key)).toBe(false)
    expect(pay.jsapiPayParams(prepay_id, { appId: 'wx_other' }).appId).toBe('wx_other')
  })

  test('the order moves NOTPAY → SUCCESS → REFUND and refunds are queried back', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const request = order({ amount: { total: 300 }, attach: 'cart=7' })
    await pay.jsapiOrder(request)
    expect(await pay.queryOrder({ out_trade_no: request.out_trade_no })).toMatchObject({
      trade_state: 'NOTPAY',
      attach: 'cart=7',
    })
    await emu.control.payOrder({ out_trade_no: request.out_trade_no, openid: 'o_payer' })
    const paid = await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(paid).toMatchObject({
      trade_state: 'SUCCESS',
      amount: { total: 300 },
      payer: { openid: 'o_payer' },
    })
    expect(await pay.queryOrder({ transaction_id: paid.transaction_id as string })).toMatchObject({
      out_trade_no: request.out_trade_no,
    })
    expect(await pay.jsapiOrder(request).catch((e) => e.code)).toBe('ORDERPAID')
    expect(await pay.closeOrder(request.out_trade_no).catch((e) => e.code)).toBe('ORDERPAID')

    const refund = await pay.refund({
      out_trade_no: request.out_trade_no,
      out_refund_no: `R${request.out_trade_no}`,
      amount: { refund: 100, total: 300 },
      reason: 'one cup fewer',
    })
    expect(refund).toMatchObject({ status: 'PROCESSING', amount: { refund: 100, total: 300 } })
    const again = await pay.refund({
      out_trade_no: request.out_trade_no,
      out_refund_no: `R${request.out_trade_no}`,
      amount: { refund: 100, total: 300 },
      reason: 'one cup fewer',
    })
    expect(again.refund_id).toBe(refund.refund_id)
    const tooMuch = await rejection(
      pay.refund({
        out_trade_no: request.out_trade_no,
        out_refund_no: 'R2',
        amount: { refund: 201, total: 300 },
      }),
    )
    expect(tooMuch).toMatchObject({ status: 400, code: 'INVALID_REQUEST' })
    await emu.control.settleRefund({ out_refund_no: `R${request.out_trade_no}` })
    expect(await pay.queryRefund(`R${request.out_trade_no}`)).toMatchObject({ status: 'SUCCESS' })
    expect((await pay.queryOrder({ out_trade_no: request.out_trade_no })).trade_state).toBe('REFUND')
  })

  test('a closed order refuses payment and a new order under its number', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const request = order()
    await pay.jsapiOrder(request)
    await pay.closeOrder(request.out_trade_no)
    await pay.closeOrder(request.out_trade_no) // closing twice is harmless
    expect((await pay.queryOrder({ out_trade_no: request.out_trade_no })).trade_state).toBe('CLOSED')
    expect(await pay.jsapiOrder(request).catch((e) => e.code)).toBe('ORDER_CLOSED')
    await expect(emu.control.payOrder({ out_trade_no: request.out_trade_no })).rejects.toThrow(/closed/)
  })

  test('an unknown order is 404 ORDER_NOT_EXIST, and a GET answered 404 is not retried', async () => {
    const emu = await emulator()
    const error = await rejection(payClient(emu).queryOrder({ out_trade_no: 'NOSUCH1' }))
    expect(isWechatPayError(error) && [error.status, error.code]).toEqual([404, 'ORDER_NOT_EXIST'])
    expect(await calls(emu, '/v3/pay/transactions/out-trade-no/NOSUCH1')).toBe(1)
  })

  test('an appid not bound to the merchant is APPID_MCHID_NOT_MATCH', async () => {
    const emu = await emulator()
    const error = await rejection(payClient(emu).jsapiOrder(order({ appid: 'wx_not_bound' })))
    expect(error).toMatchObject({ status: 400, code: 'APPID_MCHID_NOT_MATCH' })
  })

  test('request() reaches any v3 endpoint signed and verified', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const request = order()
    await pay.jsapiOrder(request)
    const answer = await pay.request<{ trade_state: string }>({
      method: 'GET',
      path: `/v3/pay/transactions/out-trade-no/${request.out_trade_no}`,
      query: { mchid: pay.mchId },
    })
    expect(answer.trade_state).toBe('NOTPAY')
    expect(await pay.request({ method: 'GET', path: '/v3/nothing/here' }).catch((e) => e.code)).toBe(
      'NOT_FOUND',
    )
  })
})
