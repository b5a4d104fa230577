import { createDecipheriv } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_APP,
  DEFAULT_MERCHANT,
  NOTIFY_RETRY_DELAYS_MS,
  type RunningEmulator,
  startEmulator,
} from '../src/index.js'
import { jsapiBody, payFetch, signedByPlatform } from './support/pay-requests.js'

const open: { close(): unknown }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()))
})

async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options)
  open.push(emu)
  return emu
}

/** A notify_url stand-in answering `status()`; keeps every request. */
async function shop(status: () => number) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(status()).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  open.push(server)
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('the merchant API checks Authorization like WeChat Pay', () => {
  const cases: [string, Record<string, string>][] = [
    ['a forged signature', { signature: Buffer.alloc(256, 1).toString('base64') }],
    ['a timestamp 6 minutes old', { timestamp: String(Math.floor(Date.now() / 1000) - 360) }],
    ['a timestamp 6 minutes ahead', { timestamp: String(Math.floor(Date.now() / 1000) + 360) }],
    ['another serial_no', { serial_no: 'ABCDEF' }],
    ['an unknown mchid', { mchid: '1234567' }],
  ]
  it.each(cases)('%s is 401 SIGN_ERROR, and the answer is signed', async (_name, parts) => {
    const emu = await emulator()
    const answer = await payFetch(
      emu.payBaseUrl,
      'GET',
      `/v3/pay/transactions/out-trade-no/X123456?mchid=${DEFAULT_MERCHANT.mchid}`,
      undefined,
      parts,
    )
    expect([answer.status, answer.body?.code]).toEqual([401, 'SIGN_ERROR'])
    expect(signedByPlatform(answer.headers, answer.text)).toBe(true)
    expect(answer.headers.get('request-id')).toMatch(/^08/)
  })

  it('a missing Authorization, a body changed after signing and a replayed nonce are refused', async () => {
    const emu = await emulator()
    const bare = await fetch(`${emu.payBaseUrl}/v3/certificates`)
    expect([bare.status, (await bare.json()).code]).toEqual([401, 'SIGN_ERROR'])
    const body = jsapiBody(DEFAULT_APP.appId)
    const signed = await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body, {
      nonce_str: 'N1',
    })
    expect(signed.status).toBe(200)
    const replay = await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body, {
      nonce_str: 'N1',
    })
    expect([replay.status, replay.body?.code]).toEqual([401, 'SIGN_ERROR'])
    const { authorization } = await import('./support/pay-requests.js')
    const changed = await fetch(`${emu.payBaseUrl}/v3/pay/transactions/jsapi`, {
      method: 'POST',
      headers: {
        Authorization: authorization('POST', '/v3/pay/transactions/jsapi', JSON.stringify(body)),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ ...body, amount: { total: 100000, currency: 'CNY' } }),
    })
    expect(changed.status).toBe(401)
  })
})

describe('orders', () => {
  it('enforces the order rules with WeChat Pay codes', async () => {
    const emu = await emulator()
    const base = emu.payBaseUrl
    const post = (json: unknown) => payFetch(base, 'POST', '/v3/pay/transactions/jsapi', json)
    expect((await post(jsapiBody(DEFAULT_APP.appId, { amount: { total: 0 } }))).body?.code).toBe(
      'PARAM_ERROR',
    )
    expect((await post(jsapiBody(DEFAULT_APP.appId, { notify_url: 'http://a.example/n' }))).body?.code).toBe(
      'PARAM_ERROR',
    )
    expect((await post(jsapiBody(DEFAULT_APP.appId, { out_trade_no: 'x' }))).body?.code).toBe('PARAM_ERROR')
    expect((await post(jsapiBody(DEFAULT_APP.appId, { mchid: '42' }))).body?.code).toBe('PARAM_ERROR')
    expect((await post(jsapiBody('wx_unknown'))).body?.code).toBe('APPID_MCHID_NOT_MATCH')
    const body = jsapiBody(DEFAULT_APP.appId)
    const first = await post(body)
    expect((await post(body)).body).toEqual(first.body)
    expect((await post({ ...body, description: 'Other' })).body?.code).toBe('INVALID_REQUEST')
    const query = `/v3/pay/transactions/out-trade-no/${body.out_trade_no}`
    expect((await payFetch(base, 'GET', query)).body?.code).toBe('PARAM_ERROR') // mchid missing
    expect((await payFetch(base, 'GET', `${query}?mchid=${DEFAULT_MERCHANT.mchid}`)).body?.trade_state).toBe(
      'NOTPAY',
    )
    await emu.control.payOrder({ out_trade_no: body.out_trade_no, result: 'PAYERROR' })
    expect((await payFetch(base, 'GET', `${query}?mchid=${DEFAULT_MERCHANT.mchid}`)).body?.trade_state).toBe(
      'PAYERROR',
    )
    await expect(
      emu.control.payOrder({ out_trade_no: body.out_trade_no, openid: 'o_someone_else' }),
    ).rejects.toThrow(/another payer/)
    await emu.control.payOrder({ out_trade_no: body.out_trade_no })
    const close = await payFetch(base, 'POST', `${query}/close`, { mchid: DEFAULT_MERCHANT.mchid })
    expect([close.status, close.body?.code]).toEqual([400, 'ORDERPAID'])
    expect((await post(body)).body?.code).toBe('ORDERPAID')
  })

  it('an unpaid prepay_id expires after two hours on the emulator clock', async () => {
    const emu = await emulator()
    const body = jsapiBody(DEFAULT_APP.appId)
    const { body: answer } = await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body)
    await emu.control.advanceClock(2 * 3600_000 + 1000)
    await expect(emu.control.payOrder({ prepay_id: answer?.prepay_id as string })).rejects.toThrow(/expired/)
  })

  it('GET /v3/certificates lists encrypted certificates, more after a rotation', async () => {
    const emu = await emulator()
    const list = async () =>
      (await payFetch(emu.payBaseUrl, 'GET', '/v3/certificates')).body?.data as {
        serial_no: string
        encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string }
      }[]
    const [first] = await list()
    const data = Buffer.from(first?.encrypt_certificate.ciphertext ?? '', 'base64')
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(DEFAULT_MERCHANT.apiV3Key),
      Buffer.from(first?.encrypt_certificate.nonce ?? ''),
    )
    decipher.setAAD(Buffer.from(first?.encrypt_certificate.associated_data ?? ''))
    decipher.setAuthTag(data.subarray(-16))
    const pem = Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString()
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    await emu.control.rotatePlatformCertificate()
    expect((await list()).map((c) => c.serial_no)).toHaveLength(2)
    await expect(emu.control.rotatePlatformCertificate()).rejects.toThrow(/no further/)
  })
})

describe('notifications', () => {
  it('retries on WeChat Pay’s schedule on the emulator clock until acknowledged', async () => {
    const emu = await emulator()
    let answer = 500
    const merchant = await shop(() => answer)
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: merchant.url })
    const body = jsapiBody(DEFAULT_APP.appId)
    await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body)
    await emu.control.payOrder({ out_trade_no: body.out_trade_no })
    expect(merchant.received).toHaveLength(1)
    await emu.control.advanceClock(14_000)
    expect(merchant.received).toHaveLength(1)
    await emu.control.advanceClock(1000) // 15 s
    await emu.control.advanceClock(15_000) // 30 s
    await emu.control.advanceClock(30_000) // 60 s
    expect(merchant.received).toHaveLength(4)
    answer = 204
    await emu.control.advanceClock(180_000)
    expect(merchant.received).toHaveLength(5)
    await emu.control.advanceClock(48 * 3600_000)
    expect(merchant.received).toHaveLength(5)
    const [notification] = await emu.control.notifications()
    expect(notification?.acknowledged).toBe(true)
    expect(notification?.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 204])
    const start = notification?.attempts[0]?.at ?? 0
    expect(notification?.attempts.map((a) => a.at - start)).toEqual([0, 15_000, 30_000, 60_000, 240_000])
    // Every attempt carries the same body, freshly signed.
    expect(new Set(merchant.received.map((r) => r.body)).size).toBe(1)
    for (const r of merchant.received) expect(signedByPlatform(r.headers, r.body)).toBe(true)
  })

  it('gives up after 16 attempts spread over 24 h 4 min', async () => {
    const emu = await emulator()
    const merchant = await shop(() => 503)
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: merchant.url })
    const body = jsapiBody(DEFAULT_APP.appId)
    await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body)
    await emu.control.payOrder({ out_trade_no: body.out_trade_no })
    await emu.control.advanceClock(30 * 3600_000)
    const [notification] = await emu.control.notifications()
    expect(notification?.attempts).toHaveLength(16)
    const start = notification?.attempts[0]?.at ?? 0
    expect((notification?.attempts.at(-1)?.at ?? 0) - start).toBe((24 * 60 + 4) * 60_000)
    expect(NOTIFY_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBe((24 * 60 + 4) * 60_000)
    expect(notification?.nextAttemptAt).toBeUndefined()
  })

  it('an unreachable notify_url counts as a failed attempt', async () => {
    const emu = await emulator()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    await emu.control.routeNotifyUrl({ from: 'https://shop.example', to: `http://127.0.0.1:${port}` })
    const body = jsapiBody(DEFAULT_APP.appId)
    await payFetch(emu.payBaseUrl, 'POST', '/v3/pay/transactions/jsapi', body)
    await emu.control.payOrder({ out_trade_no: body.out_trade_no })
    const [notification] = await emu.control.notifications()
    expect(notification?.attempts[0]?.error).toBe('ECONNREFUSED')
    expect(notification?.nextAttemptAt).toBe((notification?.attempts[0]?.at ?? 0) + 15_000)
  })

  it('pay control calls refuse bad arguments', async () => {
    const emu = await emulator()
    await expect(emu.control.payOrder({})).rejects.toThrow(/out_trade_no or a prepay_id/)
    await expect(emu.control.payOrder({ prepay_id: 'nope' })).rejects.toThrow(/no such order/)
    await expect(emu.control.settleRefund({ out_refund_no: 'nope' })).rejects.toThrow(/no such refund/)
    await expect(emu.control.sendProbe('ftp://x')).rejects.toThrow(/http/)
    await expect(emu.control.routeNotifyUrl({ from: 'nope', to: 'http://x' })).rejects.toThrow(/origin/)
    await expect(emu.control.registerMerchant({ mchid: 'x' } as never)).rejects.toThrow(/mchid/)
    await expect(
      emu.control.registerMerchant({ ...DEFAULT_MERCHANT, mchid: '1900000002', apiV3Key: 'short' }),
    ).rejects.toThrow(/32 bytes/)
    await expect(emu.control.setPayPlatform({ platform: 'both' as never })).rejects.toThrow(/platform/)
  })
})
