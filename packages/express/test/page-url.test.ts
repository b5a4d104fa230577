import { describe, expect, it } from 'vitest'
import { isWechatRouteError } from '../src/errors.js'
import { isPageUrlRemembered, PARSED_PAGE_URLS, pageUrlToSign } from '../src/jssdk/page-url.js'

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
    expect(isPageUrlRemembered('javascript:alert(1)//https://example.com')).toBe(false)
  })

  it('remembers only pages it signed: other origins cannot push a real page out of the memo', () => {
    const real = 'https://example.com/home?from=memo-test'
    pageUrlToSign(real, allowed)
    expect(isPageUrlRemembered(real)).toBe(true)
    for (let i = 0; i < 2 * PARSED_PAGE_URLS; i++) {
      const foreign = `https://evil.com/page/${i}`
      expect(failure(foreign)?.code).toBe('url_not_allowed')
      expect(isPageUrlRemembered(foreign)).toBe(false)
    }
    expect(isPageUrlRemembered(real)).toBe(true)
  })

  it('forgets the oldest signed page once more pages than it keeps were signed', () => {
    const page = (i: number) => `https://example.com/overflow/${i}`
    for (let i = 0; i <= PARSED_PAGE_URLS; i++) expect(pageUrlToSign(page(i), allowed)).toBe(page(i))
    expect(isPageUrlRemembered(page(0))).toBe(false)
    expect(isPageUrlRemembered(page(1))).toBe(true)
    expect(isPageUrlRemembered(page(PARSED_PAGE_URLS))).toBe(true)
    // Forgotten is not refused: it is parsed again.
    expect(pageUrlToSign(page(0), allowed)).toBe(page(0))
  })

  it('keeps the fragment out of the remembered answer for each fragment', () => {
    expect(pageUrlToSign('https://example.com/spa#/a', allowed)).toBe('https://example.com/spa')
    expect(pageUrlToSign('https://example.com/spa#/b', allowed)).toBe('https://example.com/spa')
  })
})
