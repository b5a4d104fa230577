import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, getJson, RID } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

describe('GET /cgi-bin/ticket/getticket', () => {
  it('answers a jsapi ticket with errcode 0 and expires_in 7200', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const body = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)
    expect(body).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 })
    expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{86}$/)
    expect(await e.control.tickets()).toEqual([
      { ticket: body.ticket, appId: DEFAULT_APP.appId, type: 'jsapi', expiresAt: expect.any(Number) },
    ])
  })

  it('returns the live ticket again, with its remaining lifetime, and counts one issuance', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const url = `${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`
    const first = await getJson(url)
    await e.control.advanceClock(600_000)
    const again = await getJson(url)
    expect(again.ticket).toBe(first.ticket)
    expect(again.expires_in).toBe(6600)
    expect((await e.control.counters()).ticketsIssued).toBe(1)
  })

  it('mints a new ticket once the live one has expired', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const first = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)
    await e.control.advanceClock(7200_000)
    expect(await e.control.tickets()).toEqual([])
    const token2 = await classicToken(e)
    const second = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token2}&type=jsapi`)
    expect(second.ticket).not.toBe(first.ticket)
    expect((await e.control.counters()).ticketsIssued).toBe(2)
  })

  it('issues each app its own ticket, following the token', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const a = await getJson(
      `${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=${await classicToken(e, DEFAULT_APP)}`,
    )
    const b = await getJson(
      `${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=${await classicToken(e, OTHER_APP)}`,
    )
    expect(a.ticket).not.toBe(b.ticket)
    const byApp = Object.fromEntries((await e.control.tickets()).map((t) => [t.appId, t.ticket]))
    expect(byApp).toEqual({ [DEFAULT_APP.appId]: a.ticket, [OTHER_APP.appId]: b.ticket })
  })

  it('answers 40097 for a missing or unknown type', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    for (const query of ['', '&type=foo']) {
      const body = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}${query}`)
      expect(body.errcode).toBe(40097)
      expect(body.errmsg).toMatch(RID)
    }
  })

  it('checks the access token: 41001, 40014, 42001', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi`)).errcode).toBe(41001)
    expect(
      (await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=x`)).errcode,
    ).toBe(40014)
    await e.control.advanceClock(7200_000)
    const expired = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=${token}`)
    expect(expired.errcode).toBe(42001)
    expect(expired.errmsg).not.toContain(token)
  })
})

describe('GET /cgi-bin/ticket/getticket?type=wx_card', () => {
  it('serves a card ticket separate from the jsapi ticket', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const card = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
    const jsapi = await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)
    expect(card).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 })
    expect(card.ticket).not.toBe(jsapi.ticket)
    expect((await e.control.tickets()).map((t) => t.type).sort()).toEqual(['jsapi', 'wx_card'])
  })
})
