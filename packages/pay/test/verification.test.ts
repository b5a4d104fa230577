import { generateKeyPairSync } from 'node:crypto'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { isWechatPayVerificationError, UNKNOWN_SERIAL_REFRESH_MS } from '../src/index.js'
import { calls, emulator, order, payClient, rejection, tamperingProxy } from './helpers.js'

describe('every answer is verified before it is used', () => {
  test('a body changed on the way is refused, not returned', async () => {
    const emu = await emulator()
    const request = order()
    await payClient(emu).jsapiOrder(request)
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => ({
      ...answer,
      body: Buffer.from(answer.body.toString().replace('NOTPAY', 'SUCCESS')),
    }))
    const error = await rejection(
      payClient(emu, { baseURL: proxy }).queryOrder({ out_trade_no: request.out_trade_no }),
    )
    expect(isWechatPayVerificationError(error)).toBe(true)
    expect(error.message).toMatch(/does not match/)
  })

  test('a 2xx answer without signature headers is refused', async () => {
    const emu = await emulator()
    const request = order()
    await payClient(emu).jsapiOrder(request)
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      const headers = new Headers(answer.headers)
      headers.delete('wechatpay-signature')
      return { ...answer, headers }
    })
    const error = await rejection(
      payClient(emu, { baseURL: proxy }).queryOrder({ out_trade_no: request.out_trade_no }),
    )
    expect(error).toMatchObject({ name: 'WechatPayVerificationError' })
  })

  test('an answer whose timestamp is more than 5 minutes off is refused', async () => {
    const emu = await emulator()
    const request = order()
    await payClient(emu).jsapiOrder(request)
    // The client's clock runs 6 minutes ahead: the emulator refuses the request (401), and that signed
    // answer is itself stale for the client, which refuses to believe it.
    const ahead = payClient(emu, { now: () => Date.now() + 6 * 60_000 })
    const error = await rejection(ahead.queryOrder({ out_trade_no: request.out_trade_no }))
    expect(error).toMatchObject({ name: 'WechatPayVerificationError' })
    expect(error.message).toMatch(/5 minutes/)
  })

  test('a request signed with the wrong merchant key is 401 SIGN_ERROR, with its Request-ID', async () => {
    const emu = await emulator()
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const error = await rejection(payClient(emu, { privateKey }).queryOrder({ out_trade_no: 'T123456' }))
    expect(error).toMatchObject({ name: 'WechatPayError', status: 401, code: 'SIGN_ERROR' })
    expect((error as { requestId?: string }).requestId).toMatch(/^08[0-9A-F]{32}$/)
  })

  test('the answer names a serial the client has no key for: verification fails clearly', async () => {
    const emu = await emulator()
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      const headers = new Headers(answer.headers)
      headers.set('wechatpay-serial', 'PUB_KEY_ID_0000000000000000000000000000000009')
      return { ...answer, headers }
    })
    const error = await rejection(payClient(emu, { baseURL: proxy }).queryOrder({ out_trade_no: 'T123456' }))
    expect(error).toMatchObject({
      name: 'WechatPayVerificationError',
      serial: expect.stringMatching(/^PUB_KEY_ID_/),
    })
  })
})

describe('platform certificates', () => {
  test('certificate mode downloads, decrypts and caches the certificates, then verifies with them', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    const cache = new Keyv()
    const pay = payClient(emu, { platform: 'certificates', cache })
    const request = order()
    await pay.jsapiOrder(request)
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emu, '/v3/certificates')).toBe(1)
    const stored = await cache.get<{ certificates: { serial_no: string; pem: string }[] }>(
      `wxkit:pay:${DEFAULT_MERCHANT.mchid}:certificates`,
    )
    expect(stored?.certificates.map((c) => c.serial_no)).toEqual(['5157F09EFDC096DE15EBE81A47057A7232F1B8E1'])
    expect(stored?.certificates[0]?.pem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    // A second instance on the same store needs no download.
    const second = payClient(emu, { platform: 'certificates', cache })
    await second.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emu, '/v3/certificates')).toBe(1)
  })

  test('after a rotation the new serial triggers one refresh, and both serials verify', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    const pay = payClient(emu, { platform: 'certificates' })
    const request = order()
    await pay.jsapiOrder(request)
    const { serial_no } = await emu.control.rotatePlatformCertificate()
    expect(serial_no).toBe('7A3E9C41B2D85F06E1C4A9B3D7F2E8A1C5B6D4E2')
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    expect((await pay.refreshCertificates()).map((c) => c.serial_no)).toEqual([
      '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      serial_no,
    ])
  })

  test('certificates are fetched again once they are 12 hours old', async () => {
    let offset = 0
    const clock = () => Date.now() + offset
    const emuClock = await emulator({
      merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }],
      clock: { now: clock },
    })
    const pay = payClient(emuClock, { platform: 'certificates', now: clock })
    const request = order()
    await pay.jsapiOrder(request)
    offset = 12 * 3600_000 + 1000
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emuClock, '/v3/certificates')).toBe(2)
  })

  test('an unknown serial triggers at most one refresh, then fails; forged serials cannot flood', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    let serial = 1
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      const headers = new Headers(answer.headers)
      if (!answer.body.toString().includes('encrypt_certificate'))
        headers.set('wechatpay-serial', `ABCDEF${String(serial++).padStart(4, '0')}`)
      return { ...answer, headers }
    })
    const pay = payClient(emu, { platform: 'certificates', baseURL: proxy })
    await pay.refreshCertificates()
    const error = await rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    expect(error).toMatchObject({ name: 'WechatPayVerificationError' })
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    await rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    await rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    expect(UNKNOWN_SERIAL_REFRESH_MS).toBe(60_000)
  })

  test('during a migration a public-key client verifies certificate-signed answers as well', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    const pay = payClient(emu) // configured with the public key
    const request = order()
    await pay.jsapiOrder(request) // signed with the platform certificate
    expect(await calls(emu, '/v3/certificates')).toBe(1)
    await emu.control.setPayPlatform({ platform: 'publicKey' })
    await pay.queryOrder({ out_trade_no: request.out_trade_no }) // signed with the public key
    expect(await calls(emu, '/v3/certificates')).toBe(1)
  })

  test('a certificate list that does not decrypt with the APIv3 key is refused', async () => {
    const emu = await emulator({ merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' }] })
    const pay = payClient(emu, { platform: 'certificates', apiV3Key: 'x'.repeat(32) })
    const error = await rejection(pay.refreshCertificates())
    expect(error).toMatchObject({ name: 'WechatPayResponseError' })
    expect(error.message).toMatch(/APIv3 key/)
  })
})
