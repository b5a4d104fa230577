import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, json, SESSION_SECRET } from './support/app-harness.js'
import { DEFAULT_APP } from './support/emulator.js'
import { importListening, readmeCaller, readmeCode, readmeSandbox } from './support/readme-code.js'

const sandbox = readmeSandbox('.generated-pieces')
const HTML = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

// The README's "Mount the pieces yourself" app, run as written against the emulator; only the import is
// swapped for Express 4.
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the README’s app of mounted pieces on $name', ({ name, module }) => {
  let url: string
  let server: Server

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      WECHAT_API_BASE_URL: sandbox.emulator().apiBaseUrl,
      WECHAT_OAUTH_BASE_URL: sandbox.emulator().oauthBaseUrl,
      SESSION_SECRET,
      PORT: '0',
    })
    let source = readmeCode('## Mount the pieces yourself')
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-pieces-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    ;({ server, url } = await importListening(source, file))
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  const call = readmeCaller(() => url)

  it('answers each feature on its own path, and signs pages of its own origin', async () => {
    const code = await sandbox
      .emulator()
      .control.mintCode({ kind: 'login', openid: `o_pieces_${name.at(-1)}` })
    const login = await call('/api/mp/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    expect(login.status).toBe(200)
    const { sessionToken } = await json(login)
    const me = await call('/api/account/me', { headers: { Authorization: `Bearer ${sessionToken}` } })
    expect((await json(me)).openid).toBe(`o_pieces_${name.at(-1)}`)
    expect((await call(`/api/jssdk/config?url=${encodeURIComponent(`${url}/page`)}`)).status).toBe(200)
    expect((await call('/wechat/me')).status).toBe(404)
  })

  it('sends a signed-out browser through the OAuth login at its own path and back to /account', async () => {
    const jar = new CookieJar()
    const page = await call('/account', { jar, headers: HTML })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/auth/wechat/login?returnTo=%2Faccount')
    const login = await call(page.headers.get('location') as string, { jar })
    const authorize = new URL(login.headers.get('location') as string)
    expect(new URL(authorize.searchParams.get('redirect_uri') as string).pathname).toBe(
      '/auth/wechat/callback',
    )
    const consent = await fetch(authorize, { redirect: 'manual' })
    const callback = new URL(consent.headers.get('location') as string)
    const done = await call(`${callback.pathname}${callback.search}`, { jar })
    expect(done.headers.get('location')).toBe('/account')
    const account = await call('/account', { jar, headers: HTML })
    expect(account.status).toBe(200)
    expect(await account.text()).toMatch(/^o\S+ until \d{4}-\d\d-\d\dT/)
  })

  it('regenerates the session (the old cookie ends) and destroys it', async () => {
    const jar = new CookieJar()
    const code = await sandbox.emulator().control.mintCode({ kind: 'login', openid: 'o_pieces_rights' })
    await call('/api/mp/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      jar,
    })
    const before = new CookieJar()
    before.set('wxkit.sid', jar.get('wxkit.sid') as string)
    const elevated = await call('/api/account/elevate', { method: 'POST', jar })
    expect((await json(elevated)).sessionToken).toEqual(expect.any(String))
    expect((await call('/api/account/me', { jar: before })).status).toBe(401)
    expect((await json(await call('/api/account/me', { jar }))).openid).toBe('o_pieces_rights')

    const last = new CookieJar()
    last.set('wxkit.sid', jar.get('wxkit.sid') as string)
    expect(await json(await call('/api/account/close', { method: 'POST', jar }))).toEqual({ ok: true })
    const closed = await call('/api/account/close', { method: 'POST', jar: last })
    expect(closed.status).toBe(401)
    expect((await json(closed)).error.code).toBe('unauthorized')
  })
})
