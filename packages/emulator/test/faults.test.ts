import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { emulator } from './support/emulator-fixture.js'

const TOKEN_PATH = `/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`

describe('injectFault', () => {
  it.each([500, 502, 503] as const)('answers HTTP %i with an HTML body, once by default', async (status) => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'http', status } })
    const failed = await fetch(`${e.url}${TOKEN_PATH}`)
    expect(failed.status).toBe(status)
    expect(failed.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await failed.text()).toContain(`<h1>${status}`)
    const next = await fetch(`${e.url}${TOKEN_PATH}`)
    expect(next.status).toBe(200)
    expect(((await next.json()) as { access_token?: string }).access_token).toBeTypeOf('string')
  })

  it('destroys the socket for a reset, so the client sees a network error', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'reset' } })
    const error = await fetch(`${e.url}${TOKEN_PATH}`).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as { cause?: { code?: string } }).cause?.code ?? '')).toMatch(
      /ECONNRESET|UND_ERR_SOCKET/,
    )
  })

  it('answers truncated JSON with HTTP 200 for malformed-json', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'malformed-json' } })
    const response = await fetch(`${e.url}${TOKEN_PATH}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const text = await response.text()
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  it.each([-1, 45009, 40001] as const)('answers errcode %i even for a valid request', async (errcode) => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'errcode', errcode } })
    const body = (await (await fetch(`${e.url}${TOKEN_PATH}`)).json()) as { errcode: number; errmsg: string }
    expect(body.errcode).toBe(errcode)
    expect(body.errmsg).toMatch(/rid: /)
  })

  it('delays the answer, which then arrives normally after a later request on the same path', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'delay', ms: 400 } })
    const order: string[] = []
    const delayed = fetch(`${e.url}${TOKEN_PATH}`).then(async (r) => {
      order.push('delayed')
      return (await r.json()) as { access_token?: string }
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const prompt = fetch(`${e.url}${TOKEN_PATH}`).then(async (r) => {
      order.push('prompt')
      return (await r.json()) as { access_token?: string }
    })
    const [late, early] = await Promise.all([delayed, prompt])
    expect(order).toEqual(['prompt', 'delayed'])
    expect(late.access_token).toBeTypeOf('string')
    expect(early.access_token).toBeTypeOf('string')
  })

  it('applies to the next `times` requests only, and only on its path', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', times: 2, fault: { kind: 'http', status: 503 } })
    const other = await fetch(`${e.url}/cgi-bin/ticket/getticket`)
    expect(other.status).toBe(200)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${e.url}${TOKEN_PATH}`)).status)
    expect(statuses).toEqual([503, 503, 200])
  })

  it('counts faulted requests in calls', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'errcode', errcode: -1 } })
    await fetch(`${e.url}${TOKEN_PATH}`)
    await fetch(`${e.url}${TOKEN_PATH}`)
    const counters = await e.control.counters()
    expect(counters.calls['/cgi-bin/token']).toBe(2)
    expect(counters.tokensIssued).toBe(1)
  })

  it('rejects a fault it does not know', async () => {
    const e = await emulator()
    await expect(
      e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'http', status: 404 as 500 } }),
    ).rejects.toThrow(/injectFault/)
    await expect(e.control.injectFault({ path: 'cgi-bin/token', fault: { kind: 'reset' } })).rejects.toThrow(
      /path/,
    )
  })

  it('is cleared by reset', async () => {
    const e = await emulator()
    await e.control.injectFault({ path: '/cgi-bin/token', fault: { kind: 'reset' } })
    await e.control.reset()
    expect((await fetch(`${e.url}${TOKEN_PATH}`)).status).toBe(200)
  })
})
