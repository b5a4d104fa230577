import { describe, expect, it } from 'vitest'
import { REDACTED, redactUrl, scrub, secretsOf } from '../src/redact.js'

// The names WeChat uses for credentials and one-time codes, each of which must be hidden wherever it appears.
const SECRET_NAMES = ['secret', 'appsecret', 'access_token', 'code', 'js_code', 'refresh_token', 'ticket']

describe('redactUrl', () => {
  it.each(SECRET_NAMES)('hides the %s query parameter and keeps the others as they were', (name) => {
    const url = `https://api.weixin.qq.com/sns/x?appid=wx1&${name}=SECRETVALUE&lang=zh_CN`
    expect(redactUrl(url)).toBe(`https://api.weixin.qq.com/sns/x?appid=wx1&${name}=${REDACTED}&lang=zh_CN`)
  })

  it('adds nothing to a URL without secrets, and drops user info', () => {
    expect(redactUrl('https://api.weixin.qq.com/cgi-bin/x?appid=wx1')).toBe(
      'https://api.weixin.qq.com/cgi-bin/x?appid=wx1',
    )
    expect(redactUrl('https://user:pass@api.weixin.qq.com/')).toBe('https://api.weixin.qq.com/')
  })

  it('answers only the placeholder for text that is not a URL', () => {
    expect(redactUrl('not a url ?secret=x')).toBe(REDACTED)
  })
})

describe('secretsOf', () => {
  it.each(SECRET_NAMES)('finds %s in the query and in the JSON body, and nothing else', (name) => {
    expect(secretsOf({ appid: 'wx1', [name]: 'in-query' }, { [name]: 'in-body', scene: 'x' })).toEqual([
      'in-query',
      'in-body',
    ])
  })

  it('finds nothing when there is no query, no body, or a body that is not an object', () => {
    expect(secretsOf(undefined, undefined)).toEqual([])
    expect(secretsOf({ appid: 'wx1' }, null)).toEqual([])
    expect(secretsOf(undefined, 'code')).toEqual([])
    expect(secretsOf(undefined, { code: 42 })).toEqual([])
  })
})

describe('scrub', () => {
  it('replaces every occurrence of each secret of four characters or more', () => {
    expect(scrub('token abcd and abcd again, wxyz12', ['abcd', 'wxyz12'])).toBe(
      `token ${REDACTED} and ${REDACTED} again, ${REDACTED}`,
    )
  })

  it('leaves text alone for secrets shorter than four characters, which would mangle ordinary words', () => {
    expect(scrub('abc is not touched', ['abc', undefined, ''])).toBe('abc is not touched')
  })
})
