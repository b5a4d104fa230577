import type { RunningEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { describe, expect, test, vi } from 'vitest'
import type { TokenRefreshEvent } from '../src/index.js'
import { calls, client, emulator } from './helpers.js'

// The compare-and-swap refresh after WeChat rejects a token (40001), when it meets other loads. Each
// delay only orders two calls; if a loaded machine reorders them, the code under test takes another path
// to the same counts, so these tests cannot fail spuriously, only miss the mutant they are for.

const STABLE = '/cgi-bin/stable_token'
const PHONE = '/wxa/business/getuserphonenumber'

/** Two phone codes, for 13800138001 and 13800138002. */
function twoPhoneCodes(emu: RunningEmulator): Promise<string[]> {
  return Promise.all(
    ['13800138001', '13800138002'].map((phoneNumber) => emu.control.mintCode({ kind: 'phone', phoneNumber })),
  )
}

/** A Keyv that is down: every store call rejects, as an unreachable Redis does. */
function downCache(): Keyv {
  const down = () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'))
  return new Keyv({ store: { get: down, set: down, delete: down, clear: down } })
}

describe('invalidating a rejected access_token', () => {
  test('a 40001 that arrives while a reload is under way still force-refreshes, not reusing the token the reload hands back', async () => {
    const emu = await emulator()
    const events: TokenRefreshEvent[] = []
    const wechat = client(emu, { hooks: { onTokenRefresh: [(e) => events.push(e)] } })
    await wechat.getAccessToken()
    const code = await emu.control.mintCode({ kind: 'phone', phoneNumber: '13800138000' })
    // The reload meets the same stable token (normal mode), after a delay.
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 400 } })
    const reload = wechat.getAccessToken({ reload: true })
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'errcode', errcode: 40001 } })
    const result = await wechat.getUserPhoneNumber(code)
    await reload
    expect(result.phone_info.purePhoneNumber).toBe('13800138000')
    expect(events.map((e) => e.reason)).toEqual(['cold', 'reload', 'forced'])
    expect(await calls(emu, STABLE)).toBe(4)
  })

  test('while a refresh is under way, a new call waits for it instead of spending the rejected token', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const [first, second] = await twoPhoneCodes(emu)
    await emu.control.injectFault({ path: STABLE, fault: { kind: 'delay', ms: 400 } })
    const meetsTheRevocation = wechat.getUserPhoneNumber(first as string)
    await vi.waitFor(async () => expect(await calls(emu, STABLE)).toBe(2))
    const arrivesDuringTheRefresh = await wechat.getUserPhoneNumber(second as string)
    expect(arrivesDuringTheRefresh.phone_info.purePhoneNumber).toBe('13800138002')
    expect((await meetsTheRevocation).phone_info.purePhoneNumber).toBe('13800138001')
    // The first call twice (40001, then on the new token), the second once.
    expect(await calls(emu, PHONE)).toBe(3)
  })

  test('a 40001 answered after the refresh that replaced the token takes the replacement from memory, with the shared cache down', async () => {
    const emu = await emulator()
    const wechat = client(emu, { cache: downCache(), logger: { warn: () => {} } })
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const [slow, quick] = await twoPhoneCodes(emu)
    // The slow call's 40001 comes back only after the quick call refreshed the token.
    await emu.control.injectFault({ path: PHONE, fault: { kind: 'delay', ms: 500 } })
    const late = wechat.getUserPhoneNumber(slow as string)
    await vi.waitFor(async () => expect(await calls(emu, PHONE)).toBe(1))
    expect((await wechat.getUserPhoneNumber(quick as string)).phone_info.purePhoneNumber).toBe('13800138002')
    expect((await late).phone_info.purePhoneNumber).toBe('13800138001')
    // The cold start and one refresh: the late 40001 found the new token in memory, not by fetching again.
    expect(await calls(emu, STABLE)).toBe(2)
  })
})
