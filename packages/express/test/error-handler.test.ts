import { WechatValidationError } from '@wxkit/core'
import type { RunningEmulator } from '@wxkit/emulator'
import type { NextFunction, Request, Response } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WechatRouteError, type WechatRouteErrorCode, wechatErrorHandler } from '../src/index.js'
import { appsClosedAfterEach, json, SESSION_SECRET, type TestApp } from './support/app-harness.js'
import { DEFAULT_APP, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

type InjectedFault = Parameters<RunningEmulator['control']['injectFault']>[0]['fault']

const SEND_PATH = '/cgi-bin/message/subscribe/send'

/** An app route that sends a subscribe message and hands whatever it throws to `next` (Express 4 style). */
function sendRoute(req: Request, res: Response, next: NextFunction): void {
  req.wechat
    .sendMessage({ touser: 'o_handler', template_id: 'TPL_HANDLER', data: { thing1: { value: 'hi' } } })
    .then(() => res.json({ ok: true }), next)
}

describe.each(EXPRESS_VERSIONS)('wechatErrorHandler() on $name', (version) => {
  const start = appsClosedAfterEach()

  /** The app: `wechat()`, the test's own routes, the handler, then a last handler for what it passes on. */
  async function appWith(
    routes: (app: TestApp['app']) => void,
    extra: {
      onError?: (error: unknown) => void
      handlerOnError?: (error: unknown) => void
      timeout?: number
    } = {},
  ): Promise<{ app: TestApp; passedOn: unknown[] }> {
    const passedOn: unknown[] = []
    const app = await start(version, {
      config: emulatorConfig(emulator, { timeout: extra.timeout ?? 5000 }),
      session: { secret: SESSION_SECRET },
      ...(extra.onError ? { onError: extra.onError } : {}),
    })
    routes(app.app)
    app.app.use(wechatErrorHandler(extra.handlerOnError ? { onError: extra.handlerOnError } : {}))
    app.app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      passedOn.push(error)
      if (res.headersSent) res.end()
      else res.status(500).json({ passedOn: true })
    })
    return { app, passedOn }
  }

  it.each<[string, number, WechatRouteErrorCode, InjectedFault]>([
    ['WeChat 45009 (quota)', 429, 'rate_limited', { kind: 'errcode', errcode: 45009 }],
    ['WeChat -1 (system busy)', 502, 'upstream_error', { kind: 'errcode', errcode: -1 }],
    ['an HTTP 503 from WeChat', 502, 'upstream_error', { kind: 'http', status: 503 }],
    ['WeChat not answering in time', 504, 'upstream_timeout', { kind: 'delay', ms: 1500 }],
  ])('answers %s in an app route as the routes do: %i %s', async (_case, status, code, fault) => {
    const { app, passedOn } = await appWith((app) => app.post('/api/send', sendRoute), {
      timeout: fault.kind === 'delay' ? 500 : 5000,
    })
    await app.request('/api/send', { method: 'POST' }) // the token is fetched (and the first send refused)
    await emulator.control.injectFault({ path: SEND_PATH, times: 1, fault })
    const response = await app.request('/api/send', { method: 'POST' })
    const text = await response.text()
    expect(response.status).toBe(status)
    expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(passedOn).toEqual([])
    for (const { token } of await emulator.control.tokens()) expect(text).not.toContain(token)
    expect(text).not.toContain(DEFAULT_APP.appSecret)
    expect(text).not.toMatch(/access_token|\n\s+at /)
  })

  it('answers the errcode WeChat itself sends (43101, not subscribed) with 502, never a 500', async () => {
    const { app } = await appWith((app) => app.post('/api/send', sendRoute))
    const response = await app.request('/api/send', { method: 'POST' })
    expect(response.status).toBe(502)
    expect(await json(response)).toEqual({
      error: { code: 'upstream_error', message: expect.stringMatching(/^WeChat answered with errcode \d+$/) },
    })
  })

  it('answers a WechatRouteError and a core validation error thrown by the app with their codes', async () => {
    const { app } = await appWith((app) => {
      app.get('/api/route-error', (_req, _res, next) =>
        next(new WechatRouteError('url_not_allowed', 'Not here')),
      )
      app.get('/api/validation', (_req, _res, next) => next(new WechatValidationError('scene', 'secret-ish')))
    })
    const routeError = await app.request('/api/route-error')
    expect(routeError.status).toBe(403)
    expect(await json(routeError)).toEqual({ error: { code: 'url_not_allowed', message: 'Not here' } })
    const validation = await app.request('/api/validation')
    expect(validation.status).toBe(400)
    expect(await json(validation)).toEqual({ error: { code: 'invalid_request', message: 'Invalid scene' } })
  })

  it('passes an error that is not wxkit’s on to the next handler untouched', async () => {
    const own = new Error('the app’s own failure')
    const { app, passedOn } = await appWith((app) => {
      app.get('/api/own', (_req, _res, next) => next(own))
    })
    const response = await app.request('/api/own')
    expect(await json(response)).toEqual({ passedOn: true })
    expect(passedOn).toEqual([own])
  })

  it('reports 5xx answers to the context’s onError, or to its own onError when given', async () => {
    const fromContext: unknown[] = []
    const first = await appWith((app) => app.post('/api/send', sendRoute), {
      onError: (error) => fromContext.push(error),
    })
    await emulator.control.injectFault({ path: SEND_PATH, times: 1, fault: { kind: 'errcode', errcode: -1 } })
    expect((await first.app.request('/api/send', { method: 'POST' })).status).toBe(502)
    expect(fromContext).toEqual([expect.objectContaining({ name: 'WechatError', errcode: -1 })])

    // A 4xx is the client's business: not reported.
    await first.app.request('/api/send', { method: 'POST' }) // 43101 → 502, reported
    await emulator.control.injectFault({
      path: SEND_PATH,
      times: 1,
      fault: { kind: 'errcode', errcode: 45009 },
    })
    expect((await first.app.request('/api/send', { method: 'POST' })).status).toBe(429)
    expect(fromContext).toHaveLength(2)

    const fromHandler: unknown[] = []
    const second = await appWith((app) => app.post('/api/send', sendRoute), {
      onError: () => {
        throw new Error('the context’s onError is not used when the handler has its own')
      },
      handlerOnError: (error) => fromHandler.push(error),
    })
    expect((await second.app.request('/api/send', { method: 'POST' })).status).toBe(502)
    expect(fromHandler).toHaveLength(1)
  })

  it('leaves an error after the answer started to Express', async () => {
    const { app, passedOn } = await appWith((app) => {
      app.get('/api/late', (_req, res, next) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.write('partial')
        next(new WechatRouteError('upstream_error', 'late'))
      })
    })
    const response = await app.request('/api/late')
    expect(response.status).toBe(200)
    await response.text().catch(() => '')
    expect(passedOn).toHaveLength(1)
  })

  it('refuses options that are not an object, or an onError that is not a function', () => {
    // @ts-expect-error not an options object
    expect(() => wechatErrorHandler('log')).toThrow(/wechatErrorHandler\(options\)/)
    // @ts-expect-error not a function
    expect(() => wechatErrorHandler({ onError: 'console' })).toThrow(/"onError"/)
  })
})
