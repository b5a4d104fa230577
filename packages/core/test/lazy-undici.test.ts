import { registerHooks } from 'node:module'
import { describe, expect, test } from 'vitest'

// Record every module URL Node resolves from here on (vitest hands node_modules imports to Node). The
// client is imported only afterwards, so a static `import 'undici'` anywhere in core would be seen.
const resolved: string[] = []
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context)
    resolved.push(result.url)
    return result
  },
})
const undiciLoaded = () => resolved.some((url) => /\/undici\//.test(url))
const { calls, client, emulator } = await import('./helpers.js')

describe('undici is only loaded for a proxy', () => {
  test('calls without a proxy never import undici; the first proxied call does', async () => {
    const emu = await emulator()
    const direct = client(emu)
    await direct.getJsSdkConfig('https://example.com/')
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(1)
    expect(undiciLoaded()).toBe(false)

    const { Server } = await import('proxy-chain')
    const proxy = new Server({ port: 0, host: '127.0.0.1' })
    await proxy.listen()
    try {
      const proxied = client(emu, { proxy: `http://127.0.0.1:${proxy.port}` })
      expect(undiciLoaded()).toBe(false)
      await proxied.getAccessToken()
      expect(undiciLoaded()).toBe(true)
    } finally {
      await proxy.close(true)
    }
  })
})
