import { describe, expect, test } from 'vitest'
import { createNonce } from '../src/crypto/nonce.js'

describe('createNonce', () => {
  test('gives the requested number of [A-Za-z0-9] characters, 16 by default', () => {
    expect(createNonce()).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(createNonce(1)).toMatch(/^[A-Za-z0-9]$/)
    expect(createNonce(5000)).toMatch(/^[A-Za-z0-9]{5000}$/)
    expect(createNonce(0)).toBe('')
  })

  test('draws every character equally often, so no nonce character is easier to guess than another', () => {
    // 500 000 characters: each of the 62 is expected ~8065 times (standard deviation ~90). Keeping the
    // bytes 248..255 (no rejection sampling) makes A-H 25 % more likely, keeping 248 alone makes A so;
    // either is more than 9 standard deviations past the 10 % band below.
    const counts = new Map<string, number>()
    for (let i = 0; i < 500_000 / 100; i++) {
      for (const char of createNonce(100)) counts.set(char, (counts.get(char) ?? 0) + 1)
    }
    expect(counts.size).toBe(62)
    const mean = 500_000 / 62
    for (const [char, count] of counts) {
      expect(Math.abs(count - mean) / mean, `${char} drawn ${count} times`).toBeLessThan(0.1)
    }
  })

  test('two nonces are never the same (the pool is refilled from the CSPRNG, not reused)', () => {
    // 10 000 nonces of 16 characters span many refills of the 4 KiB pool.
    const seen = new Set(Array.from({ length: 10_000 }, () => createNonce()))
    expect(seen.size).toBe(10_000)
  })
})
