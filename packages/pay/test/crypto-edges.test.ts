// The edges of the pay crypto that the round-trip tests do not reach (found by `pnpm mutate`).
import { createSecretKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  createPayNonce,
  decryptResource,
  encryptResource,
  signSha256Rsa,
  verifySha256Rsa,
} from '../src/index.js'

const KEY = '0123456789abcdefghijklmnopqrstuv'

describe('createPayNonce', () => {
  test('gives exactly the length asked for, 32 by default, of letters and digits only', () => {
    expect(createPayNonce()).toMatch(/^[A-Za-z0-9]{32}$/)
    for (const length of [1, 16, 33, 100]) {
      expect(createPayNonce(length)).toMatch(new RegExp(`^[A-Za-z0-9]{${length}}$`))
    }
  })

  test('draws the 62 symbols uniformly: bytes 248–255 are rejected, not folded onto A–H', () => {
    // 256 = 4 × 62 + 8: folding every byte would make A–H 5/4 as likely as the rest. Over 200,000
    // symbols the share of A–H is 8/62 ≈ 0.129 (σ ≈ 0.00075) when uniform and 40/256 ≈ 0.156 when
    // folded; accepting byte 248 alone lifts A from 1/62 ≈ 0.0161 to 5/249 ≈ 0.0201 (σ ≈ 0.0003).
    let text = ''
    while (text.length < 200_000) text += createPayNonce(1000)
    const count = (pattern: RegExp) => (text.match(pattern) ?? []).length / text.length
    expect(count(/[A-H]/g)).toBeGreaterThan(0.115)
    expect(count(/[A-H]/g)).toBeLessThan(0.1425)
    expect(count(/A/g)).toBeGreaterThan(0.0141)
    expect(count(/A/g)).toBeLessThan(0.0181)
    expect(new Set(text).size).toBe(62)
  })
})

describe('AEAD_AES_256_GCM edges', () => {
  test('decrypts a resource that has no associated_data field as one with empty associated data', () => {
    const { ciphertext, nonce } = encryptResource('{"a":1}', KEY, 'abcdefghijkl')
    expect(decryptResource({ ciphertext, nonce }, KEY)).toBe('{"a":1}')
    const withAad = encryptResource('{"a":1}', KEY, 'abcdefghijkl', 'certificate')
    expect(() => decryptResource({ ciphertext: withAad.ciphertext, nonce }, KEY)).toThrow()
  })

  test('refuses a ciphertext with nothing before its 16-byte tag, and a tag cut short', () => {
    // WeChat Pay never encrypts an empty resource: a bare tag is a truncated ciphertext, not an empty text.
    const empty = encryptResource('', KEY, 'abcdefghijkl')
    expect(Buffer.from(empty.ciphertext, 'base64')).toHaveLength(16)
    expect(() => decryptResource(empty, KEY)).toThrow()
    const sealed = Buffer.from(encryptResource('{"a":1}', KEY, 'abcdefghijkl').ciphertext, 'base64')
    const cut = {
      nonce: 'abcdefghijkl',
      ciphertext: sealed.subarray(0, sealed.length - 4).toString('base64'),
    }
    expect(() => decryptResource(cut, KEY)).toThrow()
  })

  test('says a key that is not 32 bytes is the wrong size, without showing it', () => {
    const sealed = encryptResource('{"a":1}', KEY, 'abcdefghijkl')
    for (const key of [KEY.slice(0, 31), `${KEY}x`]) {
      const error = (() => {
        try {
          decryptResource(sealed, key)
        } catch (caught) {
          return caught as Error
        }
      })()
      expect(error?.message).toMatch(/32 bytes/)
      expect(error?.message).not.toContain(key)
    }
  })
})

describe('verifySha256Rsa', () => {
  test('answers false, never throws, for a key that cannot verify RSA signatures', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const signature = signSha256Rsa('message', privateKey)
    expect(verifySha256Rsa('message', signature, createSecretKey(Buffer.alloc(32)))).toBe(false)
  })
})
