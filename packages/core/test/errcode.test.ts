import { describe, expect, test } from 'vitest'
import { TOKEN_INVALID_ERRCODES } from '../src/errcode.js'
import { ErrCode, WechatError } from '../src/index.js'

/** Every errcode the fact sheet (wechat-api.md §1, §4–§8, §10, §11, §15) documents for the server APIs. */
const FACT_SHEET_ERRCODES = [
  -1, 0, 40001, 40002, 40003, 40013, 40014, 40029, 40030, 40037, 40097, 40125, 40129, 40163, 40164, 40169,
  40226, 40243, 41001, 41002, 41004, 41008, 41030, 42001, 42002, 42003, 43003, 43101, 44002, 45009, 45011,
  47001, 47003, 48001, 48006, 50001, 50002, 76001, 76002, 76003, 76004, 76021, 76022, 85096, 89501, 89503,
  89506, 89507,
  // §15 Official Account APIs
  40016, 40017, 40018, 40019, 40023, 40024, 40025, 40026, 40027, 43004,
  // §14 Mini Program APIs
  45015, 45047, 87009,
]

describe('ErrCode', () => {
  test('names every errcode of the fact sheet, each value once', () => {
    const values: number[] = Object.values(ErrCode)
    expect(new Set(values).size).toBe(values.length)
    expect(FACT_SHEET_ERRCODES.filter((code) => !values.includes(code))).toEqual([])
  })

  test('the token-invalid set is exactly 40001, 40014 and 42001', () => {
    expect([...TOKEN_INVALID_ERRCODES].sort()).toEqual([40001, 40014, 42001])
    expect([ErrCode.InvalidCredential, ErrCode.AccessTokenExpired, ErrCode.InvalidAccessToken]).toEqual([
      40001, 42001, 40014,
    ])
  })
})

describe('WechatError', () => {
  test.each([
    ['invalid code, rid: 6437cc6f-48613c7c-0bdbbd0d', '6437cc6f-48613c7c-0bdbbd0d'],
    ['invalid credential hint: [aBcD0123] rid: 65f0a1b2-1a2b3c4d-5e6f7a8b', '65f0a1b2-1a2b3c4d-5e6f7a8b'],
    ['system error', undefined],
  ])('parses the rid out of %j', (errmsg, rid) => {
    const error = new WechatError({ errcode: 40029, errmsg, endpoint: '/sns/jscode2session' })
    expect(error).toMatchObject({
      name: 'WechatError',
      errcode: 40029,
      errmsg,
      rid,
      endpoint: '/sns/jscode2session',
    })
    expect(error.message).toBe(`WeChat /sns/jscode2session failed with errcode 40029: ${errmsg}`)
  })
})
