import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

describe('POST /wxa/business/getuserphonenumber', () => {
  it('answers the phone number of a phone code with its watermark', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const code = await e.control.mintCode({ kind: 'phone', phoneNumber: '13912345678' })
    const body = await postJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`, {
      code,
    })
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13912345678',
        purePhoneNumber: '13912345678',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: DEFAULT_APP.appId },
      },
    })
  })

  it('prefixes numbers outside mainland China with their country code', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const code = await e.control.mintCode({ kind: 'phone', phoneNumber: '4155550132', countryCode: '1' })
    const body = await postJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`, {
      code,
    })
    expect(body.phone_info).toMatchObject({
      phoneNumber: '+14155550132',
      purePhoneNumber: '4155550132',
      countryCode: '1',
    })
  })

  it('answers 40029 for a reused, expired, unknown, missing or login code', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const url = `${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`
    const used = await e.control.mintCode({ kind: 'phone' })
    expect((await postJson(url, { code: used })).errcode).toBe(0)
    const reused = await postJson(url, { code: used })
    expect(reused.errcode).toBe(40029)
    expect(reused.errmsg).toMatch(RID)
    expect(reused.errmsg).not.toContain(used)
    const stale = await e.control.mintCode({ kind: 'phone' })
    await e.control.advanceClock(5 * 60_000)
    const freshToken = await classicToken(e)
    const freshUrl = `${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${freshToken}`
    expect((await postJson(freshUrl, { code: stale })).errcode).toBe(40029)
    expect((await postJson(freshUrl, { code: 'unknown' })).errcode).toBe(40029)
    expect((await postJson(freshUrl, {})).errcode).toBe(40029)
    const login = await e.control.mintCode({ kind: 'login' })
    expect((await postJson(freshUrl, { code: login })).errcode).toBe(40029)
  })

  it('answers 40013 when the code belongs to another app than the token', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const token = await classicToken(e, OTHER_APP)
    const code = await e.control.mintCode({ kind: 'phone' })
    const body = await postJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`, {
      code,
    })
    expect(body.errcode).toBe(40013)
  })

  it('rejects the code in the query (44002), a form body (47001) and a missing token (41001)', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const code = await e.control.mintCode({ kind: 'phone' })
    const inQuery = await getJson(
      `${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}&code=${code}`,
      { method: 'POST' },
    )
    expect(inQuery.errcode).toBe(44002)
    const form = await getJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${code}`,
    })
    expect(form.errcode).toBe(47001)
    const tokenInBody = await postJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber`, {
      access_token: token,
      code,
    })
    expect(tokenInBody.errcode).toBe(41001)
    const ok = await postJson(`${e.apiBaseUrl}/wxa/business/getuserphonenumber?access_token=${token}`, {
      code,
    })
    expect(ok.errcode).toBe(0)
  })
})
