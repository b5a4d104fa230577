// How the Wechatpay-* headers are read from a fetch `Headers` or a Node request's header object: the
// signature check sees exactly what WeChat Pay sent, and a repeated header is refused, not guessed.
import { describe, expect, test } from 'vitest'
import { readSignedHeaders } from '../src/signed-headers.js'

const SENT = {
  'Wechatpay-Timestamp': '1554208460',
  'Wechatpay-Nonce': '593BEC0C930BF1AFEB40B4A08C8FB242',
  'Wechatpay-Signature': 'c2lnbmF0dXJl',
  'Wechatpay-Serial': 'PUB_KEY_ID_0114232134912410000000000000',
  'Request-ID': '08F78BB5AF0610D302A7F7CDD0F1A1',
}
const READ = {
  timestamp: SENT['Wechatpay-Timestamp'],
  nonce: SENT['Wechatpay-Nonce'],
  signature: SENT['Wechatpay-Signature'],
  serial: SENT['Wechatpay-Serial'],
  requestId: SENT['Request-ID'],
}

describe('readSignedHeaders', () => {
  test('reads every signed header and Request-ID from a fetch Headers', () => {
    expect(readSignedHeaders(new Headers(SENT))).toEqual(READ)
  })

  test('reads a Node header object whatever the case of its names, and a one-element array', () => {
    const lower = Object.fromEntries(Object.entries(SENT).map(([name, value]) => [name.toLowerCase(), value]))
    expect(readSignedHeaders(lower)).toEqual(READ)
    expect(readSignedHeaders(SENT)).toEqual(READ)
    expect(readSignedHeaders({ ...lower, 'wechatpay-nonce': [SENT['Wechatpay-Nonce']] })).toEqual(READ)
  })

  test('turns a repeated header into an empty value, so its signature cannot verify', () => {
    const read = readSignedHeaders({ ...SENT, 'Wechatpay-Signature': ['c2lnbmF0dXJl', 'b3RoZXI='] })
    expect(read.signature).toBe('')
    expect(read.timestamp).toBe(SENT['Wechatpay-Timestamp'])
  })

  test('leaves a missing header undefined', () => {
    expect(readSignedHeaders({})).toEqual({
      timestamp: undefined,
      nonce: undefined,
      signature: undefined,
      serial: undefined,
      requestId: undefined,
    })
  })
})
