import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  decryptResource,
  encryptResource,
  requestMessage,
  responseMessage,
  signSha256Rsa,
  verifySha256Rsa,
} from '../src/index.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const KEY = '0123456789abcdefghijklmnopqrstuv'

describe('signing (§16.1, §16.2)', () => {
  test('the request string matches the official example', () => {
    expect(
      requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', ''),
    ).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n')
    expect(requestMessage('POST', '/v3/pay/transactions/jsapi', '1', 'N', '{"a":1}')).toBe(
      'POST\n/v3/pay/transactions/jsapi\n1\nN\n{"a":1}\n',
    )
  })

  test('the answer string is timestamp, nonce and the raw bytes, each followed by a newline', () => {
    expect(responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', '{"x":"é"}').toString()).toBe(
      '1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"x":"é"}\n',
    )
  })

  test('SHA256withRSA verifies with the matching key only, and never throws on garbage', () => {
    const signature = signSha256Rsa('message', privateKey)
    expect(Buffer.from(signature, 'base64')).toHaveLength(256)
    expect(verifySha256Rsa('message', signature, publicKey)).toBe(true)
    expect(verifySha256Rsa('message ', signature, publicKey)).toBe(false)
    expect(verifySha256Rsa('message', signature, other.publicKey)).toBe(false)
    expect(verifySha256Rsa('message', 'not base64 at all!', publicKey)).toBe(false)
    expect(verifySha256Rsa('message', 'WECHATPAY/SIGNTEST/abc', publicKey)).toBe(false)
  })
})

describe('AEAD_AES_256_GCM (§16.4)', () => {
  test('round trips with the APIv3 key, with and without associated data', () => {
    for (const aad of ['transaction', '']) {
      const sealed = encryptResource('{"trade_state":"SUCCESS"}', KEY, 'abcdefghijkl', aad)
      expect(decryptResource(sealed, KEY)).toBe('{"trade_state":"SUCCESS"}')
    }
  })

  test('a wrong key, nonce, associated data or a flipped byte fails to authenticate', () => {
    const sealed = encryptResource('{"a":1}', KEY, 'abcdefghijkl', 'transaction')
    const failure = 'Unsupported state or unable to authenticate data'
    expect(() => decryptResource(sealed, 'vutsrqponmlkjihgfedcba9876543210')).toThrow(failure)
    expect(() => decryptResource({ ...sealed, nonce: 'abcdefghijkm' }, KEY)).toThrow(failure)
    expect(() => decryptResource({ ...sealed, associated_data: 'refund' }, KEY)).toThrow(failure)
    const bytes = Buffer.from(sealed.ciphertext, 'base64')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    expect(() => decryptResource({ ...sealed, ciphertext: bytes.toString('base64') }, KEY)).toThrow(failure)
    expect(() => decryptResource({ ...sealed, ciphertext: 'AAAA' }, KEY)).toThrow('too short')
  })
})
