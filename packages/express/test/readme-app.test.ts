import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, json } from './support/app-harness.js'
import { DEFAULT_APP } from './support/emulator.js'
import { encryptOpenData } from './support/open-data.js'
import { importListening, readmeCaller, readmeCode, readmeSandbox } from './support/readme-code.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const sandbox = readmeSandbox('.generated')

// The README's app, run as written against the emulator. Only two things are added: an import swap for the
// Express 4 run, and `export { cache }` so the test can close the Redis connection the app opened.
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the README’s complete app on $name', ({ name, module }) => {
  const namespace = `wxkit-express-readme-${process.pid}-${randomBytes(4).toString('hex')}`
  const origin = 'https://shop.example.com'
  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example.com' }
  let url: string
  let server: Server
  let cache: Keyv

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      WECHAT_API_BASE_URL: sandbox.emulator().apiBaseUrl,
      WECHAT_OAUTH_BASE_URL: sandbox.emulator().oauthBaseUrl,
      REDIS_URL,
      CACHE_NAMESPACE: namespace,
      SESSION_SECRETS: `${randomBytes(24).toString('hex')},${randomBytes(24).toString('hex')}`,
      ORDER_TEMPLATE_ID: 'TPL_ORDER_SHIPPED',
      PORT: '0',
    })
    let source = readmeCode('## A complete app')
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-app-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    const started = await importListening<{ cache: Keyv }>(`${source}\nexport { cache }\n`, file)
    ;({ server, url } = started)
    cache = started.exports.cache
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    await cache?.clear()
    await cache?.disconnect()
  })

  /** The session_key the app stored for `openid`, read from Redis as WeChat's client would know it. */
  const storedSessionKey = async (openid: string): Promise<string> => {
    const peek = new Keyv({ store: new KeyvRedis(REDIS_URL), namespace })
    try {
      for await (const [, value] of peek.iterator?.(namespace) ?? []) {
        const text = JSON.stringify(value)
        const key = /"sessionKey":"([^"]+)"/.exec(text)?.[1]
        if (key && text.includes(openid)) return key
      }
    } finally {
      await peek.disconnect()
    }
    throw new Error(`no session_key stored for ${openid}`)
  }

  const call = readmeCaller(() => url)

  it('signs a Mini Program in, reads the phone number and sends a message with the bearer token', async () => {
    const code = await sandbox
      .emulator()
      .control.mintCode({ kind: 'login', openid: `o_readme_${name.at(-1)}` })
    const login = await call('/wechat/mini/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    expect(login.status).toBe(200)
    const { openid, sessionToken } = await json(login)
    const auth = { Authorization: `Bearer ${sessionToken}` }

    expect(await json(await call('/api/profile', { headers: auth }))).toMatchObject({
      openid,
      source: 'mini',
    })
    const signedOut = await call('/api/profile')
    expect(signedOut.status).toBe(401)
    expect(await json(signedOut)).toEqual({ error: { code: 'unauthorized', message: 'Sign in first' } })

    const phoneCode = await sandbox.emulator().control.mintCode({ kind: 'phone', phoneNumber: '13700000000' })
    const phone = await call('/wechat/mini/phone', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: phoneCode }),
    })
    expect((await json(phone)).phoneNumber).toBe('13700000000')

    await sandbox.emulator().control.registerTemplate({ templateId: 'TPL_ORDER_SHIPPED', keys: ['thing1'] })
    await sandbox.emulator().control.subscribe({ openid, templateId: 'TPL_ORDER_SHIPPED' })
    const notify = await call('/api/notify', { method: 'POST', headers: auth })
    expect(notify.status).toBe(200)
    expect((await sandbox.emulator().control.messages()).some((message) => message.touser === openid)).toBe(
      true,
    )

    // No subscription left for a second send: WeChat refuses, and wechatErrorHandler() answers as the
    // routes do (502 upstream_error, reported to onError once), never a 500 with a stack trace.
    const errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const refused = await call('/api/notify', { method: 'POST', headers: auth })
    expect(refused.status).toBe(502)
    expect(await json(refused)).toEqual({
      error: { code: 'upstream_error', message: expect.stringMatching(/^WeChat answered with errcode \d+$/) },
    })
    expect(errorSpy).toHaveBeenCalledTimes(1)
    errorSpy.mockRestore()

    // Open data is decrypted with the session's own session_key (the test plays WeChat, which knows it).
    const sessionKey = await storedSessionKey(openid)
    const werun = { stepInfoList: [{ timestamp: 1_700_000_000, step: 4200 }] }
    const sealed = encryptOpenData(sessionKey, DEFAULT_APP.appId, werun)
    const decrypted = await call('/api/werun', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(sealed),
    })
    expect(await json(decrypted)).toMatchObject(werun)
    const foreign = encryptOpenData(sessionKey, 'wx0000000000000000', werun)
    const refusedData = await call('/api/werun', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(foreign),
    })
    expect(refusedData.status).toBe(400)
    expect((await json(refusedData)).error.code).toBe('invalid_request')

    expect((await call('/wechat/logout', { method: 'POST', headers: auth })).status).toBe(200)
    expect((await call('/wechat/me', { headers: auth })).status).toBe(401)
  })

  it('signs the shop’s pages for wx.config and nothing else', async () => {
    const page = `${origin}/item?id=1`
    const config = await call(`/wechat/jssdk/config?url=${encodeURIComponent(`${page}#top`)}`)
    expect(config.status).toBe(200)
    expect(await json(config)).toMatchObject({
      appId: DEFAULT_APP.appId,
      jsApiList: ['updateAppMessageShareData'],
    })
    expect((await call(`/wechat/jssdk/config?url=${encodeURIComponent(`${url}/`)}`)).status).toBe(403)
  })

  it('signs a browser in through H5 OAuth behind the proxy, runs onLogin and returns to the page', async () => {
    const jar = new CookieJar()
    const page = { ...forwarded, Accept: 'text/html,*/*;q=0.8' }
    const guarded = await call('/orders', { jar, headers: page })
    expect(guarded.status).toBe(302)
    expect(guarded.headers.get('location')).toBe('/wechat/oauth/login?returnTo=%2Forders')
    const login = await call(guarded.headers.get('location') as string, { jar, headers: forwarded })
    expect(login.status).toBe(302)
    const authorize = new URL(login.headers.get('location') as string)
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/wechat/oauth/callback`)
    expect(authorize.searchParams.get('scope')).toBe('snsapi_userinfo')
    const consent = await fetch(authorize, { redirect: 'manual' })
    const callback = new URL(consent.headers.get('location') as string)
    const done = await call(`${callback.pathname}${callback.search}`, { jar, headers: forwarded })
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/orders')
    // On https without a cookie domain the session cookie is a __Host- cookie, which no sibling subdomain
    // can plant.
    expect(done.headers.getSetCookie().join('\n')).toMatch(/__Host-wxkit\.sid=.*; Secure/i)

    const orders = await call('/orders', { jar, headers: page })
    expect(orders.status).toBe(200)
    expect(await orders.text()).toMatch(/^Orders of o/)
    // The Mini Program route is not for an H5 session.
    const notify = await call('/api/notify', { method: 'POST', jar, headers: forwarded })
    expect(notify.status).toBe(401)
    expect((await json(notify)).error.code).toBe('unauthorized')

    const profile = await json(await call('/api/profile', { jar, headers: forwarded }))
    expect(profile).toMatchObject({ source: 'oauth', nickname: expect.any(String) })
    expect(profile.nickname).toBe(
      (await json(await call('/wechat/me', { jar, headers: forwarded }))).nickname,
    )
  })

  it('keeps sessions in Redis, where a second instance on the same store finds them', async () => {
    const code = await sandbox.emulator().control.mintCode({ kind: 'login', openid: 'o_readme_shared' })
    const login = await call('/wechat/mini/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    const { sessionToken } = await json(login)
    const peek = new Keyv({ store: new KeyvRedis(REDIS_URL), namespace })
    try {
      const keys: string[] = []
      for await (const [key] of peek.iterator?.(namespace) ?? []) keys.push(String(key))
      expect(keys.some((key) => key.includes('wxkit:express:session:'))).toBe(true)
      expect(keys.join('\n')).not.toContain(sessionToken.split('.')[0])
    } finally {
      await peek.disconnect()
    }
  })
})
