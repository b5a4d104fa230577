// What the OAuth callback accepts in a state cookie that carries a valid signature (found by `pnpm mutate`):
// a cookie signed with the app's secret but holding a start time, returnTo or payload the middleware never
// writes (an older version's, or one built by someone who learnt the secret) is refused, never trusted.
import { randomBytes } from 'node:crypto'
import type { RunningEmulator } from '@wxkit/emulator'
import { sign } from 'cookie-signature'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { OAUTH_STATE_TTL_MS } from '../src/oauth/oauth-state.js'
import { CookieJar, json, SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())

/** A state cookie as the middleware writes one, with `payload` (JSON or raw text) in it, signed. */
function stateCookie(state: string, payload: unknown, tail = '', head = ''): string {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return encodeURIComponent(
    sign(`${state}.${head}${Buffer.from(text).toString('base64url')}${tail}`, SESSION_SECRET),
  )
}

describe.each(EXPRESS_VERSIONS)('signed state cookies on $name', (version) => {
  let app: TestApp
  beforeEach(async () => {
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      oauth: { defaultReturnTo: '/home' },
      session: { secret: SESSION_SECRET },
    })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await app.close()
  })

  /** The callback's answer for a fresh code, `state` in the query and `cookie` as the state cookie. */
  async function callback(state: string, cookie: string, queryState = state): Promise<Response> {
    const code = await emulator.control.mintCode({ kind: 'oauth', scope: 'snsapi_base' })
    const jar = new CookieJar()
    jar.set('wxkit.sid.state', cookie)
    return app.request(`/wechat/oauth/callback?code=${code}&state=${queryState}`, { jar })
  }
  const login = (createdAt: unknown, returnTo: unknown = '/next') => ({
    returnTo,
    scope: 'snsapi_base',
    createdAt,
  })

  async function refused(response: Response): Promise<void> {
    expect(response.status).toBe(403)
    expect(((await json(response)) as { error: { code: string } }).error.code).toBe('invalid_state')
  }

  it('a cookie as the middleware writes it logs in and returns to its returnTo (so the refusals below are the checks)', async () => {
    const state = randomBytes(24).toString('hex')
    const response = await callback(state, stateCookie(state, login(Date.now() - 1000)))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/next')
  })

  it('a login started in the future, more than 10 minutes ago, or at no readable time', async () => {
    for (const createdAt of [
      Date.now() + 60_000,
      Date.now() - OAUTH_STATE_TTL_MS - 1000,
      'soon',
      undefined,
    ]) {
      const state = randomBytes(24).toString('hex')
      await refused(await callback(state, stateCookie(state, login(createdAt))))
    }
  })

  it('a returnTo that is not a string', async () => {
    for (const returnTo of [7, null, ['/next']]) {
      const state = randomBytes(24).toString('hex')
      await refused(await callback(state, stateCookie(state, login(Date.now() - 1000, returnTo))))
    }
  })

  it('a payload that is not base64url JSON, even one base64 decoding would skip past', async () => {
    const state = randomBytes(24).toString('hex')
    await refused(await callback(state, stateCookie(state, 'not json')))
    // Node's decoder ignores characters outside the alphabet: only the pattern refuses these.
    for (const tail of ['*', '.x', '=']) {
      const fresh = randomBytes(24).toString('hex')
      await refused(await callback(fresh, stateCookie(fresh, login(Date.now() - 1000), tail)))
    }
    // ...and at the start: the pattern is anchored at both ends.
    for (const head of ['*', '.', '=']) {
      const fresh = randomBytes(24).toString('hex')
      await refused(await callback(fresh, stateCookie(fresh, login(Date.now() - 1000), '', head)))
    }
  })

  it('a login is good from the millisecond it started until just before 10 minutes, not at 10 minutes', async () => {
    // The clock is frozen (Date only; timers and sockets stay real) so the age is exact.
    const now = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now })
    for (const [age, accepted] of [
      [0, true],
      [OAUTH_STATE_TTL_MS - 1, true],
      [OAUTH_STATE_TTL_MS, false],
      [-1, false],
    ] as const) {
      const state = randomBytes(24).toString('hex')
      const response = await callback(state, stateCookie(state, login(now - age)))
      if (accepted) expect(response.status, `age ${age} ms`).toBe(302)
      else await refused(response)
    }
  })

  it('a refusal keeps the state cookie for what is left of the 10 minutes, at least 1 s', async () => {
    const now = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now })
    for (const [age, maxAge] of [
      [4 * 60_000, 360],
      [OAUTH_STATE_TTL_MS - 500, 1],
    ] as const) {
      const state = randomBytes(24).toString('hex')
      const jar = new CookieJar()
      jar.set('wxkit.sid.state', stateCookie(state, login(now - age)))
      const response = await app.request(`/wechat/oauth/callback?state=${state}`, { jar })
      expect(response.status).toBe(302)
      const written = response.headers.getSetCookie().filter((line) => line.startsWith('wxkit.sid.state='))
      expect(written, `age ${age} ms`).toHaveLength(1)
      expect(written[0]).toMatch(new RegExp(`; Max-Age=${maxAge}(;|$)`))
    }
  })

  it('logout clears a state cookie the request carries, and writes none when it carries none', async () => {
    const state = randomBytes(24).toString('hex')
    const jar = new CookieJar()
    jar.set('wxkit.sid.state', stateCookie(state, login(Date.now() - 1000)))
    const carried = await app.request('/wechat/logout', { method: 'POST', jar })
    expect(carried.status).toBe(200)
    expect(carried.headers.getSetCookie().join('\n')).toMatch(/(^|\n)wxkit\.sid\.state=; .*Max-Age=0/i)
    expect(jar.get('wxkit.sid.state')).toBeUndefined()
    const none = await app.request('/wechat/logout', { method: 'POST' })
    expect(none.status).toBe(200)
    expect(none.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid\.state=/)
  })

  it('a state in the query that is not exactly 48 lower-case hex digits, though the cookie binds its first 48', async () => {
    const state = randomBytes(24).toString('hex')
    const cookie = stateCookie(state, login(Date.now() - 1000))
    for (const query of [`${state}0`, `x${state}`, state.toUpperCase(), state.slice(0, 47)])
      await refused(await callback(state, cookie, query))
  })

  it('a cookie whose signed value binds a state of another length', async () => {
    const state = randomBytes(24).toString('hex')
    const longer = `${state}ab`
    await refused(await callback(state, stateCookie(longer, login(Date.now() - 1000))))
    await refused(await callback(state, stateCookie(state.slice(0, 40), login(Date.now() - 1000))))
  })
})
