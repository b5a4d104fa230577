import { Script } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { jsApiSignature } from '../src/bridge/jsapi-signature.js'
import { type BridgeDeps, createBridgeRoutes } from '../src/bridge/routes.js'

const appId = 'wx5c0a0e1a7e570001'
const ticket = 'kgt8ON7yVITDhtdwci0qeRt1bI6SlyL3ag0cDgw1TRlTqMbYJLNQGWaw6a6Hbp8C3twRmDQq9cZ4u4nDm6O8gA'

function routes(tickets: string[] = [ticket]) {
  const deps: BridgeDeps = {
    hasApp: (id) => id === appId,
    liveJsApiTickets: (id) => (id === appId ? tickets : []),
    // Paying is tested against a whole emulator (bridge-pay.test.ts); here no order exists.
    orderByPrepayId: () => undefined,
    merchantKey: () => undefined,
    unpayableReason: () => undefined,
    pay: async () => undefined,
  }
  const app = createBridgeRoutes(deps)
  return {
    verify: (body: unknown, headers: Record<string, string> = {}) =>
      app.request('http://emulator.test/jssdk/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    request: app.request.bind(app),
  }
}

const page = 'http://127.0.0.1:5173/pay/confirm?name=%E5%BC%A0%E4%B8%89&from=singlemessage'
function signed(url = page) {
  const values = { timestamp: '1714037059', nonceStr: 'A1b2C3d4E5f6G7h8', url }
  return { appId, ...values, signature: jsApiSignature({ ...values, jsapiTicket: ticket }) }
}

describe('POST /jssdk/verify', () => {
  it('accepts a signature made with a live ticket of the app', async () => {
    const response = await routes().verify(signed())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
  })

  it('ignores the fragment of the page URL', async () => {
    const response = await routes().verify({ ...signed(), url: `${page}#/step/2?x=1` })
    expect(await response.json()).toEqual({ ok: true })
  })

  it('accepts a numeric timestamp by comparing its string form', async () => {
    const response = await routes().verify({ ...signed(), timestamp: 1714037059 })
    expect(await response.json()).toEqual({ ok: true })
  })

  it('rejects a wrong signature with the errMsg wx.error receives and the URL it checked', async () => {
    const response = await routes().verify({ ...signed(), signature: '0'.repeat(40), url: `${page}#frag` })
    expect(await response.json()).toEqual({
      ok: false,
      errMsg: 'config:invalid signature',
      realAuthUrl: page,
    })
  })

  it('rejects a signature over a decoded URL when the page URL is encoded', async () => {
    const decoded = decodeURIComponent(page)
    const response = await routes().verify({ ...signed(decoded), url: page })
    expect(await response.json()).toMatchObject({ ok: false, errMsg: 'config:invalid signature' })
  })

  it('rejects a signature whose nonce or timestamp differ from the signed ones', async () => {
    const app = routes()
    expect(await (await app.verify({ ...signed(), nonceStr: 'other' })).json()).toMatchObject({ ok: false })
    expect(await (await app.verify({ ...signed(), timestamp: '1714037059000' })).json()).toMatchObject({
      ok: false,
    })
  })

  it('rejects every signature when the app has no live ticket', async () => {
    const response = await routes([]).verify(signed())
    expect(await response.json()).toMatchObject({ ok: false, errMsg: 'config:invalid signature' })
  })

  it('answers config:invalid appid for an app the emulator does not know', async () => {
    const response = await routes().verify({ ...signed(), appId: 'wx0000000000000000' })
    expect(await response.json()).toEqual({ ok: false, errMsg: 'config:invalid appid', realAuthUrl: page })
  })

  it('treats missing fields as an invalid signature', async () => {
    const { signature: _omitted, ...unsigned } = signed()
    expect(await (await routes().verify(unsigned)).json()).toMatchObject({
      ok: false,
      errMsg: 'config:invalid signature',
    })
  })

  it('answers 400 to a body that is not a JSON object', async () => {
    const response = await routes().verify('not json')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ ok: false })
  })

  it('parses a JSON body whatever its content type', async () => {
    const response = await routes().verify(JSON.stringify(signed()), { 'content-type': 'text/plain' })
    expect(await response.json()).toEqual({ ok: true })
  })

  it('is CORS-open and answers the preflight', async () => {
    const app = routes()
    const preflight = await app.request('http://emulator.test/jssdk/verify', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type')
    const response = await app.verify(signed(), { origin: 'http://127.0.0.1:5173' })
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('GET /bridge.js', () => {
  it('serves uncached, CORS-open JavaScript that parses', async () => {
    const response = await routes().request('http://emulator.test:4000/bridge.js', {
      headers: { origin: 'http://127.0.0.1:5173' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/)
    expect(response.headers.get('cache-control')).toContain('no-store')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const source = await response.text()
    expect(() => new Script(source)).not.toThrow()
    expect(source).not.toContain('__WXKIT_BRIDGE_CONFIG__')
  })

  it('renders the verify and pay URLs from the origin and mount point the browser used', async () => {
    const response = await routes().request('http://emulator.test:4000/bridge.js')
    const source = await response.text()
    expect(source).toContain('"verifyUrl":"http://emulator.test:4000/jssdk/verify"')
    expect(source).toContain('"payUrl":"http://emulator.test:4000/pay/brand-wcpay-request"')
  })
})
