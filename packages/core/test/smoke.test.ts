import { DEFAULT_APP, startEmulator } from '@wxkit/emulator'
import { expect, test } from 'vitest'
import { Wechat } from '../src/index.js'

test('a cold getJsSdkConfig fetches one token and one ticket from the emulator', async () => {
  const emulator = await startEmulator({ port: 0 })
  try {
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emulator.apiBaseUrl })
    const config = await wechat.getJsSdkConfig('https://example.com/a?b=1#c')
    expect(config.signature).toMatch(/^[0-9a-f]{40}$/)
    const counters = await emulator.control.counters()
    expect(counters.calls['/cgi-bin/stable_token']).toBe(1)
    expect(counters.calls['/cgi-bin/ticket/getticket']).toBe(1)
  } finally {
    await emulator.close()
  }
})
