// What parseNotification accepts from a verified body, and what it refuses (found by `pnpm mutate`). The
// emulator only sends well-formed notifications, so these bodies are signed here with a key the client is
// configured to trust, exactly as WeChat Pay's public key signs them (§16.2): the checks under test run on
// bodies that have already passed verification.
import { describe, expect, test } from 'vitest'
import {
  encryptResource,
  isWechatPayResponseError,
  isWechatPayVerificationError,
  WechatPay,
} from '../src/index.js'
import { MERCHANT, ownPlatformKey, rejection } from './helpers.js'

const platform = ownPlatformKey()
// Nothing here goes over the network: the public key verifies every body.
const pay = new WechatPay({ ...MERCHANT, ...platform.config, baseURL: 'http://127.0.0.1:9' })

const TRANSACTION = { out_trade_no: 'T100001', trade_state: 'SUCCESS', amount: { total: 1 } }

/** An encrypted resource of `plaintext` under the merchant's APIv3 key. */
/** `associatedData` null: a resource with no `associated_data` field at all. */
function resourceOf(plaintext: string, associatedData: string | null = 'transaction') {
  const sealed = encryptResource(plaintext, MERCHANT.apiV3Key, 'abcdefghijkl', associatedData ?? '')
  return {
    algorithm: 'AEAD_AES_256_GCM',
    original_type: 'transaction',
    ciphertext: sealed.ciphertext,
    nonce: sealed.nonce,
    ...(associatedData === null ? {} : { associated_data: sealed.associated_data }),
  }
}

/** A notification body as §16.4 describes it, with `overrides` applied. */
function notification(overrides: Record<string, unknown> = {}) {
  return {
    id: 'EV-2026120300001',
    create_time: '2026-12-03T20:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: resourceOf(JSON.stringify(TRANSACTION)),
    ...overrides,
  }
}

const parse = (body: string | Uint8Array) => pay.parseNotification(platform.sign(body))

/** The refusal of a verified `body`: a WechatPayResponseError, never a TypeError or a success. */
async function refused(body: string | Uint8Array): Promise<Error> {
  const error = await rejection(parse(body))
  expect(isWechatPayResponseError(error), String(error)).toBe(true)
  return error
}

describe('a verified notification is accepted', () => {
  test('for every event type WeChat Pay sends, with its id, create_time, summary and decrypted resource', async () => {
    for (const event_type of ['TRANSACTION.SUCCESS', 'REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']) {
      expect(await parse(JSON.stringify(notification({ event_type })))).toEqual({
        id: 'EV-2026120300001',
        create_time: '2026-12-03T20:00:00+08:00',
        event_type,
        summary: '支付成功',
        resource: TRANSACTION,
      })
    }
  })

  test('a create_time or summary that is missing or not a string comes back as an empty string', async () => {
    const { create_time: _, summary: __, ...bare } = notification()
    expect(await parse(JSON.stringify(bare))).toMatchObject({ create_time: '', summary: '' })
    expect(await parse(JSON.stringify(notification({ create_time: 1, summary: {} })))).toMatchObject({
      create_time: '',
      summary: '',
    })
  })

  test('an id of 64 characters, the most WeChat Pay uses, is accepted', async () => {
    const id = 'E'.repeat(64)
    expect((await parse(JSON.stringify(notification({ id })))).id).toBe(id)
  })

  test('a resource without associated_data decrypts with empty associated data', async () => {
    const resource = resourceOf(JSON.stringify(TRANSACTION), null)
    expect(resource).not.toHaveProperty('associated_data')
    expect((await parse(JSON.stringify(notification({ resource })))).resource).toEqual(TRANSACTION)
  })

  test('a body of exactly 64 KiB is accepted, as bytes and as a string', async () => {
    const json = JSON.stringify(notification())
    const body = json + ' '.repeat(64 * 1024 - Buffer.byteLength(json))
    expect(Buffer.byteLength(body)).toBe(64 * 1024)
    expect((await parse(body)).id).toBe('EV-2026120300001')
    expect((await parse(Buffer.from(body))).id).toBe('EV-2026120300001')
  })
})

describe('a verified body that cannot be a notification is refused', () => {
  test('a body one byte over 64 KiB, though signed', async () => {
    const json = JSON.stringify(notification())
    await refused(json + ' '.repeat(64 * 1024 + 1 - Buffer.byteLength(json)))
  })

  test('a body that is not the raw bytes or string (an already parsed object), and no input at all', async () => {
    const input = platform.sign(JSON.stringify(notification()))
    const error = await rejection(pay.parseNotification({ ...input, body: notification() as never }))
    expect(isWechatPayResponseError(error)).toBe(true)
    expect(isWechatPayResponseError(await rejection(pay.parseNotification(undefined as never)))).toBe(true)
  })

  test('a body without headers fails verification', async () => {
    const error = await rejection(pay.parseNotification({ body: JSON.stringify(notification()) } as never))
    expect(isWechatPayVerificationError(error)).toBe(true)
  })

  test('bytes that are not UTF-8, even where JSON would carry them in a string', async () => {
    const json = Buffer.from(JSON.stringify(notification({ summary: 'X' })))
    json[json.indexOf('"X"') + 1] = 0xff
    await refused(json)
  })

  test('a body that is not a JSON object', async () => {
    for (const body of ['not json', 'null', '[]', '"EV-1"', '7', '']) await refused(body)
  })

  test('an id that is missing, empty, longer than 64 characters or not a string', async () => {
    const { id: _, ...noId } = notification()
    await refused(JSON.stringify(noId))
    for (const id of ['', 'E'.repeat(65), 7, ['EV-1']]) await refused(JSON.stringify(notification({ id })))
  })

  test('an event type WeChat Pay does not send, in any spelling, or none', async () => {
    const { event_type: _, ...noEvent } = notification()
    await refused(JSON.stringify(noEvent))
    for (const event_type of ['TRANSACTION.CLOSED', 'transaction.success', '', 1])
      await refused(JSON.stringify(notification({ event_type })))
  })

  test('a resource that is missing or not an AEAD_AES_256_GCM resource', async () => {
    const { resource: _, ...noResource } = notification()
    await refused(JSON.stringify(noResource))
    const good = resourceOf(JSON.stringify(TRANSACTION))
    const bytes = (text: string, encoding: BufferEncoding = 'utf8') => [...Buffer.from(text, encoding)]
    for (const resource of [
      null,
      'AEAD_AES_256_GCM',
      { ...good, algorithm: 'AES_256_GCM' },
      { ...good, algorithm: undefined },
      // Each field as the byte array it encodes: Buffer.from would take it, so the type check must refuse it.
      { ...good, ciphertext: bytes(good.ciphertext, 'base64') },
      { ...good, nonce: bytes(good.nonce) },
      { ...good, associated_data: bytes('transaction') },
      { ...good, associated_data: null },
    ])
      await refused(JSON.stringify(notification({ resource })))
  })

  test('a resource that does not decrypt with the APIv3 key', async () => {
    const good = resourceOf(JSON.stringify(TRANSACTION))
    const ciphertext = Buffer.from(good.ciphertext, 'base64')
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1
    await refused(
      JSON.stringify(notification({ resource: { ...good, ciphertext: ciphertext.toString('base64') } })),
    )
    await refused(JSON.stringify(notification({ resource: { ...good, associated_data: 'refund' } })))
  })

  test('a resource that decrypts to something other than a JSON object', async () => {
    for (const plaintext of ['not json', 'null', '7', '"SUCCESS"', 'true'])
      await refused(JSON.stringify(notification({ resource: resourceOf(plaintext) })))
  })
})
