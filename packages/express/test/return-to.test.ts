import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../src/oauth/return-to.js'

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/account', '/account'],
    ['/shop/item?id=42&from=singlemessage', '/shop/item?id=42&from=singlemessage'],
    ['/page#section', '/page#section'],
    ['/a?next=//evil.com', '/a?next=//evil.com'],
    ['/%E4%B8%AD%E6%96%87', '/%E4%B8%AD%E6%96%87'],
    ['/中文', '/%E4%B8%AD%E6%96%87'],
    ['/a/./b/../c', '/a/c'],
    // The limits: 2048 characters, and five layers of percent-encoding.
    [`/${'a'.repeat(2047)}`, `/${'a'.repeat(2047)}`],
    ['/%2525252541', '/%2525252541'],
  ])('keeps the same-origin path %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected)
  })

  it.each([
    ['protocol-relative', '//evil.com'],
    ['protocol-relative with path', '//evil.com/path'],
    ['absolute https', 'https://evil.com'],
    ['absolute http', 'http://evil.com/'],
    ['javascript scheme', 'javascript:alert(1)'],
    ['data scheme', 'data:text/html,hi'],
    ['backslash after slash', '/\\evil.com'],
    ['two backslashes', '\\\\evil.com'],
    ['backslash inside', '/a\\b'],
    ['encoded slash', '/%2Fevil.com'],
    ['encoded double slash', '%2F%2Fevil.com'],
    ['encoded backslash', '/%5Cevil.com'],
    ['double-encoded slash', '/%252Fevil.com'],
    ['a slash encoded three layers deep', '/%25252Fevil.com'],
    ['a slash encoded five layers deep (the last layer is checked too)', '/%252525252Fevil.com'],
    ['a backslash encoded five layers deep', '/%252525255Cevil.com'],
    ['a harmless path encoded six layers deep (deeper than is decoded)', '/%252525252541'],
    ['dot segments to protocol-relative', '/..//evil.com'],
    ['tab inside', '/\t/evil.com'],
    ['newline', '/path\nLocation: https://evil.com'],
    ['encoded newline', '/path%0d%0aSet-Cookie:x=1'],
    ['NUL', '/a\u0000b'],
    ['relative without slash', 'evil.com'],
    ['empty', ''],
    ['too long', `/${'a'.repeat(2048)}`],
    ['broken percent-encoding', '/100%'],
    ['a number', 42],
    ['an array', ['/ok']],
    ['undefined', undefined],
  ])('rejects %s', (_label, input) => {
    expect(safeReturnTo(input)).toBeUndefined()
  })
})
