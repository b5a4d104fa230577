import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import {
  classicToken,
  emulator,
  getJson,
  RID,
  stableToken,
  tokenErrcode,
} from './support/emulator-fixture.js'

const MINUTE = 60_000

describe('GET /cgi-bin/token', () => {
  it('answers a long token with expires_in 7200 and no errcode', async () => {
    const e = await emulator()
    const response = await fetch(
      `${e.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in'])
    expect(body.expires_in).toBe(7200)
    expect((body.access_token as string).length).toBeGreaterThanOrEqual(100)
  })

  it.each([
    ['grant_type=client_credential&secret=s', 41002],
    ['grant_type=client_credential&appid=wx5c0a0e1a7e570001', 41004],
    ['grant_type=password&appid=wx5c0a0e1a7e570001&secret=s', 40002],
    ['appid=wx5c0a0e1a7e570001&secret=s', 40002],
    ['grant_type=client_credential&appid=wx0000000000000000&secret=s', 40013],
    ['grant_type=client_credential&appid=wx5c0a0e1a7e570001&secret=wrong-secret', 40001],
  ])('answers %s with errcode %i, HTTP 200 and a rid', async (query, errcode) => {
    const e = await emulator()
    const response = await fetch(`${e.apiBaseUrl}/cgi-bin/token?${query}`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { errcode: number; errmsg: string }
    expect(body.errcode).toBe(errcode)
    expect(body.errmsg).toMatch(RID)
    expect(body.errmsg).not.toContain('wrong-secret')
  })

  it('keeps the previous token working for 5 minutes after a new one is minted, then retires it', async () => {
    const e = await emulator()
    const first = await classicToken(e)
    const second = await classicToken(e)
    expect(second).not.toBe(first)
    expect(await tokenErrcode(e, first)).toBe(0)
    await e.control.advanceClock(5 * MINUTE - 1000)
    expect(await tokenErrcode(e, first)).toBe(0)
    await e.control.advanceClock(1000)
    expect(await tokenErrcode(e, first)).toBe(40001)
    expect(await tokenErrcode(e, second)).toBe(0)
  })

  it('kills tokens older than the previous one at once', async () => {
    const e = await emulator()
    const first = await classicToken(e)
    const second = await classicToken(e)
    const third = await classicToken(e)
    expect(await tokenErrcode(e, first)).toBe(40001)
    expect(await tokenErrcode(e, second)).toBe(0)
    expect(await tokenErrcode(e, third)).toBe(0)
  })

  it('expires a token after 7200 seconds with 42001', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    await e.control.advanceClock(7200_000 - 1)
    expect(await tokenErrcode(e, token)).toBe(0)
    await e.control.advanceClock(1)
    expect(await tokenErrcode(e, token)).toBe(42001)
  })

  it('counts each call as a newly issued token', async () => {
    const e = await emulator()
    await classicToken(e)
    await classicToken(e)
    expect((await e.control.counters()).tokensIssued).toBe(2)
  })
})

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token in normal mode while it has more than 5 minutes left', async () => {
    const e = await emulator()
    const first = await stableToken(e)
    await e.control.advanceClock(7200_000 - 5 * MINUTE - 1)
    const second = await stableToken(e)
    expect(second.access_token).toBe(first.access_token)
    expect(second.expires_in).toBe(300)
    expect((await e.control.counters()).tokensIssued).toBe(1)
  })

  it('mints the next token in the last 5 minutes while the old one works until its own expiry', async () => {
    const e = await emulator()
    const first = (await stableToken(e)).access_token as string
    await e.control.advanceClock(7200_000 - 5 * MINUTE)
    const next = await stableToken(e)
    expect(next.access_token).not.toBe(first)
    expect(next.expires_in).toBe(7200)
    expect(await tokenErrcode(e, first)).toBe(0)
    expect((await stableToken(e)).access_token).toBe(next.access_token)
    await e.control.advanceClock(5 * MINUTE)
    expect(await tokenErrcode(e, first)).toBe(42001)
    expect(await tokenErrcode(e, next.access_token as string)).toBe(0)
  })

  it('force_refresh mints a new token and invalidates the previous stable token', async () => {
    const e = await emulator()
    const first = (await stableToken(e)).access_token as string
    const forced = (await stableToken(e, true)).access_token as string
    expect(forced).not.toBe(first)
    expect(await tokenErrcode(e, first)).toBe(40001)
    expect(await tokenErrcode(e, forced)).toBe(0)
    expect((await stableToken(e)).access_token).toBe(forced)
  })

  it('refuses a second force_refresh within 30 seconds with 45011', async () => {
    const e = await emulator()
    await stableToken(e, true)
    await e.control.advanceClock(29_999)
    const refused = await stableToken(e, true)
    expect(refused.errcode).toBe(45011)
    await e.control.advanceClock(1)
    expect(typeof (await stableToken(e, true)).access_token).toBe('string')
  })

  it('allows 20 force refreshes a day, then answers 45009', async () => {
    const e = await emulator()
    for (let i = 0; i < 20; i++) {
      expect(typeof (await stableToken(e, true)).access_token).toBe('string')
      await e.control.advanceClock(30_000)
    }
    expect((await stableToken(e, true)).errcode).toBe(45009)
    await e.control.advanceClock(24 * 3600_000)
    expect(typeof (await stableToken(e, true)).access_token).toBe('string')
  })

  it('keeps stable and classic tokens isolated from each other', async () => {
    const e = await emulator()
    const stable = (await stableToken(e)).access_token as string
    const classic = await classicToken(e)
    await classicToken(e)
    await classicToken(e)
    expect(await tokenErrcode(e, stable)).toBe(0)
    await stableToken(e, true)
    expect(await tokenErrcode(e, classic)).toBe(40001)
    const latestClassic = await classicToken(e)
    await stableToken(e, true).catch(() => undefined)
    expect(await tokenErrcode(e, latestClassic)).toBe(0)
  })

  it.each([
    ['an empty body', '', 44002],
    ['a form body', 'grant_type=client_credential&appid=wx5c0a0e1a7e570001', 47001],
    ['broken JSON', '{"grant_type":', 47001],
    ['a JSON array', '[]', 47001],
    ['a string force_refresh', JSON.stringify({ ...credentials(), force_refresh: 'true' }), 47001],
    ['a wrong grant_type', JSON.stringify({ ...credentials(), grant_type: 'x' }), 40002],
    ['no appid', JSON.stringify({ grant_type: 'client_credential', secret: 's' }), 41002],
    ['no secret', JSON.stringify({ grant_type: 'client_credential', appid: DEFAULT_APP.appId }), 41004],
    ['an unknown appid', JSON.stringify({ ...credentials(), appid: 'wx0000000000000000' }), 40013],
    ['a wrong secret', JSON.stringify({ ...credentials(), secret: 'nope' }), 40125],
  ])('answers %s with errcode %i', async (_name, body, errcode) => {
    const e = await emulator()
    const contentType = body.startsWith('grant_type=')
      ? 'application/x-www-form-urlencoded'
      : 'application/json'
    const answer = await getJson(`${e.apiBaseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    })
    expect(answer.errcode).toBe(errcode)
  })
})

describe('access_token checks', () => {
  it('answers 41001 when the token is missing', async () => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi`)).errcode).toBe(41001)
  })

  it('answers 40014 for junk and 40001 for a well-formed token it never issued', async () => {
    const e = await emulator()
    expect(await tokenErrcode(e, 'not-a-token')).toBe(40014)
    expect(await tokenErrcode(e, `86_${'A'.repeat(150)}`)).toBe(40001)
  })

  it('answers 40001 for tokens revoked through the control API', async () => {
    const e = await emulator()
    const classic = await classicToken(e)
    const stable = (await stableToken(e)).access_token as string
    await e.control.revokeTokens()
    expect(await tokenErrcode(e, classic)).toBe(40001)
    expect(await tokenErrcode(e, stable)).toBe(40001)
    expect(await e.control.tokens()).toEqual([])
    const renewed = (await stableToken(e)).access_token as string
    expect(renewed).not.toBe(stable)
    expect(await tokenErrcode(e, renewed)).toBe(0)
  })

  it('lists the live tokens with their app, kind and expiry', async () => {
    const e = await emulator()
    const classic = await classicToken(e)
    const stable = (await stableToken(e)).access_token as string
    const live = await e.control.tokens()
    expect(live.map((t) => [t.token, t.kind, t.appId])).toEqual([
      [classic, 'classic', DEFAULT_APP.appId],
      [stable, 'stable', DEFAULT_APP.appId],
    ])
    expect(live[0]?.expiresAt).toBeGreaterThan(0)
  })
})

function credentials() {
  return { grant_type: 'client_credential', appid: DEFAULT_APP.appId, secret: DEFAULT_APP.appSecret }
}

describe('GET /cgi-bin/token daily quota', () => {
  it('mints 2000 tokens per app per Beijing day, then answers 45009 until the next day', async () => {
    const e = await emulator()
    const url = `${e.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => getJson(url)))
      expect(answers.every((answer) => typeof answer.access_token === 'string')).toBe(true)
    }
    const refused = await getJson(url)
    expect(refused.errcode).toBe(45009)
    expect(refused.errmsg).toMatch(RID)
    expect((await e.control.counters()).tokensIssued).toBe(2000)
    // FIXED_NOW is 08:00 in Beijing; the quota rolls over at Beijing midnight, 16 hours later.
    await e.control.advanceClock(16 * 3600_000 - 1)
    expect((await getJson(url)).errcode).toBe(45009)
    await e.control.advanceClock(1)
    expect((await getJson(url)).access_token).toBeTypeOf('string')
  })
})
