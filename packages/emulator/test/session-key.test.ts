import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, getJson } from './support/emulator-fixture.js'

const sign = (sessionKey: string) => createHmac('sha256', sessionKey).update('').digest('hex')

async function login(e: Awaited<ReturnType<typeof emulator>>, openid = 'oSession') {
  const code = await e.control.mintCode({ kind: 'login', openid })
  const body = await getJson(
    `${e.apiBaseUrl}/sns/jscode2session?appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&js_code=${code}&grant_type=authorization_code`,
  )
  return body.session_key as string
}

function url(e: { apiBaseUrl: string }, path: string, token: string, query: Record<string, string>): string {
  return `${e.apiBaseUrl}${path}?${new URLSearchParams({ access_token: token, ...query })}`
}

describe('GET /wxa/checksession and /wxa/resetusersessionkey (§14.4)', () => {
  it('accepts the key jscode2session handed out, and hands out the same key on the next login', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const key = await login(e)
    const query = { openid: 'oSession', signature: sign(key), sig_method: 'hmac_sha256' }
    expect(await getJson(url(e, '/wxa/checksession', token, query))).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await login(e)).toBe(key)
  })

  it('resets the key: the old one answers 87009 and the next login returns the new one', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const old = await login(e)
    const reset = await getJson(
      url(e, '/wxa/resetusersessionkey', token, {
        openid: 'oSession',
        signature: sign(old),
        sig_method: 'hmac_sha256',
      }),
    )
    expect(reset).toMatchObject({ errcode: 0, openid: 'oSession' })
    const fresh = reset.session_key as string
    expect(Buffer.from(fresh, 'base64')).toHaveLength(16)
    expect(fresh).not.toBe(old)
    const stale = { openid: 'oSession', signature: sign(old), sig_method: 'hmac_sha256' }
    expect(await getJson(url(e, '/wxa/checksession', token, stale))).toMatchObject({ errcode: 87009 })
    expect(await getJson(url(e, '/wxa/resetusersessionkey', token, stale))).toMatchObject({
      errcode: 87009,
    })
    expect(await login(e)).toBe(fresh)
  })

  it('answers 87009 for another sig_method or a missing signature, 40003 for a user who never logged in', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const key = await login(e)
    const md5 = { openid: 'oSession', signature: sign(key), sig_method: 'md5' }
    expect(await getJson(url(e, '/wxa/checksession', token, md5))).toMatchObject({ errcode: 87009 })
    const unsigned = { openid: 'oSession', sig_method: 'hmac_sha256' }
    expect(await getJson(url(e, '/wxa/checksession', token, unsigned))).toMatchObject({ errcode: 87009 })
    const stranger = { openid: 'oNever', signature: sign(key), sig_method: 'hmac_sha256' }
    expect(await getJson(url(e, '/wxa/checksession', token, stranger))).toMatchObject({ errcode: 40003 })
  })

  it('needs a live access token (40001 once revoked)', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const key = await login(e)
    await e.control.revokeTokens()
    const query = { openid: 'oSession', signature: sign(key), sig_method: 'hmac_sha256' }
    expect(await getJson(url(e, '/wxa/checksession', token, query))).toMatchObject({ errcode: 40001 })
  })
})
