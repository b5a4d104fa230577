import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { describe, expect, test } from 'vitest'
import { isWechatPayNetworkError, isWechatPayTimeoutError } from '../src/index.js'
import { calls, emulator, onCleanup, order, payClient, rejection, until } from './helpers.js'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('retries and timeouts', () => {
  test('a GET answered by a gateway 502 is retried and then succeeds', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const request = order()
    await pay.jsapiOrder(request)
    const path = `/v3/pay/transactions/out-trade-no/${request.out_trade_no}`
    await emu.control.injectFault({ path, times: 2, fault: { kind: 'http', status: 502 } })
    expect((await pay.queryOrder({ out_trade_no: request.out_trade_no })).trade_state).toBe('NOTPAY')
    expect(await calls(emu, path)).toBe(3)
  })

  test('order creation and refunds are never retried blindly: one attempt, then the error', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    await emu.control.injectFault({
      path: '/v3/pay/transactions/jsapi',
      times: 3,
      fault: { kind: 'http', status: 500 },
    })
    const error = await rejection(pay.jsapiOrder(order()))
    expect(error).toMatchObject({ name: 'WechatPayError', status: 500, code: 'HTTP_500' })
    expect(await calls(emu, '/v3/pay/transactions/jsapi')).toBe(1)
    await emu.control.injectFault({ path: '/v3/refund/domestic/refunds', fault: { kind: 'reset' } })
    const refund = await rejection(
      pay.refund({ out_trade_no: 'T123456', out_refund_no: 'R1', amount: { refund: 1, total: 1 } }),
    )
    expect(isWechatPayNetworkError(refund)).toBe(true)
    expect(await calls(emu, '/v3/refund/domestic/refunds')).toBe(1)
  })

  test('after a timeout, repeating the order with the same out_trade_no is safe: the same prepay_id', async () => {
    const emu = await emulator()
    const pay = payClient(emu, { timeout: 500 })
    const request = order()
    await emu.control.injectFault({ path: '/v3/pay/transactions/jsapi', fault: { kind: 'delay', ms: 3000 } })
    const error = await rejection(pay.jsapiOrder(request))
    expect(isWechatPayTimeoutError(error) && error.timeoutMs).toBe(500)
    // The delayed attempt still reaches the emulator and creates the order; the retry gets its prepay_id.
    await until(
      async () => (await pay.queryOrder({ out_trade_no: request.out_trade_no }).catch(() => null)) !== null,
    )
    const retried = await payClient(emu).jsapiOrder(request)
    const { prepay_id } = await payClient(emu).jsapiOrder(request)
    expect(retried.prepay_id).toBe(prepay_id)
  })

  test('a GET that times out on every attempt ends in a typed timeout after limit + 1 attempts', async () => {
    // A server that takes every request and never answers, counting them.
    let seen = 0
    const server = createHttpServer(() => {
      seen += 1
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onCleanup(async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    })
    const { port } = server.address() as { port: number }
    const pay = payClient({ payBaseUrl: `http://127.0.0.1:${port}` } as never, {
      timeout: 1000,
      retry: { limit: 2, delayMs: 5 },
    })
    const error = await rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    expect(error).toMatchObject({
      name: 'WechatPayTimeoutError',
      endpoint: '/v3/pay/transactions/out-trade-no/T123456',
    })
    expect(seen).toBe(3)
  })

  test('a refused connection is a typed network error with the system code', async () => {
    const port = await closedPort()
    const pay = payClient({ payBaseUrl: `http://127.0.0.1:${port}` } as never, { retry: { limit: 0 } })
    const error = await rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    expect(isWechatPayNetworkError(error) && error.code).toBe('ECONNREFUSED')
  })

  test('an aborted call rejects with the abort reason and is not retried', async () => {
    const emu = await emulator()
    const pay = payClient(emu)
    const path = '/v3/pay/transactions/out-trade-no/T123456'
    await emu.control.injectFault({ path, fault: { kind: 'delay', ms: 5000 } })
    const controller = new AbortController()
    const pending = rejection(pay.queryOrder({ out_trade_no: 'T123456' }, { signal: controller.signal }))
    await until(async () => (await calls(emu, path)) === 1)
    controller.abort(new Error('user left'))
    expect((await pending).message).toBe('user left')
    expect(await calls(emu, path)).toBe(1)
  })
})
