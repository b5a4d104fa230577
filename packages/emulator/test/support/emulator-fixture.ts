import { afterEach } from 'vitest'
import { DEFAULT_APP, type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/index.js'

/** A fixed base time (2025-01-01 08:00 Beijing), so daily quotas never straddle midnight mid-test. */
export const FIXED_NOW = Date.UTC(2025, 0, 1, 0, 0, 0)

const running: RunningEmulator[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()))
})

/** Start an emulator on port 0 that the current test closes afterwards. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const started = await startEmulator({ port: 0, clock: { now: () => FIXED_NOW }, ...options })
  running.push(started)
  return started
}

/** `fetch` the emulator and parse the JSON answer. */
export async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init)
  return (await response.json()) as Record<string, unknown>
}

/** POST `body` (JSON-encoded unless it is already a string) and parse the JSON answer. */
export async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  return getJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** A classic token for `app` from `/cgi-bin/token`. */
export async function classicToken(
  base: RunningEmulator,
  app: { appId: string; appSecret: string } = DEFAULT_APP,
): Promise<string> {
  const body = await getJson(
    `${base.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`,
  )
  if (typeof body.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`)
  return body.access_token
}

/** A stable token for `app` from `/cgi-bin/stable_token`. */
export async function stableToken(
  base: RunningEmulator,
  forceRefresh = false,
  app: { appId: string; appSecret: string } = DEFAULT_APP,
): Promise<Record<string, unknown>> {
  return postJson(`${base.apiBaseUrl}/cgi-bin/stable_token`, {
    grant_type: 'client_credential',
    appid: app.appId,
    secret: app.appSecret,
    force_refresh: forceRefresh,
  })
}

/** The errcode `token` gets from `getticket` (0 when it works). */
export async function tokenErrcode(base: RunningEmulator, token: string): Promise<number> {
  const body = await getJson(`${base.apiBaseUrl}/cgi-bin/ticket/getticket?type=jsapi&access_token=${token}`)
  return body.errcode as number
}

/** Asserts the errmsg carries a WeChat-shaped rid. */
export const RID = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/
