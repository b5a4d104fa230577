// What the OAuth callback accepts in a state cookie that carries a valid signature (found by `pnpm mutate`):
// a cookie signed with the app's secret but holding a start time, returnTo or payload the middleware never
// writes (an older version's, or one built by someone who learnt the secret) is refused, never trusted.
import { randomBytes } from 'node:crypto'
import type { RunningEmulator } from '@wxkit/emulator'
import { sign } from 'cookie-signature'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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
function stateCookie(state: string, payload: unknown, tail = ''): string {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return encodeURIComponent(
    sign(`${state}.${Buffer.from(text).toString('base64url')}${tail}`, SESSION_SECRET),
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
  afterEach(() => app.close())

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
