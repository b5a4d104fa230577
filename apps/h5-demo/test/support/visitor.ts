import type { EmulatorControl } from '@wxkit/emulator'
import { expect } from 'vitest'

/**
 * A browser without a browser: keeps the demo's cookies and signs in through the demo's OAuth routes with
 * a code the emulator minted for `openid` (what WeChat's consent page hands back).
 */
export class Visitor {
  readonly #cookies = new Map<string, string>()

  constructor(readonly origin: string) {}

  /** `fetch` on the demo with this visitor's cookies, keeping what it sets. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await fetch(`${this.origin}${path}`, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? ''
      const eq = pair.indexOf('=')
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) this.#cookies.delete(pair.slice(0, eq))
      else this.#cookies.set(pair.slice(0, eq), value)
    }
    return response
  }

  /** Signs in as `openid` (login → WeChat's authorize step → the callback); resolves once `/wechat/me` says so. */
  async signIn(emulator: EmulatorControl, openid: string): Promise<void> {
    const login = await this.fetch('/wechat/oauth/login?returnTo=/')
    expect(login.status).toBe(302)
    const state = new URL(login.headers.get('location') ?? '').searchParams.get('state')
    const code = await emulator.mintCode({ kind: 'oauth', openid })
    const callback = await this.fetch(`/wechat/oauth/callback?code=${code}&state=${state}`)
    expect(callback.status).toBe(302)
    const me = await this.fetch('/wechat/me')
    expect(((await me.json()) as { openid?: string }).openid).toBe(openid)
  }
}
