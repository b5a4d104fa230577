import { describe, expect, test } from 'vitest'
import { isWechatValidationError } from '../src/index.js'
import { validatePageUrl } from '../src/validate.js'

const accepted = (url: string) => {
  try {
    validatePageUrl('url', url)
    return true
  } catch (error) {
    expect(isWechatValidationError(error) && error.field).toBe('url')
    // It says why, not only which field.
    expect((error as Error).message).toMatch(/^@wxkit\/core: invalid url: \S/)
    return false
  }
}

/** JavaScript's `\s` and the C0/C1 controls: never allowed anywhere in a page URL. */
const FORBIDDEN = new Set([
  ...Array.from({ length: 0x21 }, (_, i) => i),
  ...Array.from({ length: 0xa1 - 0x7f }, (_, i) => 0x7f + i),
  0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
  0xfeff,
])

describe('validatePageUrl (the JS-SDK url check, run before any request)', () => {
  test.each([
    'https://example.com/',
    'https://example.com',
    'HTTPS://EXAMPLE.COM/A?B=1',
    'HtTp://example.com:8080/a/b?c=d&e=f#/g?h',
    'http://mp.weixin.qq.com?params=value',
    'https://example.com#frag',
    'https://例子.中国/路径?q=值',
    'https://example.com/a@b',
    'https://[::1]:8443/x',
    'https://example.com/%20',
  ])('accepts %j', (url) => {
    expect(accepted(url)).toBe(true)
  })

  test.each([
    'https://user:pw@example.com/',
    'https://@example.com/',
    'https://ex\\ample.com/',
    'https:///path',
    'https://',
    'http:/example.com',
    'https:example.com',
    'ftp://example.com/',
    'javascript:alert(1)',
    // A scheme or prefix before an http URL inside the string: the pattern is anchored at the start.
    'javascript:alert(1)//https://example.com',
    'xhttps://example.com/',
    ' https://example.com/',
    '//example.com/',
    '/relative',
    'https://exa mple.com/',
    'https://example.com/a b',
    'https://exa%mple.com/',
    'https://example.com:99999/',
    `https://example.com/${'a'.repeat(4080)}`,
    '',
  ])('refuses %j', (url) => {
    expect(accepted(url)).toBe(false)
  })

  test('refuses whitespace and control characters in the host and the path, and nothing else there', () => {
    for (let code = 0; code < 0x3100; code++) {
      const char = String.fromCharCode(code)
      const inPath = `https://example.com/a${char}b`
      expect(accepted(inPath), JSON.stringify(inPath)).toBe(!FORBIDDEN.has(code) && URL.canParse(inPath))
      if (FORBIDDEN.has(code)) expect(accepted(`https://ex${char}ample.com/`)).toBe(false)
    }
    expect(accepted('https://example.com/\ufeff')).toBe(false)
    expect(accepted('https://example.com/🎉')).toBe(true)
  })
})
