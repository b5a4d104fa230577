import { describe, expect, it } from 'vitest'
import { fillRandom, randomByte } from '../src/crypto/random-pool.js'

describe('random pool', () => {
  it('fills exactly the range asked for, across a refill of the 4 KiB pool', () => {
    const target = Buffer.alloc(10_000)
    fillRandom(target, 100, 9_800)
    expect(target.subarray(0, 100).every((byte) => byte === 0)).toBe(true)
    expect(target.subarray(9_900).every((byte) => byte === 0)).toBe(true)
    // 9,800 random bytes: every value 0–255 appears (the chance that one is missing is below 1e-14).
    expect(new Set(target.subarray(100, 9_900)).size).toBe(256)
  })

  it('never hands out the same bytes twice', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2_000; i++) {
      const chunk = Buffer.alloc(16)
      fillRandom(chunk, 0, 16)
      seen.add(chunk.toString('hex'))
      randomByte() // interleaved single draws move the cursor too
    }
    expect(seen.size).toBe(2_000)
  })
})
