// The platform keys' checks that the flows in verification.test.ts do not reach (found by `pnpm mutate`):
// each signed header, the exact clock-skew bound, the serial shape, and the certificate list's own checks.
import { createPrivateKey } from 'node:crypto'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { PLATFORM_CERTIFICATES } from '../../emulator/src/pay/platform-keys.js'
import {
  CERTIFICATE_REFRESH_MS,
  encryptResource,
  isWechatPayClientError,
  isWechatPayResponseError,
  isWechatPayVerificationError,
  MAX_CLOCK_SKEW_MS,
  responseMessage,
  signSha256Rsa,
  UNKNOWN_SERIAL_REFRESH_MS,
  type WechatPayConfig,
} from '../src/index.js'
import { calls, emulator, order, ownPlatformKey, payClient, rejection, tamperingProxy } from './helpers.js'

const CERTIFICATE_MODE = { merchants: [{ ...DEFAULT_MERCHANT, platform: 'certificate' as const }] }
const FIRST_SERIAL = PLATFORM_CERTIFICATES[0]?.serialNo ?? ''
const CACHE_KEY = `wxkit:pay:${DEFAULT_MERCHANT.mchid}:certificates`

/** When the certificate set stored in `store` (a Keyv's Map) expires, in ms. */
function storedExpiry(store: Map<string, unknown>): number {
  const raw = store.get(`keyv:${CACHE_KEY}`) ?? store.get(CACHE_KEY)
  return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { expires: number }).expires
}

/** A client trusting a key of the test's own, against `emu` (which it asks only for certificates). */
async function ownKeyClient(overrides: Partial<WechatPayConfig> = {}) {
  const emu = await emulator()
  const platform = ownPlatformKey()
  const pay = payClient(emu, { ...platform.config, retry: { limit: 0 }, ...overrides })
  const body = '{"id":"EV-1"}'
  /** The verification error `headers` cause on an otherwise correctly signed body. */
  const refusal = async (input: { body: string | Uint8Array; headers: Record<string, string> }) => {
    const error = await rejection(pay.parseNotification(input))
    expect(isWechatPayVerificationError(error), String(error)).toBe(true)
    return error
  }
  return { emu, pay, platform, body, refusal }
}

describe('the signed headers of an answer or notification', () => {
  test('each of Wechatpay-Timestamp, -Nonce, -Signature and -Serial is required, and none may be empty', async () => {
    const { emu, platform, body, refusal } = await ownKeyClient()
    for (const name of [
      'wechatpay-timestamp',
      'wechatpay-nonce',
      'wechatpay-signature',
      'wechatpay-serial',
    ]) {
      const input = platform.sign(body)
      const { [name]: _, ...without } = input.headers
      await refusal({ body, headers: without })
      await refusal({ body, headers: { ...input.headers, [name]: '' } })
    }
    expect(await calls(emu, '/v3/certificates')).toBe(0)
  })

  test('a timestamp that is not 1 to 12 digits is refused even when it is the one signed', async () => {
    const { platform, body, refusal } = await ownKeyClient()
    const now = String(Math.floor(Date.now() / 1000))
    for (const timestamp of [` ${now}`, `${now} `, `+${now}`, `${now}.0`, `0x${Number(now).toString(16)}`])
      await refusal(platform.sign(body, { timestamp }))
  })

  test('a timestamp exactly 5 minutes off either way verifies; a second more does not', async () => {
    const at = Date.parse('2026-12-04T00:00:00Z')
    const { pay, platform, body, refusal } = await ownKeyClient({ now: () => at })
    const signedAt = (offsetMs: number) => platform.sign(body, { timestamp: String((at + offsetMs) / 1000) })
    // The body is not a notification: getting that far means verification passed.
    for (const offset of [-MAX_CLOCK_SKEW_MS, 0, MAX_CLOCK_SKEW_MS]) {
      const error = await rejection(pay.parseNotification(signedAt(offset)))
      expect(isWechatPayResponseError(error), String(error)).toBe(true)
    }
    for (const offset of [-MAX_CLOCK_SKEW_MS - 1000, MAX_CLOCK_SKEW_MS + 1000])
      await refusal(signedAt(offset))
  })

  test('a serial that is not 1 to 128 letters, digits, _ or - is refused without asking for certificates', async () => {
    const { emu, platform, body, refusal } = await ownKeyClient()
    for (const serial of ['ABC.DEF', '../v3/certificates', 'A'.repeat(129), ' ABCDEF', 'ABCDEF '])
      await refusal(platform.sign(body, { serial }))
    expect(await calls(emu, '/v3/certificates')).toBe(0)
  })

  test('a WECHATPAY/SIGNTEST/ probe is refused without asking for the certificate its serial names', async () => {
    const { emu, platform, body, refusal } = await ownKeyClient()
    const headers: Record<string, string> = platform.sign(body, { serial: FIRST_SERIAL }).headers
    headers['wechatpay-signature'] = `WECHATPAY/SIGNTEST/${headers['wechatpay-signature']}`
    await refusal({ body, headers })
    expect(await calls(emu, '/v3/certificates')).toBe(0)
  })

  test('an unknown PUB_KEY_ID_ serial is refused without asking for certificates (a public key is never listed there)', async () => {
    const { emu, platform, body, refusal } = await ownKeyClient()
    await refusal(platform.sign(body, { serial: 'PUB_KEY_ID_0000000000000000000000000000000009' }))
    expect(await calls(emu, '/v3/certificates')).toBe(0)
  })
})

describe('downloading the platform certificates', () => {
  test('concurrent first verifications share one download; a later refresh downloads again', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const pay = payClient(emu, { platform: 'certificates' })
    const request = order()
    await pay.jsapiOrder(request)
    expect(await calls(emu, '/v3/certificates')).toBe(1)
    const fresh = payClient(emu, { platform: 'certificates' })
    await Promise.all([1, 2, 3].map(() => fresh.queryOrder({ out_trade_no: request.out_trade_no })))
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    await fresh.refreshCertificates()
    expect(await calls(emu, '/v3/certificates')).toBe(3)
  })

  test('an unknown serial seen before any certificate is held costs one download, not two', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      const headers = new Headers(answer.headers)
      if (!answer.body.toString().includes('encrypt_certificate'))
        headers.set('wechatpay-serial', 'ABCDEF0001')
      return { ...answer, headers }
    })
    const pay = payClient(emu, { platform: 'certificates', baseURL: proxy })
    expect(isWechatPayVerificationError(await rejection(pay.queryOrder({ out_trade_no: 'T123456' })))).toBe(
      true,
    )
    expect(await calls(emu, '/v3/certificates')).toBe(1)
  })

  test('an unknown serial triggers a new download once a full minute has passed, not before', async () => {
    let offset = 0
    const clock = () => Date.parse('2026-12-04T00:00:00Z') + offset
    const emu = await emulator({ ...CERTIFICATE_MODE, clock: { now: clock } })
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      const headers = new Headers(answer.headers)
      if (!answer.body.toString().includes('encrypt_certificate'))
        headers.set('wechatpay-serial', 'ABCDEF0001')
      return { ...answer, headers }
    })
    const pay = payClient(emu, { platform: 'certificates', baseURL: proxy, now: clock })
    await pay.refreshCertificates()
    const query = () => rejection(pay.queryOrder({ out_trade_no: 'T123456' }))
    await query()
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    offset = UNKNOWN_SERIAL_REFRESH_MS - 1
    await query()
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    offset = UNKNOWN_SERIAL_REFRESH_MS
    await query()
    expect(await calls(emu, '/v3/certificates')).toBe(3)
  })

  test('when a refresh fails, the stored certificates still verify and one warning says so', async () => {
    let offset = 0
    const clock = () => Date.now() + offset
    const emu = await emulator({ ...CERTIFICATE_MODE, clock: { now: clock } })
    const warnings: [string, unknown][] = []
    const logger = { warn: (message: string, details: unknown) => warnings.push([message, details]) }
    const pay = payClient(emu, { platform: 'certificates', now: clock, logger, retry: { limit: 0 } })
    const request = order()
    await pay.jsapiOrder(request)
    offset = 12 * 3600_000 + 1000
    await emu.control.injectFault({ path: '/v3/certificates', fault: { kind: 'http', status: 500 } })
    expect(await pay.queryOrder({ out_trade_no: request.out_trade_no })).toMatchObject({
      trade_state: 'NOTPAY',
    })
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.[1]).toEqual({ error: expect.any(String) })
  })

  test('when the first download fails there is nothing to verify with: the call fails', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    await emu.control.injectFault({ path: '/v3/certificates', fault: { kind: 'http', status: 500 } })
    const pay = payClient(emu, { platform: 'certificates', retry: { limit: 0 } })
    const error = await rejection(pay.jsapiOrder(order()))
    expect(isWechatPayClientError(error)).toBe(true)
    expect(await calls(emu, '/v3/certificates')).toBe(1)
  })

  test('a public-key client accepts a certificate list signed with the WeChat Pay public key', async () => {
    const emu = await emulator()
    const serials = (await payClient(emu).refreshCertificates()).map((c) => c.serial_no)
    expect(serials).toEqual([FIRST_SERIAL])
  })

  test('the stored certificates are kept until the last of them expires', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const store = new Map<string, unknown>()
    const [certificate] = await payClient(emu, {
      platform: 'certificates',
      cache: new Keyv({ store }),
    }).refreshCertificates()
    expect(Math.abs(storedExpiry(store) - Date.parse(certificate?.expire_time ?? ''))).toBeLessThan(60_000)
  })
})

describe('the certificate store', () => {
  test('a stored certificate that has expired or is not yet in force is not used: the list is downloaded', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const source = new Keyv()
    await payClient(emu, { platform: 'certificates', cache: source }).refreshCertificates()
    const stored = (await source.get(CACHE_KEY)) as { fetchedAt: number; certificates: object[] }
    const windows = [
      { effective_time: '2020-01-01T00:00:00+08:00', expire_time: '2021-01-01T00:00:00+08:00' },
      { effective_time: '2035-01-01T00:00:00+08:00', expire_time: '2036-01-01T00:00:00+08:00' },
    ]
    for (const window of windows) {
      const cache = new Keyv()
      const certificates = stored.certificates.map((c) => ({ ...c, ...window }))
      await cache.set(CACHE_KEY, { fetchedAt: Date.now(), certificates })
      await payClient(emu, { platform: 'certificates', cache }).jsapiOrder(order())
    }
    expect(await calls(emu, '/v3/certificates')).toBe(1 + windows.length)
  })

  test('a stored certificate is in force from its effective_time to just before its expire_time', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000
    const emu = await emulator(CERTIFICATE_MODE)
    const source = new Keyv()
    await payClient(emu, { platform: 'certificates', cache: source }).refreshCertificates()
    const stored = (await source.get(CACHE_KEY)) as { certificates: object[] }
    const exactly = new Date(at).toISOString()
    for (const [window, downloads] of [
      [{ effective_time: exactly, expire_time: '2036-01-01T00:00:00+08:00' }, 0],
      [{ effective_time: '2020-01-01T00:00:00+08:00', expire_time: exactly }, 1],
    ] as const) {
      const before = await calls(emu, '/v3/certificates')
      const cache = new Keyv()
      const certificates = stored.certificates.map((c) => ({ ...c, ...window }))
      await cache.set(CACHE_KEY, { fetchedAt: at, certificates })
      await payClient(emu, { platform: 'certificates', cache, now: () => at }).jsapiOrder(order())
      expect((await calls(emu, '/v3/certificates')) - before, JSON.stringify(window)).toBe(downloads)
    }
  })

  test('an older set in the store does not replace a newer one in memory', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const cache = new Keyv()
    const pay = payClient(emu, { platform: 'certificates', cache })
    const request = order()
    await pay.jsapiOrder(request)
    const older = (await cache.get(CACHE_KEY)) as { fetchedAt: number; certificates: object[] }
    await emu.control.rotatePlatformCertificate()
    await pay.refreshCertificates()
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    // Another instance writes back the set from before the rotation (without the new certificate).
    await cache.set(CACHE_KEY, { ...older, fetchedAt: older.fetchedAt - 1000 })
    await pay.queryOrder({ out_trade_no: request.out_trade_no }) // signed with the new certificate
    expect(await calls(emu, '/v3/certificates')).toBe(2)
  })

  test('certificates are fetched again at exactly 12 hours old, not a millisecond later', async () => {
    let offset = 0
    const clock = () => Date.parse('2026-12-04T00:00:00Z') + offset
    const emu = await emulator({ ...CERTIFICATE_MODE, clock: { now: clock } })
    const pay = payClient(emu, { platform: 'certificates', now: clock })
    const request = order()
    await pay.jsapiOrder(request)
    offset = CERTIFICATE_REFRESH_MS - 1
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emu, '/v3/certificates')).toBe(1)
    offset = CERTIFICATE_REFRESH_MS
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(await calls(emu, '/v3/certificates')).toBe(2)
  })

  test('a store that refuses to save still lets the download verify, with one warning', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const cache = new Keyv()
    cache.set = (() => Promise.reject(new Error('READONLY'))) as never
    const warnings: [string, unknown][] = []
    const logger = { warn: (message: string, details: unknown) => warnings.push([message, details]) }
    const pay = payClient(emu, { platform: 'certificates', cache, logger })
    await pay.jsapiOrder(order())
    await pay.refreshCertificates()
    expect(warnings).toHaveLength(1)
    // The store's own error message, as text (a logger may not serialise an Error).
    expect(warnings[0]?.[1]).toEqual({ error: 'READONLY' })
  })

  test('certificates another instance stored later are used instead of downloading again', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const cache = new Keyv()
    const first = payClient(emu, { platform: 'certificates', cache })
    const request = order()
    await first.jsapiOrder(request)
    await emu.control.rotatePlatformCertificate()
    await payClient(emu, { platform: 'certificates', cache }).refreshCertificates()
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    await first.queryOrder({ out_trade_no: request.out_trade_no }) // signed with the new certificate
    expect(await calls(emu, '/v3/certificates')).toBe(2)
  })

  test('certificates another instance stored in the same millisecond are used too (the store wins a tie)', async () => {
    const at = Date.now()
    const clock = () => at
    const emu = await emulator({ ...CERTIFICATE_MODE, clock: { now: clock } })
    const cache = new Keyv()
    const first = payClient(emu, { platform: 'certificates', cache, now: clock })
    const request = order()
    await first.jsapiOrder(request)
    await emu.control.rotatePlatformCertificate()
    await payClient(emu, { platform: 'certificates', cache, now: clock }).refreshCertificates()
    expect(await calls(emu, '/v3/certificates')).toBe(2)
    await first.queryOrder({ out_trade_no: request.out_trade_no }) // signed with the new certificate
    expect(await calls(emu, '/v3/certificates')).toBe(2)
  })

  test('something else under the key is ignored: the certificates are downloaded', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    for (const junk of ['certificates', { fetchedAt: '1', certificates: [] }, { fetchedAt: 1 }]) {
      const cache = new Keyv()
      await cache.set(CACHE_KEY, junk)
      await payClient(emu, { platform: 'certificates', cache }).jsapiOrder(order())
    }
    expect(await calls(emu, '/v3/certificates')).toBe(3)
  })

  test('a store that never answers reads as a miss after its time bound, with one warning', async () => {
    const emu = await emulator(CERTIFICATE_MODE)
    const cache = new Keyv()
    cache.get = (() => new Promise(() => {})) as never
    const warnings: string[] = []
    const logger = { warn: (message: string) => warnings.push(message) }
    const pay = payClient(emu, { platform: 'certificates', cache, logger })
    const request = order()
    await pay.jsapiOrder(request)
    await pay.queryOrder({ out_trade_no: request.out_trade_no })
    expect(warnings).toHaveLength(1)
    // What it downloaded is still held in memory.
    expect(await calls(emu, '/v3/certificates')).toBe(1)
  })
})

describe('the certificate list is checked before it is trusted', () => {
  const certificateKey = createPrivateKey(PLATFORM_CERTIFICATES[0]?.privateKey ?? '')

  /**
   * A certificate-mode client's refresh, its `/v3/certificates` answers replaced by `rewrite`'s and signed
   * again by the certificate (over `timestamp` when given), then passed through `headers`.
   */
  async function listedAs(
    rewrite: (list: { data: Record<string, unknown>[] }) => unknown,
    headers: (signed: Headers) => void = () => {},
    timestamp?: string,
    { client = {}, rotate = false }: { client?: Partial<WechatPayConfig>; rotate?: boolean } = {},
  ) {
    const emu = await emulator(CERTIFICATE_MODE)
    // After a rotation the list holds both certificates and is signed by the second; it is re-signed by the first.
    if (rotate) await emu.control.rotatePlatformCertificate()
    const proxy = await tamperingProxy(emu.payBaseUrl, (answer) => {
      if (!answer.body.toString().includes('encrypt_certificate')) return answer
      const rewritten = rewrite(JSON.parse(answer.body.toString()))
      const body = Buffer.from(typeof rewritten === 'string' ? rewritten : JSON.stringify(rewritten))
      const signed = new Headers(answer.headers)
      if (timestamp !== undefined) signed.set('wechatpay-timestamp', timestamp)
      const stamp = signed.get('wechatpay-timestamp') ?? ''
      const nonce = signed.get('wechatpay-nonce') ?? ''
      signed.set('wechatpay-signature', signSha256Rsa(responseMessage(stamp, nonce, body), certificateKey))
      if (rotate) signed.set('wechatpay-serial', FIRST_SERIAL)
      headers(signed)
      return { ...answer, headers: signed, body }
    })
    return payClient(emu, { platform: 'certificates', baseURL: proxy, ...client }).refreshCertificates()
  }
  const refusedAs = async (...args: Parameters<typeof listedAs>) => rejection(listedAs(...args))

  test('a list re-signed by the certificate it holds is accepted (so the refusals below are the checks)', async () => {
    expect((await listedAs((list) => list)).map((c) => c.serial_no)).toEqual([FIRST_SERIAL])
  })

  test('without any one of its signed headers', async () => {
    for (const name of ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])
      expect(
        isWechatPayVerificationError(
          await refusedAs(
            (list) => list,
            (h) => h.delete(name),
          ),
        ),
      ).toBe(true)
  })

  test('signed more than 5 minutes ago', async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 301)
    expect(
      isWechatPayVerificationError(
        await refusedAs(
          (list) => list,
          () => {},
          stale,
        ),
      ),
    ).toBe(true)
  })

  test('signed exactly 5 minutes ago or ahead is accepted, a second more is not', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000
    const client = { now: () => at }
    const stamp = (offsetS: number) => String(at / 1000 + offsetS)
    for (const offset of [-300, 300])
      expect(await listedAs((list) => list, undefined, stamp(offset), { client })).toHaveLength(1)
    for (const offset of [-301, 301])
      expect(
        isWechatPayVerificationError(await refusedAs((list) => list, undefined, stamp(offset), { client })),
      ).toBe(true)
  })

  test('signed under its certificate serial in lower case, as an answer may be (serials are hex in any case)', async () => {
    const certificates = await listedAs(
      (list) => list,
      (h) => h.set('wechatpay-serial', FIRST_SERIAL.toLowerCase()),
    )
    expect(certificates.map((c) => c.serial_no)).toEqual([FIRST_SERIAL])
  })

  test('signed under a serial the list does not hold', async () => {
    const error = await refusedAs(
      (list) => list,
      (h) => h.set('wechatpay-serial', '7A3E9C41B2D85F06E1C4A9B3D7F2E8A1C5B6D4E2'),
    )
    expect(isWechatPayVerificationError(error)).toBe(true)
    expect(error).toMatchObject({ endpoint: '/v3/certificates' })
  })

  test('signed by a certificate it holds that has expired or is not yet in force (the emulator at that time)', async () => {
    // The emulator's certificates are valid from 2026-12-02T18:08:59Z to 2036-11-29T18:08:59Z.
    for (const at of ['2037-01-01T00:00:00Z', '2026-12-01T00:00:00Z']) {
      const clock = () => Date.parse(at)
      const emu = await emulator({ ...CERTIFICATE_MODE, clock: { now: clock } })
      const error = await rejection(
        payClient(emu, { platform: 'certificates', now: clock }).refreshCertificates(),
      )
      expect(isWechatPayVerificationError(error), `${at}: ${error}`).toBe(true)
      expect(error).toMatchObject({ endpoint: '/v3/certificates', serial: FIRST_SERIAL })
    }
  })

  test('signed by the one of two listed certificates that has expired or is not yet in force, the other in force', async () => {
    for (const window of [
      { effective_time: '2020-01-01T00:00:00+08:00', expire_time: '2021-01-01T00:00:00+08:00' },
      { effective_time: '2035-01-01T00:00:00+08:00', expire_time: '2036-01-01T00:00:00+08:00' },
    ]) {
      const error = await refusedAs(
        (list) => ({ data: list.data.map((e) => (e.serial_no === FIRST_SERIAL ? { ...e, ...window } : e)) }),
        undefined,
        undefined,
        { rotate: true },
      )
      expect(isWechatPayVerificationError(error), `${JSON.stringify(window)}: ${error}`).toBe(true)
    }
  })

  test('signed by a certificate in force from exactly now is accepted; one that expires exactly now is not', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000
    const exactly = new Date(at).toISOString()
    const client = { now: () => at }
    const windowed = (window: object) => (list: { data: Record<string, unknown>[] }) => ({
      data: list.data.map((e) => ({ ...e, ...window })),
    })
    const starting = windowed({ effective_time: exactly, expire_time: '2036-01-01T00:00:00+08:00' })
    expect(await listedAs(starting, undefined, undefined, { client })).toHaveLength(1)
    const ending = windowed({ effective_time: '2020-01-01T00:00:00+08:00', expire_time: exactly })
    expect(isWechatPayVerificationError(await refusedAs(ending, undefined, undefined, { client }))).toBe(true)
  })

  test('with a body that is not a list of certificate entries', async () => {
    for (const rewrite of [
      () => ({ data: {} }),
      () => ({}),
      () => null,
      () => ({ data: [null] }),
      (list: { data: Record<string, unknown>[] }) => ({ data: list.data.map(({ serial_no: _, ...e }) => e) }),
      (list: { data: Record<string, unknown>[] }) => ({
        data: list.data.map((e) => ({
          ...e,
          encrypt_certificate: { ...(e.encrypt_certificate as object), algorithm: 'AES' },
        })),
      }),
      (list: { data: Record<string, unknown>[] }) => ({
        data: list.data.map((e) => ({ ...e, encrypt_certificate: undefined })),
      }),
    ]) {
      const error = await refusedAs(rewrite)
      expect(isWechatPayResponseError(error)).toBe(true)
      expect(error).toMatchObject({ endpoint: '/v3/certificates' })
    }
  })

  test('with a body that is not JSON, or an entry that does not decrypt with the APIv3 key', async () => {
    for (const rewrite of [
      () => '{"data": [',
      (list: { data: Record<string, unknown>[] }) => ({
        data: list.data.map((e) => ({
          ...e,
          encrypt_certificate: {
            algorithm: 'AEAD_AES_256_GCM',
            ...encryptResource('a certificate', 'K'.repeat(32), 'abcdefghijkl', 'certificate'),
          },
        })),
      }),
    ]) {
      const error = await refusedAs(rewrite)
      expect(isWechatPayResponseError(error), String(error)).toBe(true)
      expect(error).toMatchObject({ endpoint: '/v3/certificates' })
    }
  })

  test('with an entry that decrypts to something other than an X.509 certificate', async () => {
    const error = await refusedAs((list) => ({
      data: list.data.map((e) => ({
        ...e,
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          ...encryptResource('not a certificate', DEFAULT_MERCHANT.apiV3Key, 'abcdefghijkl', 'certificate'),
        },
      })),
    }))
    expect(isWechatPayResponseError(error)).toBe(true)
    expect(error).toMatchObject({ endpoint: '/v3/certificates' })
  })

  test("with an entry whose serial_no is not its certificate's serial", async () => {
    const error = await refusedAs((list) => ({
      data: list.data.map((e) => ({ ...e, serial_no: '7A3E9C41B2D85F06E1C4A9B3D7F2E8A1C5B6D4E2' })),
    }))
    expect(isWechatPayResponseError(error)).toBe(true)
    expect(error).toMatchObject({ endpoint: '/v3/certificates' })
  })

  test('a serial_no in lower case is the same serial, stored in upper case', async () => {
    const lower = (list: { data: Record<string, unknown>[] }) => ({
      data: list.data.map((e) => ({ ...e, serial_no: String(e.serial_no).toLowerCase() })),
    })
    expect((await listedAs(lower)).map((c) => c.serial_no)).toEqual([FIRST_SERIAL])
  })

  test('of two certificates the store keeps the list until the later expiry, whichever is listed first', async () => {
    const soon = '2030-06-01T00:00:00+08:00'
    for (const placement of ['soon first', 'soon last']) {
      const store = new Map<string, unknown>()
      const certificates = await listedAs(
        (list) => ({
          data: list.data.map((e, i) =>
            (i === 0) === (placement === 'soon first') ? { ...e, expire_time: soon } : e,
          ),
        }),
        undefined,
        undefined,
        { client: { cache: new Keyv({ store }) }, rotate: true },
      )
      expect(certificates).toHaveLength(2)
      const later = Math.max(...certificates.map((c) => Date.parse(c.expire_time)))
      expect(later).toBeGreaterThan(Date.parse(soon))
      expect(Math.abs(storedExpiry(store) - later), placement).toBeLessThan(60_000)
    }
  })
})
