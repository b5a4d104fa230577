import { describe, expect, it } from 'vitest'
import { isWechatRouteError } from '../src/errors.js'
import { pageUrlToSign } from '../src/jssdk/page-url.js'

const allowed = ['https://example.com', 'http://127.0.0.1:8080']

function failure(raw: string | undefined): { code: string; status: number } | undefined {
  try {
    pageUrlToSign(raw, allowed)
    return undefined
  } catch (error) {
    if (!isWechatRouteError(error)) throw error
    return { code: error.code, status: error.status }
  }
}

describe('pageUrlToSign', () => {
  it('drops the fragment and keeps the query exactly as given', () => {
    expect(pageUrlToSign('https://example.com/shop/item?id=42&from=singlemessage#/detail', allowed)).toBe(
      'https://example.com/shop/item?id=42&from=singlemessage',
    )
  })

  it('signs the raw string without re-encoding or adding a trailing slash', () => {
    expect(pageUrlToSign('https://example.com?params=value', allowed)).toBe(
      'https://example.com?params=value',
    )
  })

  it('compares origins after normalising the default port', () => {
    expect(pageUrlToSign('https://example.com:443/a', allowed)).toBe('https://example.com:443/a')
  })

  it.each([
    ['missing', undefined, 'invalid_request', 400],
    ['empty', '', 'invalid_request', 400],
    ['too long', `https://example.com/?q=${'a'.repeat(2048)}`, 'invalid_request', 400],
    ['relative', '/shop', 'invalid_request', 400],
    ['encoded absolute', 'https%3A%2F%2Fexample.com%2F', 'invalid_request', 400],
    ['ftp', 'ftp://example.com/', 'invalid_request', 400],
    ['javascript', 'javascript:alert(1)', 'invalid_request', 400],
    ['spaces', 'https://example.com/a b', 'invalid_request', 400],
    ['raw unicode', 'https://example.com/中文', 'invalid_request', 400],
    ['credentials', 'https://user:pass@example.com/', 'invalid_request', 400],
    ['another origin', 'https://evil.com/', 'url_not_allowed', 403],
    ['a subdomain', 'https://a.example.com/', 'url_not_allowed', 403],
    ['another scheme of an allowed host', 'http://example.com/', 'url_not_allowed', 403],
    ['another port', 'http://127.0.0.1:8081/', 'url_not_allowed', 403],
  ])('rejects a %s url', (_label, raw, code, status) => {
    expect(failure(raw)).toEqual({ code, status })
  })

  it('accepts exactly 2048 characters', () => {
    const url = `https://example.com/?q=${'a'.repeat(2048 - 'https://example.com/?q='.length)}`
    expect(url).toHaveLength(2048)
    expect(pageUrlToSign(url, allowed)).toBe(url)
  })

  it('checks the origin on every call, also for a URL it parsed before', () => {
    const url = 'https://example.com/remembered?x=1'
    expect(pageUrlToSign(url, allowed)).toBe(url)
    expect(() => pageUrlToSign(url, ['https://other.example'])).toThrow(
      expect.objectContaining({ code: 'url_not_allowed' }),
    )
    expect(pageUrlToSign(url, allowed)).toBe(url)
  })

  it('refuses a bad URL every time it is asked (only good ones are remembered)', () => {
    for (let i = 0; i < 3; i++)
      expect(failure('javascript:alert(1)//https://example.com')?.code).toBe('invalid_request')
  })

  it('keeps the fragment out of the remembered answer for each fragment', () => {
    expect(pageUrlToSign('https://example.com/spa#/a', allowed)).toBe('https://example.com/spa')
    expect(pageUrlToSign('https://example.com/spa#/b', allowed)).toBe('https://example.com/spa')
  })
})
