import { describe, expect, test } from 'vitest'
import { stripUrlFragment } from '../src/crypto/js-sdk-signature.js'
import { createNonce } from '../src/crypto/nonce.js'
import { signJsSdk } from '../src/index.js'

const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
const base = { jsapi_ticket: ticket, noncestr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457 }

describe('signJsSdk', () => {
  test('reproduces the official JS-SDK appendix example', () => {
    expect(signJsSdk({ ...base, url: 'http://mp.weixin.qq.com?params=value' })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    )
  })

  test('reproduces the older doc revision without a query', () => {
    expect(signJsSdk({ ...base, url: 'http://mp.weixin.qq.com' })).toBe(
      'f4d90daf4b3bca3078ab155816175ba34c443a7b',
    )
  })

  test('signs the URL without its fragment', () => {
    const url = 'https://example.com/shop/item?id=42&from=singlemessage#/detail'
    expect(signJsSdk({ ...base, url })).toBe('309f68a7ea12112fd1b3b07054c0e1d7a7e0ae0d')
    expect(stripUrlFragment(url)).toBe('https://example.com/shop/item?id=42&from=singlemessage')
  })

  test('does not URL-encode the URL (the encoded form gives a different signature)', () => {
    const encoded = encodeURIComponent('https://example.com/shop/item?id=42&from=singlemessage')
    expect(signJsSdk({ ...base, url: encoded })).toBe('75f3000db9a3481024419981098577284c912178')
  })
})

describe('createNonce', () => {
  test('makes 16 alphanumeric characters by default and never repeats in 10k draws', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const nonce = createNonce()
      expect(nonce).toMatch(/^[A-Za-z0-9]{16}$/)
      seen.add(nonce)
    }
    expect(seen.size).toBe(10_000)
  })

  test('uses letters and digits across the whole alphabet', () => {
    const chars = new Set(createNonce(20_000))
    expect(chars.size).toBe(62)
  })
})
