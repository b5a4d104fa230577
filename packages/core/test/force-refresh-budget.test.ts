import Keyv from 'keyv'
import { describe, expect, test } from 'vitest'
import { Events } from '../src/events.js'
import { ForceRefreshBudget } from '../src/force-refresh-budget.js'
import { SharedCache } from '../src/shared-cache.js'

// WeChat allows 20 stable_token force refreshes a day (China time, UTC+8), 30 s apart. The budget is a pure
// function of the clock and the shared cache, so it is driven here by a hand-set clock.

const APP = 'wx5c0a0e1a7e570001'
const KEY = `wxkit:${APP}:force_refresh_budget`
const SPACING = 30_000
/** 2026-12-03 00:00 in China (UTC+8), i.e. 2026-12-02 16:00 UTC. */
const CHINA_MIDNIGHT = Date.UTC(2026, 11, 2, 16)

function budget(keyv = new Keyv()) {
  let now = CHINA_MIDNIGHT + 60_000
  const cache = new SharedCache(keyv, new Events({}, { warn: () => {} }), 1000)
  return {
    keyv,
    budget: new ForceRefreshBudget(cache, APP, () => now),
    at: (ms: number) => {
      now = ms
    },
    later: (ms: number) => {
      now += ms
    },
  }
}

describe('the stable_token force_refresh budget', () => {
  test('counts up to 20 a day: the 20th force refresh is allowed and the 21st refused', async () => {
    const { budget: b, later } = budget()
    for (let i = 1; i <= 20; i++) {
      expect(await b.take(), `force refresh ${i}`).toBe(true)
      later(SPACING)
    }
    expect(await b.take()).toBe(false)
    later(10 * SPACING)
    expect(await b.take()).toBe(false)
  })

  test('stores the running count in the shared cache, so another process sees what was spent', async () => {
    const keyv = new Keyv()
    const first = budget(keyv)
    for (let i = 0; i < 3; i++) {
      expect(await first.budget.take()).toBe(true)
      first.later(SPACING)
    }
    expect(await keyv.get(KEY)).toMatchObject({ count: 3 })
    // A second process over the same cache has 17 left, not 20.
    const second = budget(keyv)
    second.later(10 * SPACING)
    for (let i = 0; i < 17; i++) {
      expect(await second.budget.take()).toBe(true)
      second.later(SPACING)
    }
    expect(await second.budget.take()).toBe(false)
  })

  test('needs 30 s between two force refreshes: 29.999 s is too soon, exactly 30 s is allowed', async () => {
    const { budget: b, later } = budget()
    expect(await b.take()).toBe(true)
    later(SPACING - 1)
    expect(await b.take()).toBe(false)
    later(1)
    expect(await b.take()).toBe(true)
  })

  test('starts again at midnight China time (16:00 UTC), not at midnight UTC', async () => {
    const keyv = new Keyv()
    await keyv.set(KEY, {
      day: Math.floor((CHINA_MIDNIGHT + 60_000 + 8 * 3_600_000) / 86_400_000),
      count: 20,
      lastAt: 0,
    })
    const { budget: b, at } = budget(keyv)
    at(CHINA_MIDNIGHT + 60_000)
    expect(await b.take()).toBe(false)
    // 23:59:59.999 China time, still the spent day.
    at(CHINA_MIDNIGHT + 86_400_000 - 1)
    expect(await b.take()).toBe(false)
    at(CHINA_MIDNIGHT + 86_400_000)
    expect(await b.take()).toBe(true)
  })

  test('ignores a stored budget of another day or without a numeric count', async () => {
    const keyv = new Keyv()
    const { budget: b } = budget(keyv)
    const today = Math.floor((CHINA_MIDNIGHT + 60_000 + 8 * 3_600_000) / 86_400_000)
    await keyv.set(KEY, { day: today - 1, count: 20, lastAt: 0 })
    expect(await b.take()).toBe(true)
    const fresh = budget(keyv)
    await keyv.set(KEY, { day: today, count: '20', lastAt: 0 })
    expect(await fresh.budget.take()).toBe(true)
  })

  test('keeps counting in memory when the shared cache loses the budget, so a process never overspends', async () => {
    const keyv = new Keyv()
    const { budget: b, later } = budget(keyv)
    for (let i = 0; i < 20; i++) {
      expect(await b.take()).toBe(true)
      await keyv.clear()
      later(SPACING)
    }
    expect(await b.take()).toBe(false)
  })

  test('takes the larger of the count in memory and in the shared cache, and the later of the two last uses', async () => {
    const keyv = new Keyv()
    const { budget: b, later, at } = budget(keyv)
    const today = Math.floor((CHINA_MIDNIGHT + 60_000 + 8 * 3_600_000) / 86_400_000)
    expect(await b.take()).toBe(true)
    // Another process spent 19 and forced one 10 s ago.
    later(SPACING)
    await keyv.set(KEY, { day: today, count: 19, lastAt: CHINA_MIDNIGHT + 60_000 + SPACING - 10_000 })
    expect(await b.take()).toBe(false)
    at(CHINA_MIDNIGHT + 60_000 + 2 * SPACING)
    expect(await b.take()).toBe(true)
    later(SPACING)
    expect(await b.take()).toBe(false)
  })
})
