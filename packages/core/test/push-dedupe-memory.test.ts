import { describe, expect, it } from 'vitest'
import { PushDedupe } from '../src/push/push-dedupe.js'

function memoryDedupe(ttlMs = 60_000) {
  return new PushDedupe({ store: undefined, lock: undefined, ttlMs, timeoutMs: 100, onOutage: () => {} })
}

describe('PushDedupe in process memory', () => {
  it('remembers at least the last 10,000 messages and forgets older ones past twice that', async () => {
    const dedupe = memoryDedupe()
    for (let i = 0; i < 25_000; i++) {
      expect(await dedupe.claim(`m${i}`)).toBeUndefined()
      await dedupe.finish(`m${i}`, { state: 'done', reply: null, late: false })
    }
    for (const i of [15_000, 20_000, 24_999]) {
      expect(await dedupe.claim(`m${i}`)).toEqual({ state: 'done', reply: null, late: false })
    }
    // 20,000 newer messages later, m0 and m4999 are forgotten: a claim owns them anew.
    expect(await dedupe.claim('m0')).toBeUndefined()
    expect(await dedupe.claim('m4999')).toBeUndefined()
  })

  it('keeps a message that is updated while its generation ages: the update moves it to the newest', async () => {
    const dedupe = memoryDedupe()
    expect(await dedupe.claim('slow')).toBeUndefined()
    for (let i = 0; i < 9_999; i++) await dedupe.claim(`m${i}`)
    // 'slow' is now in the older generation; its late finish is recorded in the newer one.
    await dedupe.finish('slow', { state: 'done', reply: 'late answer', late: true })
    for (let i = 9_999; i < 19_000; i++) await dedupe.claim(`m${i}`)
    expect(await dedupe.read('slow')).toEqual({ state: 'done', reply: 'late answer', late: true })
  })

  it('forgets a message after ttlMs whichever generation holds it', async () => {
    const dedupe = memoryDedupe(20)
    await dedupe.claim('old')
    for (let i = 0; i < 10_000; i++) await dedupe.claim(`m${i}`)
    await dedupe.claim('new')
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(await dedupe.claim('old')).toBeUndefined()
    expect(await dedupe.claim('new')).toBeUndefined()
  })
})
