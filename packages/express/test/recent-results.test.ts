import { describe, expect, it } from 'vitest'
import { RecentResults } from '../src/http/recent-results.js'

describe('RecentResults', () => {
  it('never holds more than its limit, whatever is put in: the oldest entry goes first', () => {
    const recent = new RecentResults<number>(3)
    for (let i = 0; i < 1000; i++) recent.set(`key ${i}`, i)
    expect(recent.size).toBe(3)
    expect(recent.get('key 996')).toBeUndefined()
    expect([recent.get('key 997'), recent.get('key 998'), recent.get('key 999')]).toEqual([997, 998, 999])
  })

  it('replaces the value of a key it holds without pushing any other entry out', () => {
    const recent = new RecentResults<number>(2)
    recent.set('a', 1)
    recent.set('b', 2)
    recent.set('b', 3)
    expect([recent.get('a'), recent.get('b'), recent.size]).toEqual([1, 3, 2])
    expect(recent.has('a')).toBe(true)
  })

  it('answers undefined for a key it never held', () => {
    expect(new RecentResults<string>(2).get('nothing')).toBeUndefined()
  })
})
