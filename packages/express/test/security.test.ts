import type { RunningEmulator } from '@wxkit/emulator'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { appsClosedAfterEach, CookieJar, json, SESSION_SECRET } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import { approveAtWechat, startOauthLogin } from './support/oauth-flow.js'

// Each finding of the attack on a running app (issue 10) has its regression test here, named for it.

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } })

describe.each(EXPRESS_VERSIONS)('security findings on $name', (version) => {
  const start = appsClosedAfterEach()
  const oauthApp = () =>
    start(version, { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } })

  describe('finding 1: a used OAuth code is no bearer credential', () => {
    it('finding 1: a victim’s used code with the attacker’s own state signs the attacker in as nobody', async () => {
      const app = await oauthApp()
      const victim = new CookieJar()
      const { callbackPath, code } = await approveAtWechat(await startOauthLogin(app, victim))
      expect((await app.request(callbackPath, { jar: victim })).status).toBe(302)
      const victimId = (await json(await app.request('/wechat/me', { jar: victim }))).openid
      expect(typeof victimId).toBe('string')

      const attacker = new CookieJar()
      const own = await startOauthLogin(app, attacker)
      const stolen = await app.request(`/wechat/oauth/callback?code=${code}&state=${own.state}`, {
        jar: attacker,
      })
      expect(stolen.status).toBe(401)
      expect(await json(stolen)).toEqual(errorBody('code_used'))
      expect(stolen.headers.getSetCookie().join('\n')).not.toMatch(/wxkit\.sid=[^;]/)
      expect((await app.request('/wechat/me', { jar: attacker })).status).toBe(401)
      // The victim's browser still gets the duplicate-callback convenience.
      expect((await app.request(callbackPath, { jar: victim })).status).toBe(302)
    })

    it('finding 1: the callback URL from the history does not sign in again after logout', async () => {
      const app = await oauthApp()
      const jar = new CookieJar()
      const { callbackPath } = await approveAtWechat(await startOauthLogin(app, jar))
      expect((await app.request(callbackPath, { jar })).status).toBe(302)
      const copiedCookies = jar.clone()
      expect((await app.request('/wechat/logout', { method: 'POST', jar })).status).toBe(200)

      const replay = await app.request(callbackPath, { jar })
      expect(replay.status).toBeGreaterThanOrEqual(400)
      expect((await app.request('/wechat/me', { jar })).status).toBe(401)
      // Not even with the state cookie kept from before the logout (a copied cookie jar).
      copiedCookies.delete('wxkit.sid')
      const kept = await app.request(callbackPath, { jar: copiedCookies })
      expect(kept.status).toBeGreaterThanOrEqual(400)
      expect((await app.request('/wechat/me', { jar: copiedCookies })).status).toBe(401)
    })
  })
})
