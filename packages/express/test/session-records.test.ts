// What a session id presented to the middleware is checked against (found by `pnpm mutate` on
// session-manager.ts): the record the store holds under it must be a session, and the bearer header must
// be exactly `Bearer <token>`. Each request is real HTTP against Express 5 and 4.
import { createHash, randomBytes } from 'node:crypto'
import type { RunningEmulator } from '@wxkit/emulator'
import { sign } from 'cookie-signature'
import Keyv from 'keyv'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SESSION_SECRET, startApp, type TestApp } from './support/app-harness.js'
import { emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

/** A fresh session id, its signed token, and the store key the middleware keeps its record under. */
function session() {
  const id = randomBytes(32).toString('base64url')
  const key = `wxkit:express:session:${createHash('sha256').update(id).digest('hex')}`
  return { id, key, token: sign(id, SESSION_SECRET) }
}

describe.each(EXPRESS_VERSIONS)('session records and bearer headers on $name', (version) => {
  let app: TestApp
  let store: Keyv
  beforeEach(async () => {
    store = new Keyv()
    app = await startApp(version, {
      config: emulatorConfig(emulator),
      session: { secret: SESSION_SECRET, store },
    })
  })
  afterEach(() => app.close())

  const me = (headers: Record<string, string>) => app.request('/wechat/me', { headers })
  const cookie = (token: string) => ({ Cookie: `wxkit.sid=${encodeURIComponent(token)}` })
  const user = { openid: 'o_record', source: 'mini' }

  it('a session record as the middleware stores it is a session (so the refusals below are the checks)', async () => {
    for (const source of ['mini', 'oauth']) {
      const { key, token } = session()
      await store.set(key, { user: { ...user, source }, createdAt: Date.now() })
      expect((await me(cookie(token))).status, source).toBe(200)
    }
  })

  it('anything else under a valid id is no session: 401', async () => {
    for (const record of [
      'text',
      null,
      { createdAt: Date.now() },
      { user: null },
      { user: 'o_record' },
      { user: { source: 'mini' } },
      { user: { openid: 7, source: 'mini' } },
      { user: { openid: 'o_record' } },
      { user: { openid: 'o_record', source: 'other' } },
    ]) {
      const { key, token } = session()
      await store.set(key, record)
      expect((await me(cookie(token))).status, JSON.stringify(record)).toBe(401)
    }
  })

  it('the bearer header is exactly Bearer, one or more spaces and the token, nothing before or after it', async () => {
    const { key, token } = session()
    await store.set(key, { user, createdAt: Date.now() })
    for (const header of [`Bearer ${token}`, `bearer  ${token}`, `Bearer ${token} `])
      expect((await me({ Authorization: header })).status, header).toBe(200)
    for (const header of [`xBearer ${token}`, `Bearer ${token} x`, `Bearer ${token},x`, `Bearer${token}`])
      expect((await me({ Authorization: header })).status, header).toBe(401)
  })
})
