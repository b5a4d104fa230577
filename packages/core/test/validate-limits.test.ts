import { describe, expect, it } from 'vitest'
import {
  requireObject,
  requireString,
  validateOauthState,
  validatePageUrl,
  validateQrPage,
  validateQrWidth,
  validateScene,
} from '../src/validate.js'

// Each case pins a boundary or a non-string input that a mutation run showed no test depended on
// (TESTING.md): the exact limit is accepted, one past it is refused, and a non-string never slips through.

// A refusal names the field and then says why (any wording, but never an empty reason).
const refusal = (field: string) =>
  expect.objectContaining({
    name: 'WechatValidationError',
    field,
    message: expect.stringMatching(new RegExp(`^@wxkit/core: invalid ${field}: \\S`)),
  })

describe('input checks at their limits', () => {
  it('requireString accepts exactly maxLength characters and refuses one more, blank and non-strings', () => {
    expect(requireString('code', 'a'.repeat(32), 32)).toBe('a'.repeat(32))
    expect(() => requireString('code', 'a'.repeat(33), 32)).toThrow(refusal('code'))
    expect(() => requireString('code', '   ')).toThrow(refusal('code'))
    for (const value of [undefined, null, 42, ['code']]) {
      expect(() => requireString('code', value)).toThrow(refusal('code'))
    }
  })

  it('requireObject accepts a plain object and refuses null, arrays and primitives', () => {
    expect(requireObject('data', { a: 1 })).toEqual({ a: 1 })
    for (const value of [null, [], 'x', 1, undefined]) {
      expect(() => requireObject('data', value)).toThrow(refusal('data'))
    }
  })

  it('validateScene accepts 32 allowed characters and refuses 33, empty, % and a number', () => {
    expect(validateScene('a'.repeat(32))).toBe('a'.repeat(32))
    expect(() => validateScene('a'.repeat(33))).toThrow(refusal('scene'))
    expect(() => validateScene('')).toThrow(refusal('scene'))
    expect(() => validateScene('a%20b')).toThrow(refusal('scene'))
    // A number whose digits would pass the pattern as text must still be refused.
    expect(() => validateScene(123)).toThrow(refusal('scene'))
  })

  it('validateQrPage refuses a non-string, a leading slash, a query and whitespace', () => {
    expect(validateQrPage('pages/index/index')).toBe('pages/index/index')
    for (const page of [42, undefined, '', '/pages/index', 'pages/index?x=1', 'pages/in dex', 'pages/a\tb']) {
      expect(() => validateQrPage(page)).toThrow(refusal('page'))
    }
  })

  it('validateQrWidth accepts 280 and 1280 and refuses 279, 1281, fractions and strings', () => {
    expect(validateQrWidth(280)).toBe(280)
    expect(validateQrWidth(1280)).toBe(1280)
    for (const width of [279, 1281, 430.5, '430', Number.NaN]) {
      expect(() => validateQrWidth(width)).toThrow(refusal('width'))
    }
  })

  it('validatePageUrl accepts exactly 4096 characters and refuses 4097 and non-strings', () => {
    const base = 'https://shop.example.com/'
    const longest = base + 'a'.repeat(4096 - base.length)
    expect(validatePageUrl('url', longest)).toBe(longest)
    expect(() => validatePageUrl('url', `${longest}a`)).toThrow(refusal('url'))
    for (const url of [undefined, 42, '']) expect(() => validatePageUrl('url', url)).toThrow(refusal('url'))
  })

  it('validateOauthState accepts empty and 128 letters or digits, and refuses 129 and other characters', () => {
    expect(validateOauthState('')).toBe('')
    expect(validateOauthState('a'.repeat(128))).toBe('a'.repeat(128))
    for (const state of ['a'.repeat(129), 'a-b', 42]) {
      expect(() => validateOauthState(state)).toThrow(refusal('state'))
    }
  })
})
