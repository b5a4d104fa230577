import type { Request } from 'express'
import { describe, expect, it } from 'vitest'
import { isWechatRouteError } from '../src/errors.js'
import { DECODED_PARTS, isPartRemembered, queryParam, rawQuery } from '../src/http/query.js'

const request = (originalUrl: string) => ({ originalUrl }) as Request

/** What URLSearchParams, the reference, makes of `name` in `url`: its one value, or 'twice'. */
function reference(url: string, name: string): string | undefined {
  const values = rawQuery(request(url)).getAll(name)
  return values.length > 1 ? 'twice' : values[0]
}

function read(url: string, name: string): string | undefined {
  try {
    return queryParam(request(url), name)
  } catch (error) {
    if (isWechatRouteError(error) && error.code === 'invalid_request') return 'twice'
    throw error
  }
}

const page = encodeURIComponent('https://example.com/shop/item?id=42#/detail')

describe('queryParam', () => {
  it.each([
    ['the encoded page URL', `/c?url=${page}`],
    ['a raw page URL', '/c?url=https://example.com/a?b'],
    ['no query', '/c'],
    ['an empty query', '/c?'],
    ['another parameter only', '/c?uri=x'],
    ['a parameter that starts with the name', '/c?urls=x&url=y'],
    ['no value', '/c?url'],
    ['an empty value', '/c?url='],
    ['an = in the value', '/c?url=a=b'],
    ['empty parts around it', '/c?&&url=x&&'],
    ['+ as a space', '/c?url=a+b%2Bc'],
    ['an encoded name', '/c?u%72l=x'],
    ['a name spelt with +', '/c?url+=x&url=y'],
    ['unicode escapes', '/c?url=%E4%BD%A0%E5%A5%BD'],
    ['a malformed escape', '/c?url=100%zz'],
    ['a lone %', '/c?url=%'],
    ['invalid UTF-8', '/c?url=%FF%FE'],
    ['an encoded surrogate', '/c?url=%ED%A0%80'],
    ['a malformed escape in another name', '/c?%zz=1&url=x'],
    ['a # in the target', '/c?url=a#b&url=c'],
    ['given twice', `/c?url=${page}&url=${page}`],
    ['given twice, once encoded', '/c?url=a&u%72l=b'],
    ['given twice, once empty', '/c?url=a&url'],
    ['given twice, the second malformed', '/c?url=a&url=%zz'],
  ])('reads %s exactly as URLSearchParams does, the first time and again', (_name, url) => {
    // The second read may come from the memo of recent decodings: it must not differ either.
    expect(read(url, 'url')).toBe(reference(url, 'url'))
    expect(read(url, 'url')).toBe(reference(url, 'url'))
  })

  it('decodes every part again once more have come than the memo keeps', () => {
    const part = (i: number) => encodeURIComponent(`https://example.com/p/${i}?a=b`)
    for (let i = 0; i <= DECODED_PARTS; i++) {
      expect(read(`/c?url=${part(i)}`, 'url')).toBe(`https://example.com/p/${i}?a=b`)
    }
    expect(isPartRemembered(part(0))).toBe(false)
    expect(isPartRemembered(part(1))).toBe(true)
    expect(isPartRemembered(part(DECODED_PARTS))).toBe(true)
    expect(read(`/c?url=${part(0)}`, 'url')).toBe('https://example.com/p/0?a=b')
  })

  it('decodes a part too long to remember, every time', () => {
    const long = 'ä'.repeat(3000)
    const url = `/c?url=${encodeURIComponent(long)}`
    expect(read(url, 'url')).toBe(long)
    expect(isPartRemembered(encodeURIComponent(long))).toBe(false)
    expect(read(url, 'url')).toBe(long)
  })

  it('answers 400 invalid_request naming the parameter when it is given twice', () => {
    expect(() => queryParam(request('/c?url=a&url=b'), 'url')).toThrow(/url must be given once/)
  })
})
