import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, tokenErrcode } from './support/emulator-fixture.js'

describe('HTTP control API', () => {
  it('round-trips every typed method through connectEmulator', async () => {
    const e = await emulator()
    const remote = connectEmulator(e.url)
    const token = await classicToken(e)
    expect((await remote.tokens()).map((t) => t.token)).toEqual([token])
    expect(await remote.counters()).toEqual({
      calls: { '/cgi-bin/token': 1 },
      tokensIssued: 1,
      ticketsIssued: 0,
    })
    await tokenErrcode(e, token)
    expect((await remote.tickets()).length).toBe(1)
    const code = await remote.mintCode({ kind: 'login' })
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/)
    await remote.registerTemplate({ templateId: 'tpl-1', keys: ['thing1'] })
    await remote.subscribe({ openid: 'oUser0000000000000000000001', templateId: 'tpl-1' })
    expect(await remote.messages()).toEqual([])
    const sent = await fetch(`${e.url}/cgi-bin/message/subscribe/send?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({
        touser: 'oUser0000000000000000000001',
        template_id: 'tpl-1',
        data: { thing1: { value: '已发货' } },
      }),
    })
    expect(((await sent.json()) as { errcode: number }).errcode).toBe(0)
    expect(await remote.messages()).toEqual([
      expect.objectContaining({ touser: 'oUser0000000000000000000001', templateId: 'tpl-1' }),
    ])
    await remote.advanceClock(7200_000)
    expect(await tokenErrcode(e, token)).toBe(42001)
    await remote.injectFault({ path: '/cgi-bin/token', fault: { kind: 'http', status: 500 } })
    expect((await fetch(`${e.url}/cgi-bin/token`)).status).toBe(500)
    const fresh = await classicToken(e)
    await remote.revokeTokens({ appId: DEFAULT_APP.appId })
    expect(await tokenErrcode(e, fresh)).toBe(40001)
    await remote.reset()
    expect(await remote.counters()).toEqual({ calls: {}, tokensIssued: 0, ticketsIssued: 0 })
  })

  it('accepts the documented curl shapes and answers JSON', async () => {
    const e = await emulator()
    const json = { 'content-type': 'application/json' }
    const advanced = await fetch(`${e.url}/__wxkit/advanceClock`, {
      method: 'POST',
      headers: json,
      body: '{"ms":1000}',
    })
    expect(advanced.status).toBe(200)
    expect(await advanced.json()).toBeNull()
    const minted = await fetch(`${e.url}/__wxkit/mintCode`, {
      method: 'POST',
      headers: json,
      body: '{"kind":"phone"}',
    })
    expect(await minted.json()).toMatch(/^[A-Za-z0-9_-]{64}$/)
  })

  it('answers HTTP 400 with a message for a rejected call, which connectEmulator throws', async () => {
    const e = await emulator()
    const json = { 'content-type': 'application/json' }
    const response = await fetch(`${e.url}/__wxkit/mintCode`, {
      method: 'POST',
      headers: json,
      body: '{"kind":"nope"}',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: expect.stringMatching(/mintCode kind/) })
    await expect(connectEmulator(e.url).advanceClock(-5)).rejects.toThrow(/advanceClock/)
    const broken = await fetch(`${e.url}/__wxkit/reset`, { method: 'POST', headers: json, body: '{' })
    expect(broken.status).toBe(400)
  })

  describe('finding 11: web pages cannot drive the control API', () => {
    const json = { 'content-type': 'application/json' }

    it('refuses a call from another origin, before it has any effect', async () => {
      const e = await emulator()
      for (const headers of [
        { ...json, origin: 'http://page.example' },
        { ...json, origin: 'null' },
        { ...json, 'sec-fetch-site': 'cross-site' },
        { ...json, 'sec-fetch-site': 'same-site' },
      ]) {
        const response = await fetch(`${e.url}/__wxkit/mintCode`, {
          method: 'POST',
          headers,
          body: '{"kind":"login"}',
        })
        expect(response.status).toBe(403)
        expect(response.headers.get('access-control-allow-origin')).toBeNull()
        expect(await response.json()).toEqual({ error: expect.stringMatching(/web pages/) })
      }
      const fault = await fetch(`${e.url}/__wxkit/injectFault`, {
        method: 'POST',
        headers: { ...json, origin: 'http://page.example' },
        body: JSON.stringify({ path: '/cgi-bin/token', fault: { kind: 'http', status: 500 } }),
      })
      expect(fault.status).toBe(403)
      expect((await fetch(`${e.url}/cgi-bin/token`)).status).toBe(200)
    })

    it('answers no CORS preflight for control paths, so a page cannot send JSON to them', async () => {
      const e = await emulator()
      const preflight = await fetch(`${e.url}/__wxkit/counters`, {
        method: 'OPTIONS',
        headers: { origin: 'http://page.example', 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    })

    it('refuses a DNS-rebinding page whose Origin matches a Host that is a domain name', async () => {
      const e = await emulator()
      const port = new URL(e.url).port
      const response = await fetch(`${e.url}/__wxkit/counters`, {
        method: 'POST',
        headers: { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` },
      })
      expect(response.status).toBe(403)
    })

    it('accepts a same-origin call on the loopback address, as the emulator’s own page would send', async () => {
      const e = await emulator()
      const response = await fetch(`${e.url}/__wxkit/counters`, {
        method: 'POST',
        headers: { origin: new URL(e.url).origin, 'sec-fetch-site': 'same-origin' },
      })
      expect(response.status).toBe(200)
    })

    it.each([
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ])('refuses a body sent as %s, what an HTML form can send without a preflight', async (type) => {
      const e = await emulator()
      const response = await fetch(`${e.url}/__wxkit/mintCode`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"kind":"login"}',
      })
      expect(response.status).toBe(415)
      expect(await response.json()).toEqual({ error: expect.stringMatching(/application\/json/) })
    })

    it('keeps the bridge open to pages on other origins', async () => {
      const e = await emulator()
      const script = await fetch(`${e.url}/__wxkit/bridge.js`, {
        headers: { origin: 'http://page.example', 'sec-fetch-site': 'cross-site' },
      })
      expect(script.status).toBe(200)
      expect(script.headers.get('access-control-allow-origin')).toBe('*')
      const verify = await fetch(`${e.url}/__wxkit/jssdk/verify`, {
        method: 'POST',
        headers: { origin: 'http://page.example', 'content-type': 'text/plain' },
        body: '{}',
      })
      expect(verify.headers.get('access-control-allow-origin')).toBe('*')
    })
  })

  it('does not count control calls in counters().calls', async () => {
    const e = await emulator()
    await connectEmulator(e.url).counters()
    expect((await e.control.counters()).calls).toEqual({})
  })

  it.each([
    [
      { kind: 'http', status: 502 },
      async (r: Response) => r.status === 502 && /<h1>502/.test(await r.text()),
    ],
    [{ kind: 'malformed-json' }, async (r: Response) => r.status === 200 && !isJson(await r.text())],
    [{ kind: 'errcode', errcode: 45009 }, async (r: Response) => (await r.json()).errcode === 45009],
    [{ kind: 'delay', ms: 50 }, async (r: Response) => typeof (await r.json()).access_token === 'string'],
  ] as const)('queues the fault %j over HTTP, as in process', async (fault, check) => {
    const e = await emulator()
    const path = '/cgi-bin/token'
    await connectEmulator(e.url).injectFault({ path, fault })
    const query = `?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`
    expect(await check(await fetch(`${e.url}${path}${query}`))).toBe(true)
    expect((await fetch(`${e.url}${path}${query}`)).status).toBe(200)
  })

  it('queues a connection reset over HTTP', async () => {
    const e = await emulator()
    await connectEmulator(e.url).injectFault({ path: '/cgi-bin/token', fault: { kind: 'reset' } })
    await expect(fetch(`${e.url}/cgi-bin/token`)).rejects.toThrow(TypeError)
  })

  it('accepts what the README’s curl lines send: JSON bodies and no body at all', async () => {
    const e = await emulator()
    const json = { 'content-type': 'application/json' }
    const minted = await fetch(`${e.url}/__wxkit/mintCode`, {
      method: 'POST',
      headers: json,
      body: '{"kind":"login"}',
    })
    const code = (await minted.json()) as string
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const advanced = await fetch(`${e.url}/__wxkit/advanceClock`, {
      method: 'POST',
      headers: json,
      body: '7200000',
    })
    expect(await advanced.json()).toBeNull()
    const session = await fetch(
      `${e.url}/sns/jscode2session?appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}` +
        `&js_code=${code}&grant_type=authorization_code`,
    )
    expect(JSON.parse(await session.text()).errcode).toBe(40029)
    const counters = await fetch(`${e.url}/__wxkit/counters`, { method: 'POST' })
    expect(await counters.json()).toEqual({
      calls: { '/sns/jscode2session': 1 },
      tokensIssued: 0,
      ticketsIssued: 0,
    })
  })
})

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
