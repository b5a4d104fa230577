import { inspect } from 'node:util'
import type { RunningEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, SESSION_SECRET, startApp } from './support/app-harness.js'
import { DEFAULT_APP, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { approveAtWechat, startOauthLogin } from './support/oauth-flow.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(EXPRESS_VERSIONS)('secrets on $name', (version) => {
  it('never show up in a response body or header, in onError or in logs, on success or failure paths', async () => {
    await emulator.control.reset()
    const storeMap = new Map<string, unknown>()
    const reported: unknown[] = []
    const printed: string[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map((arg) => inspect(arg)).join(' '))
      })
    }
    const app = await startApp(version, {
      config: emulatorConfig(emulator, { timeout: 1500 }),
      session: { secret: SESSION_SECRET, store: new Keyv({ store: storeMap }) },
      onError: (error) => reported.push(error),
    })
    const seen: string[] = []
    const codes: string[] = []
    const sessionKeys: string[] = []
    const collectSessionKeys = () => {
      for (const value of storeMap.values()) {
        const key = /"sessionKey\\?":\\?"([^"\\]+)/.exec(JSON.stringify(value))?.[1]
        if (key) sessionKeys.push(key)
      }
    }
    const record = async (response: Response) => {
      seen.push(JSON.stringify([...response.headers]), await response.text())
    }
    try {
      const jar = new CookieJar()
      // Mini Program: login, phone, used code, invalid code, upstream failures.
      const login = await emulator.control.mintCode({
        kind: 'login',
        openid: 'o_secret',
        unionid: 'u_secret',
      })
      codes.push(login)
      await record(await app.request('/wechat/mini/login', { method: 'POST', json: { code: login }, jar }))
      collectSessionKeys()
      await record(await app.request('/wechat/mini/login', { method: 'POST', json: { code: login } }))
      const phone = await emulator.control.mintCode({ kind: 'phone' })
      codes.push(phone)
      await record(await app.request('/wechat/mini/phone', { method: 'POST', json: { code: phone }, jar }))
      await record(await app.request('/wechat/mini/phone', { method: 'POST', json: { code: phone }, jar }))
      for (const fault of [
        { kind: 'http', status: 500 },
        { kind: 'malformed-json' },
        { kind: 'reset' },
        { kind: 'delay', ms: 5000 },
        { kind: 'errcode', errcode: 40001 },
      ] as const) {
        const code = await emulator.control.mintCode({ kind: 'login' })
        codes.push(code)
        await emulator.control.injectFault({ path: '/sns/jscode2session', times: 3, fault })
        await record(await app.request('/wechat/mini/login', { method: 'POST', json: { code } }))
      }
      // JS-SDK, including a ticket failure.
      await record(await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/`)}`))
      await emulator.control.revokeTokens()
      await emulator.control.injectFault({
        path: '/cgi-bin/ticket/getticket',
        times: 5,
        fault: { kind: 'http', status: 502 },
      })
      await record(await app.request(`/wechat/jssdk/config?url=${encodeURIComponent(`${app.url}/x`)}`))
      // OAuth: success, duplicate, used code, outage.
      const oauthJar = new CookieJar()
      const authorize = await startOauthLogin(app, oauthJar, '?scope=snsapi_userinfo')
      const { callbackPath, code: oauthCode } = await approveAtWechat(authorize)
      codes.push(oauthCode)
      await record(await app.request(callbackPath, { jar: oauthJar }))
      await record(await app.request(callbackPath, { jar: oauthJar }))
      await record(await app.request('/wechat/me', { jar: oauthJar }))
      const second = await startOauthLogin(app, oauthJar)
      const failing = await approveAtWechat(second)
      codes.push(failing.code)
      await emulator.control.injectFault({
        path: '/sns/oauth2/access_token',
        times: 3,
        fault: { kind: 'http', status: 503 },
      })
      await record(await app.request(failing.callbackPath, { jar: oauthJar }))
      await record(await app.request('/wechat/logout', { method: 'POST', jar }))
    } finally {
      await app.close()
    }

    expect(sessionKeys.length).toBeGreaterThan(0)
    const tokens = (await emulator.control.tokens()).map((token) => token.token)
    const tickets = (await emulator.control.tickets()).map((ticket) => ticket.ticket)
    const secrets = [DEFAULT_APP.appSecret, SESSION_SECRET, ...tokens, ...tickets, ...sessionKeys, ...codes]
    expect(codes.length).toBeGreaterThanOrEqual(8)

    const surfaces = [
      ...seen,
      ...printed,
      ...reported.map((error) => inspect(error, { depth: 10 })),
      ...reported.map((error) => JSON.stringify(error)),
    ]
    expect(reported.length).toBeGreaterThan(0)
    for (const secret of secrets) {
      for (const surface of surfaces) expect(surface).not.toContain(secret)
    }
    expect(seen.join('\n')).not.toMatch(/session_key|access_token|appsecret|\n\s+at /i)
    // The one line printed is the development note that publicUrl is unset (it names no secret).
    expect(printed.filter((line) => !line.includes('no publicUrl set'))).toEqual([])
  })
})
