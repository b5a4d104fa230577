import { registerHooks } from 'node:module'
import { describe, expect, test } from 'vitest'

// As if undici (an optional peer dependency) were not installed: Node resolves it nowhere from here on
// (vitest hands it the resolved path, so the hook looks at the result, not the specifier).
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context)
    if (/\/undici\//.test(result.url))
      throw Object.assign(new Error("Cannot find package 'undici'"), { code: 'ERR_MODULE_NOT_FOUND' })
    return result
  },
})
const { calls, client, emulator, rejection } = await import('./helpers.js')
const { isWechatValidationError } = await import('../src/index.js')

describe('proxy without undici installed', () => {
  test('calls without a proxy work; a proxied call fails with a typed error that says what to install', async () => {
    const emu = await emulator()
    await client(emu).getAccessToken()
    const proxied = client(emu, { proxy: 'http://127.0.0.1:9' })
    for (let i = 0; i < 2; i++) {
      const error = await rejection(proxied.getJsTicket())
      expect(isWechatValidationError(error) && error.field).toBe('proxy')
      expect((error as Error).message).toContain('npm install undici')
    }
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
  })
})
