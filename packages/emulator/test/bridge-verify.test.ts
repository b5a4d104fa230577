import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsApiSignature } from '../src/bridge/jsapi-signature.js'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '../src/index.js'

const page = 'https://h5.example.com/orders/detail?id=42&from=singlemessage'
const timestamp = '1714037059'
const nonceStr = 'Wm3WZYTPz0wzccnW'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})

afterAll(async () => {
  await emulator.close()
})

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>
}

/** A jsapi_ticket fetched the way a server does it: token, then getticket. */
async function fetchTicket(): Promise<string> {
  const token = await getJson(
    `${emulator.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`,
  )
  const ticket = await getJson(
    `${emulator.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${String(token.access_token)}&type=jsapi`,
  )
  expect(ticket).toMatchObject({ errcode: 0, ticket: expect.any(String) })
  return String(ticket.ticket)
}

async function verify(body: Record<string, unknown>) {
  const response = await fetch(`${emulator.url}/__wxkit/jssdk/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://h5.example.com' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('access-control-allow-origin')).toBe('*')
  return response.json()
}

function signed(ticket: string, url = page) {
  return {
    appId: DEFAULT_APP.appId,
    url,
    timestamp,
    nonceStr,
    signature: jsApiSignature({ jsapiTicket: ticket, nonceStr, timestamp, url }),
  }
}

describe('POST /__wxkit/jssdk/verify on a running emulator', () => {
  it('accepts a signature made with the ticket getticket handed out', async () => {
    const ticket = await fetchTicket()
    expect(await verify(signed(ticket))).toEqual({ ok: true })
  })

  it('ignores the fragment of the page URL', async () => {
    const ticket = await fetchTicket()
    expect(await verify({ ...signed(ticket), url: `${page}#/pay?step=2` })).toEqual({ ok: true })
  })

  it('rejects a wrong signature', async () => {
    const ticket = await fetchTicket()
    const wrong = jsApiSignature({ jsapiTicket: ticket, nonceStr, timestamp, url: `${page}&x=1` })
    expect(await verify({ ...signed(ticket), signature: wrong })).toEqual({
      ok: false,
      errMsg: 'config:invalid signature',
      realAuthUrl: page,
    })
  })

  it('rejects a signature made with a ticket the emulator never issued', async () => {
    expect(await verify(signed('not-a-ticket-of-this-emulator'))).toMatchObject({
      ok: false,
      errMsg: 'config:invalid signature',
    })
  })

  it('answers config:invalid appid for an app the emulator does not know', async () => {
    const ticket = await fetchTicket()
    expect(await verify({ ...signed(ticket), appId: 'wx00000000000000ff' })).toMatchObject({
      ok: false,
      errMsg: 'config:invalid appid',
    })
  })

  it('rejects a signature once its ticket has expired, and accepts one over the next ticket', async () => {
    const ticket = await fetchTicket()
    expect(await verify(signed(ticket))).toEqual({ ok: true })
    await emulator.control.advanceClock(7200 * 1000 + 1000)
    expect(await verify(signed(ticket))).toMatchObject({ ok: false, errMsg: 'config:invalid signature' })
    const next = await fetchTicket()
    expect(next).not.toBe(ticket)
    expect(await verify(signed(next))).toEqual({ ok: true })
  })

  it('serves bridge.js pointing back at this emulator', async () => {
    const response = await fetch(`${emulator.url}/__wxkit/bridge.js`)
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/)
    expect(await response.text()).toContain(`"verifyUrl":"${emulator.url}/__wxkit/jssdk/verify"`)
  })
})
