import { describe, expect, test } from 'vitest'
import { truncateString } from '../src/index.js'

describe('truncateString', () => {
  test('counts an emoji as one character and never splits it', () => {
    expect(truncateString('快递已送达🎉请查收', 6)).toBe('快递已送达🎉')
    expect(truncateString('🎉🎉🎉', 2)).toBe('🎉🎉')
    expect(truncateString('a🎉b', 2)).toBe('a🎉')
  })

  test('returns the string unchanged when it fits', () => {
    expect(truncateString('hello', 5)).toBe('hello')
    expect(truncateString('🎉🎉', 2)).toBe('🎉🎉')
    expect(truncateString('', 3)).toBe('')
  })

  test("returns '' for maxChars <= 0 or NaN", () => {
    expect(truncateString('hello', 0)).toBe('')
    expect(truncateString('hello', -3)).toBe('')
    expect(truncateString('hello', Number.NaN)).toBe('')
  })

  test('truncates plain text by code points', () => {
    expect(truncateString('abcdefghijklmnopqrstuvwxyz', 20)).toBe('abcdefghijklmnopqrst')
    expect(truncateString('中文字符测试', 4)).toBe('中文字符')
  })

  test('treats a lone surrogate as one character', () => {
    expect(truncateString('\ud83cabc', 2)).toBe('\ud83ca')
  })

  // [input, expected from truncateString(input, 1)]: pairs at both ends of the surrogate ranges stay
  // together; D7FF and E000 are ordinary characters, and DC00 first, or a high surrogate followed by
  // anything but a low one, is no pair.
  test.each([
    ['\ud800\udc00x', '\ud800\udc00'],
    ['\udbff\udfffx', '\udbff\udfff'],
    ['\ud800\udfffx', '\ud800\udfff'],
    ['\udbff\udc00x', '\udbff\udc00'],
    ['\ud7ff\udc00x', '\ud7ff'],
    ['\udc00\udc00x', '\udc00'],
    ['\ud800\udbffx', '\ud800'],
    ['\ud800\ue000x', '\ud800'],
    ['\ud800\ud7ffx', '\ud800'],
    ['x\ud800', 'x'],
  ])('cuts %j after its first character exactly at the surrogate-pair boundaries', (input, expected) => {
    expect(truncateString(input, 1)).toBe(expected)
  })

  test('rounds a fractional maxChars down', () => {
    expect(truncateString('abcdef', 2.9)).toBe('ab')
    expect(truncateString('🎉🎉🎉', 1.5)).toBe('🎉')
  })
})
