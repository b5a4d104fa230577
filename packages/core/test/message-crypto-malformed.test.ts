import { createCipheriv } from 'node:crypto'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { signaturesEqual, WechatMessageCrypto } from '../src/push/message-crypto.js'
import type { WechatMessageDecryptError } from '../src/push/message-decrypt-error.js'

// Each test below pins one check of the decrypt path or the constructor that a mutation run showed no test
// depended on (TESTING.md): the check removed, the message still "decrypted" or the option still accepted.

const KEY_TEXT = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const APP_ID = 'wxb11529c136998cb6'
const crypto = new WechatMessageCrypto({ token: 'pamtest', encodingAESKey: KEY_TEXT, appId: APP_ID })
const KEY = Buffer.from(`${KEY_TEXT}=`, 'base64')

/** AES-256-CBC of `plain` exactly as given (the caller pads), as WeChat would send it. */
function encryptRaw(plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
}

/** `random(16) ‖ length(4) ‖ message ‖ appId`, with the length field given separately when it should lie. */
function plaintext(message: string, appId = APP_ID, length = Buffer.byteLength(message)): Buffer {
  const head = Buffer.alloc(20)
  head.writeUInt32BE(length, 16)
  return Buffer.concat([head, Buffer.from(message), Buffer.from(appId)])
}

/** PKCS#7-style pad of `pad` bytes of value `value` (WeChat's 32-byte blocks when they agree). */
function padded(plain: Buffer, pad: number, value = pad): Buffer {
  return Buffer.concat([plain, Buffer.alloc(pad, value)])
}

/** Pad to a whole number of 32-byte blocks, the way WeChat does. */
function wechatPadded(plain: Buffer): Buffer {
  return padded(plain, 32 - (plain.length % 32))
}

function reasonOf(encrypt: unknown): WechatMessageDecryptError['reason'] {
  try {
    crypto.decrypt(encrypt as string)
  } catch (error) {
    return (error as WechatMessageDecryptError).reason
  }
  throw new Error('expected the message to be refused')
}

describe('WechatMessageCrypto refuses what WeChat never sends', () => {
  it('decrypts a hand-built message with the largest pad (32) and with the smallest (1)', () => {
    // 20 + 12 + 18 = 50 bytes: 14 short of a block, so pad 14; then widen to exactly 32 and 1.
    const plain = plaintext('<xml>hello!</xml>x')
    expect(crypto.decrypt(encryptRaw(wechatPadded(plain)))).toBe('<xml>hello!</xml>x')
    const whole = plaintext('a'.repeat(32 - 20 - APP_ID.length + 32))
    expect(whole.length % 32).toBe(0)
    expect(crypto.decrypt(encryptRaw(padded(whole, 32)))).toBe('a'.repeat(26))
    const oneShort = plaintext('a'.repeat(25))
    expect(oneShort.length % 16).toBe(15)
    expect(crypto.decrypt(encryptRaw(padded(oneShort, 1)))).toBe('a'.repeat(25))
  })

  it('refuses a pad byte of 0 or above 32, and pad bytes that disagree', () => {
    const plain = plaintext('a'.repeat(25)) // 63 bytes: one byte short of two blocks
    expect(reasonOf(encryptRaw(padded(plain, 1, 0)))).toBe('padding')
    const long = plaintext('a'.repeat(26)) // 64 bytes
    expect(reasonOf(encryptRaw(padded(long, 32, 33)))).toBe('padding')
    const disagreeing = padded(plaintext('a'.repeat(22)), 4) // 60 + 4
    disagreeing[disagreeing.length - 2] = 3
    expect(reasonOf(encryptRaw(disagreeing))).toBe('padding')
    const firstDisagrees = padded(plaintext('a'.repeat(22)), 4)
    firstDisagrees[firstDisagrees.length - 4] = 9
    expect(reasonOf(encryptRaw(firstDisagrees))).toBe('padding')
  })

  it('refuses a pad above 32 even when every pad byte agrees (PKCS#7 of 16-byte blocks is not what WeChat sends)', () => {
    const plain = plaintext('a'.repeat(26)) // 64 bytes
    expect(reasonOf(encryptRaw(padded(plain, 48)))).toBe('padding')
  })

  it('refuses a pad longer than the whole plaintext', () => {
    const block = Buffer.alloc(16, 20) // one block whose pad claims 20 bytes
    expect(reasonOf(encryptRaw(block))).toBe('padding')
  })

  it('refuses a plaintext too short to hold the random bytes and the length field', () => {
    expect(reasonOf(encryptRaw(padded(Buffer.alloc(19), 13)))).toBe('padding')
    expect(reasonOf(encryptRaw(padded(Buffer.alloc(20), 12)))).toBe('appid')
  })

  it('refuses a length field that points past the end, before looking at the appid', () => {
    const lying = plaintext('short', APP_ID, 1000)
    expect(reasonOf(encryptRaw(wechatPadded(lying)))).toBe('padding')
    const oneTooLong = plaintext('short', '', 6)
    expect(reasonOf(encryptRaw(wechatPadded(oneTooLong)))).toBe('padding')
  })

  it('refuses another appid of the same length, a shorter one and a longer one', () => {
    for (const appId of ['wxb11529c136998cb7', 'wxb11529c136998cb', `${APP_ID}0`]) {
      expect(reasonOf(encryptRaw(wechatPadded(plaintext('<xml/>', appId))))).toBe('appid')
    }
  })

  it('refuses a non-string, text with characters outside base64 and base64 of no whole block', () => {
    const valid = crypto.encrypt('<xml/>')
    expect(crypto.decrypt(valid)).toBe('<xml/>')
    // Node's base64 decoder skips the '!', so only the pattern can tell these from the valid value.
    expect(reasonOf(`!${valid}`)).toBe('base64')
    expect(reasonOf(`${valid}!`)).toBe('base64')
    expect(reasonOf(`${valid.slice(0, 8)}!${valid.slice(8)}`)).toBe('base64')
    expect(reasonOf(123)).toBe('base64')
    expect(reasonOf(undefined)).toBe('base64')
    expect(reasonOf('A')).toBe('base64') // decodes to no bytes at all
    expect(reasonOf(valid.slice(0, 24))).toBe('base64') // 18 bytes
  })
})

describe('WechatMessageCrypto options', () => {
  const ok = { token: 'pamtest', encodingAESKey: KEY_TEXT, appId: APP_ID }

  it.each([
    ['token', { ...ok, token: 123 }],
    ['token', { ...ok, token: undefined }],
    ['encodingAESKey', { ...ok, encodingAESKey: `${KEY_TEXT}H` }],
    ['encodingAESKey', { ...ok, encodingAESKey: `!${KEY_TEXT.slice(1)}` }],
    ['encodingAESKey', { ...ok, encodingAESKey: `${KEY_TEXT.slice(1)}!` }],
    ['encodingAESKey', { ...ok, encodingAESKey: KEY_TEXT.slice(1) }],
    ['encodingAESKey', { ...ok, encodingAESKey: 43 }],
    ['encodingAESKey', { ...ok, encodingAESKey: { toString: () => KEY_TEXT } }], // prints as a valid key
    ['appId', { ...ok, appId: '' }],
    ['appId', { ...ok, appId: 42 }],
    ['appId', { ...ok, appId: undefined }],
  ])('refuses a bad %s at construction, naming it', (option, options) => {
    expect(() => new WechatMessageCrypto(options as never)).toThrow(
      expect.objectContaining({ name: 'WechatValidationError', field: option }),
    )
  })

  it('refuses a random of other than 16 bytes, saying how many it needs', () => {
    expect(() => crypto.encrypt('x', { random: new Uint8Array(15) })).toThrow(/16 bytes/)
    expect(() => crypto.encrypt('x', { random: new Uint8Array(17) })).toThrow(/16 bytes/)
    expect(crypto.decrypt(crypto.encrypt('x', { random: new Uint8Array(16) }))).toBe('x')
  })

  it('inspects as a fixed text that names the class and hides both secrets', () => {
    expect(inspect(crypto)).toBe('WechatMessageCrypto { token: ***, encodingAESKey: *** }')
  })
})

describe('signaturesEqual', () => {
  it('is false for a non-string, another length or another value, and true only for the same text', () => {
    expect(signaturesEqual('abc', 'abc')).toBe(true)
    expect(signaturesEqual('abc', 'abd')).toBe(false)
    expect(signaturesEqual('abc', 'abcd')).toBe(false)
    expect(signaturesEqual('abc', undefined)).toBe(false)
    expect(signaturesEqual('abc', ['abc'])).toBe(false)
  })

  it('compares bytes, not UTF-16 units: a same-length text with other characters never matches', () => {
    const hex = 'a'.repeat(40)
    expect(signaturesEqual(hex, 'a'.repeat(40))).toBe(true)
    // U+0161 and U+FF61 end in 0x61 ('a'): a comparison of truncated code units would take them for 'a'.
    expect(signaturesEqual(hex, `${'a'.repeat(39)}\u0161`)).toBe(false)
    expect(signaturesEqual(hex, `${'a'.repeat(39)}\uff61`)).toBe(false)
    expect(signaturesEqual('签名', '签名')).toBe(true)
    expect(signaturesEqual('签名', '签吗')).toBe(false)
  })

  it('compares texts longer than its scratch buffer too, and one call does not leak into the next', () => {
    const long = 'f'.repeat(65)
    expect(signaturesEqual(long, 'f'.repeat(65))).toBe(true)
    expect(signaturesEqual(long, `${'f'.repeat(64)}e`)).toBe(false)
    expect(signaturesEqual('b'.repeat(40), 'b'.repeat(40))).toBe(true)
    expect(signaturesEqual('b'.repeat(20), 'c'.repeat(20))).toBe(false)
  })

  it('compares every byte of a text longer than the scratch buffer holds (192 bytes)', () => {
    expect(signaturesEqual('f'.repeat(300), `${'f'.repeat(299)}e`)).toBe(false)
    expect(signaturesEqual('f'.repeat(300), 'f'.repeat(300))).toBe(true)
  })

  it('is false for a longer text that starts with the expected one, even where the scratch buffer cuts it off', () => {
    const expected = '\u20ac'.repeat(64) // 64 characters of 3 UTF-8 bytes: the scratch buffer's half exactly
    expect(signaturesEqual(expected, `${expected}x`)).toBe(false)
  })

  it('is false, not a throw, for long texts of one length in UTF-16 but another in UTF-8', () => {
    expect(signaturesEqual('e'.repeat(70), '\u00e9'.repeat(70))).toBe(false)
  })
})
