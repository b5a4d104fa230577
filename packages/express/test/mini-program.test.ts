import { Wechat } from '@wxkit/core'
import type { RunningEmulator } from '@wxkit/emulator'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { wechat } from '../src/index.js'
import { CookieJar, json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { named } from './support/named-cases.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })

describe.each(EXPRESS_VERSIONS)('Mini Program routes on $name', (version) => {
  let app: TestApp
  let storeMap: Map<string, unknown>
  beforeEach(async () => {
    storeMap = new Map()
    app = await startApp(version, {
      config: emulatorConfig(emulator, { timeout: 1500 }),
      session: { secret: SESSION_SECRET, store: new Keyv({ store: storeMap }) },
    })
  })
  afterEach(() => app.close())

  async function signIn(jar: CookieJar, openid = 'o_mini_user', unionid?: string): Promise<Response> {
    const code = await emulator.control.mintCode({ kind: 'login', openid, ...(unionid ? { unionid } : {}) })
    return app.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })
  }

  it('logs in with a wx.login code, answers openid, unionid and the session token, and starts a session', async () => {
    const jar = new CookieJar()
    const response = await signIn(jar, 'o_alice', 'u_alice')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await json(response)
    expect(body).toEqual({ openid: 'o_alice', unionid: 'u_alice', sessionToken: expect.any(String) })
    expect(body.sessionToken).toBe(decodeURIComponent(jar.get('wxkit.sid') as string))

    const me = await app.request('/wechat/me', { jar })
    expect(me.status).toBe(200)
    expect(await json(me)).toEqual({ openid: 'o_alice', unionid: 'u_alice', source: 'mini' })
    const whoami = await json(await app.request('/whoami', { jar }))
    expect(whoami).toEqual({
      user: { openid: 'o_alice', unionid: 'u_alice', source: 'mini' },
      hasClient: true,
    })
  })

  it('answers without unionid when WeChat sends none', async () => {
    const response = await signIn(new CookieJar(), 'o_bob')
    expect(await json(response)).toEqual({ openid: 'o_bob', sessionToken: expect.any(String) })
  })

  it('keeps session_key in the session store and out of the response', async () => {
    const jar = new CookieJar()
    const response = await signIn(jar, 'o_carol')
    const text = await response.text()
    const records = [...storeMap.values()].map((value) => JSON.stringify(value))
    const withKey = records.find((record) => record.includes('sessionKey'))
    expect(withKey).toBeDefined()
    const sessionKey = /"sessionKey\\?":\\?"([^"\\]+)/.exec(withKey as string)?.[1] as string
    expect(sessionKey.length).toBeGreaterThan(10)
    expect(text).not.toContain(sessionKey)
    expect(text).not.toContain('session_key')
    expect(JSON.stringify([...response.headers])).not.toContain(sessionKey)
    const me = await (await app.request('/wechat/me', { jar })).text()
    expect(me).not.toContain(sessionKey)
  })

  it("keeps sessions in the given client's cache when no session store is named", async () => {
    const clientStoreMap = new Map<string, unknown>()
    const client = new Wechat(emulatorConfig(emulator, { cache: new Keyv({ store: clientStoreMap }) }))
    const own = await startApp(version, { client, session: { secret: SESSION_SECRET } })
    try {
      const jar = new CookieJar()
      const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_dave' })
      const response = await own.request('/wechat/mini/login', { method: 'POST', json: { code }, jar })
      expect(response.status).toBe(200)
      const records = [...clientStoreMap.values()].map((value) => JSON.stringify(value))
      expect(records.some((record) => record.includes('o_dave') && record.includes('sessionKey'))).toBe(true)
    } finally {
      await own.close()
    }
  })

  it('answers the phone number of a signed-in user', async () => {
    const jar = new CookieJar()
    await signIn(jar)
    const code = await emulator.control.mintCode({
      kind: 'phone',
      phoneNumber: '13912345678',
      countryCode: '86',
    })
    const response = await app.request('/wechat/mini/phone', { method: 'POST', json: { code }, jar })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await json(response)).toEqual({
      phoneNumber: '13912345678',
      purePhoneNumber: '13912345678',
      countryCode: '86',
    })
  })

  it('refuses the phone route without a session (401 unauthorized)', async () => {
    const code = await emulator.control.mintCode({ kind: 'phone' })
    const response = await app.request('/wechat/mini/phone', { method: 'POST', json: { code } })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('unauthorized'))
  })

  it('maps an unknown login code to 401 invalid_code (40029)', async () => {
    const response = await app.request('/wechat/mini/login', {
      method: 'POST',
      json: { code: 'not-a-real-code' },
    })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('invalid_code'))
  })

  it('maps a used login code to 401 code_used (40163)', async () => {
    const code = await emulator.control.mintCode({ kind: 'login' })
    expect((await app.request('/wechat/mini/login', { method: 'POST', json: { code } })).status).toBe(200)
    const again = await app.request('/wechat/mini/login', { method: 'POST', json: { code } })
    expect(again.status).toBe(401)
    expect(await json(again)).toEqual(errorBody('code_used'))
  })

  it('maps an expired phone code to 401 invalid_code', async () => {
    const jar = new CookieJar()
    await signIn(jar)
    const code = await emulator.control.mintCode({ kind: 'phone' })
    await emulator.control.advanceClock(6 * 60_000)
    const response = await app.request('/wechat/mini/phone', { method: 'POST', json: { code }, jar })
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual(errorBody('invalid_code'))
  })

  it.each([
    ['a quota errcode (45009)', 429, 'rate_limited', { kind: 'errcode', errcode: 45009 } as const],
    ['an HTTP 502 from WeChat', 502, 'upstream_error', { kind: 'http', status: 502 } as const],
    ['a malformed JSON answer', 502, 'upstream_error', { kind: 'malformed-json' } as const],
    ['a reset connection', 502, 'upstream_error', { kind: 'reset' } as const],
    ['system busy (-1)', 502, 'upstream_error', { kind: 'errcode', errcode: -1 } as const],
    ['a slow answer', 504, 'upstream_timeout', { kind: 'delay', ms: 5000 } as const],
  ])('maps %s on login to %i %s', async (_label, status, code, fault) => {
    await emulator.control.injectFault({ path: '/sns/jscode2session', times: 3, fault })
    const loginCode = await emulator.control.mintCode({ kind: 'login' })
    const response = await app.request('/wechat/mini/login', { method: 'POST', json: { code: loginCode } })
    expect(response.status).toBe(status)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const text = await response.text()
    expect(JSON.parse(text)).toEqual(errorBody(code))
    expect(text).not.toContain(loginCode)
    expect(text).not.toMatch(/\n\s+at /)
  })

  it('maps a quota errcode on the phone route to 429 rate_limited', async () => {
    const jar = new CookieJar()
    await signIn(jar)
    await emulator.control.injectFault({
      path: '/wxa/business/getuserphonenumber',
      times: 3,
      fault: { kind: 'errcode', errcode: 45009 },
    })
    const code = await emulator.control.mintCode({ kind: 'phone' })
    const response = await app.request('/wechat/mini/phone', { method: 'POST', json: { code }, jar })
    expect(response.status).toBe(429)
    expect(await json(response)).toEqual(errorBody('rate_limited'))
  })

  describe('bad bodies, on both POST routes', () => {
    const big = JSON.stringify({ code: 'a'.repeat(9000) })
    const cases: [string, RequestInit, number, string][] = [
      ['no body', { headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_request'],
      ['no content type', { body: '{"code":"abc"}' }, 400, 'invalid_request'],
      [
        'text/plain',
        { body: '{"code":"abc"}', headers: { 'Content-Type': 'text/plain' } },
        400,
        'invalid_request',
      ],
      [
        'a form body',
        { body: 'code=abc', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        400,
        'invalid_request',
      ],
      [
        'a latin1 charset',
        { body: '{"code":"abc"}', headers: { 'Content-Type': 'application/json; charset=latin1' } },
        400,
        'invalid_request',
      ],
      [
        'malformed JSON',
        { body: '{"code":', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'a JSON array',
        { body: '["abc"]', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'JSON null',
        { body: 'null', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'a JSON string',
        { body: '"abc"', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'invalid UTF-8',
        { body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code missing',
        { body: '{}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code null',
        { body: '{"code":null}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code empty',
        { body: '{"code":""}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code a number',
        { body: '{"code":12345}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code an array',
        { body: '{"code":["abc"]}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code an object',
        { body: '{"code":{"a":1}}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code too long',
        { body: JSON.stringify({ code: 'a'.repeat(257) }), headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code unicode',
        { body: '{"code":"代码代码"}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'code with spaces',
        { body: '{"code":"a b"}', headers: { 'Content-Type': 'application/json' } },
        400,
        'invalid_request',
      ],
      [
        'a body over the limit',
        { body: big, headers: { 'Content-Type': 'application/json' } },
        413,
        'payload_too_large',
      ],
      [
        'a streamed body over the limit',
        {
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(big))
              controller.close()
            },
          }),
          headers: { 'Content-Type': 'application/json' },
          duplex: 'half',
        } as RequestInit,
        413,
        'payload_too_large',
      ],
    ]
    it.each(named(cases))('%s', async (_label, init, status, code) => {
      const jar = new CookieJar()
      await signIn(jar)
      for (const path of ['/wechat/mini/login', '/wechat/mini/phone']) {
        const body = init.body instanceof ReadableStream ? cloneStream(big) : init.body
        const response = await app.request(path, { ...init, body, method: 'POST', jar: jar.clone() })
        expect(response.status, path).toBe(status)
        expect(response.headers.get('cache-control')).toBe('no-store')
        expect(await json(response)).toEqual(errorBody(code))
      }
    })
  })

  it('uses a body an app-level express.json() already parsed', async () => {
    await app.close()
    app = await startApp(
      version,
      { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } },
      { before: (express) => express.use(version.express.json()) },
    )
    const code = await emulator.control.mintCode({ kind: 'login', openid: 'o_parsed' })
    const response = await app.request('/wechat/mini/login', { method: 'POST', json: { code } })
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({ openid: 'o_parsed', sessionToken: expect.any(String) })
  })

  it('answers 500 internal_error and starts no session when onLogin throws', async () => {
    await app.close()
    const reported: unknown[] = []
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET },
      onLogin: () => {
        throw new Error('database down')
      },
      onError: (error) => reported.push(error),
    })
    const jar = new CookieJar()
    const response = await signIn(jar)
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual(errorBody('internal_error'))
    expect(text).not.toContain('database down')
    expect(reported).toHaveLength(1)
    expect((await app.request('/wechat/me', { jar })).status).toBe(401)
  })

  it('is harmless when mounted twice', async () => {
    await app.close()
    const store = new Keyv()
    const options = { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET, store } }
    app = await startApp(version, options, { before: (express) => express.use(wechat(options)) })
    const jar = new CookieJar()
    expect((await signIn(jar, 'o_twice')).status).toBe(200)
    expect(await json(await app.request('/wechat/me', { jar }))).toEqual({
      openid: 'o_twice',
      source: 'mini',
    })
    expect((await json(await app.request('/whoami', { jar }))).user.openid).toBe('o_twice')
  })

  it('is absent when miniProgram is false', async () => {
    await app.close()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      miniProgram: false,
      session: { secret: SESSION_SECRET },
    })
    const code = await emulator.control.mintCode({ kind: 'login' })
    expect((await app.request('/wechat/mini/login', { method: 'POST', json: { code } })).status).toBe(404)
  })
})

function cloneStream(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text))
      controller.close()
    },
  })
}
