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
})
