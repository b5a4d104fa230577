import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { afterEach } from 'vitest'
import { type WechatMiddlewareOptions, wechat } from '../../src/index.js'
import { CookieJar } from './cookie-jar.js'
import type { ExpressVersion } from './express-versions.js'

/** A running Express app with the middleware mounted, listening on a free port. */
export interface TestApp {
  url: string
  app: Express
  /** fetch against the app with a cookie jar; never follows redirects. */
  request(path: string, init?: TestRequestInit): Promise<Response>
  close(): Promise<void>
}

/** fetch options plus a cookie jar and a JSON body shortcut. */
export interface TestRequestInit extends RequestInit {
  jar?: CookieJar
  json?: unknown
}

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef-wxkit'

/**
 * Starts `express()` of the given major with `wechat(options)` mounted (at `mountPath` if given), plus a
 * `/whoami` route that echoes `req.wechatUser` and whether `req.wechat` is set.
 */
export async function startApp(
  version: ExpressVersion,
  options: WechatMiddlewareOptions,
  configure?: { mountPath?: string; trustProxy?: boolean | string; before?: (app: Express) => void },
): Promise<TestApp> {
  const app = version.express()
  if (configure?.trustProxy !== undefined) app.set('trust proxy', configure.trustProxy)
  configure?.before?.(app)
  if (configure?.mountPath) app.use(configure.mountPath, wechat(options))
  else app.use(wechat(options))
  app.get('/whoami', (req, res) => {
    res.json({ user: req.wechatUser ?? null, hasClient: typeof req.wechat?.getJsSdkConfig === 'function' })
  })
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    app,
    async request(path, init = {}) {
      const { jar, json, ...rest } = init
      const headers = new Headers(rest.headers)
      if (jar?.header()) headers.set('Cookie', jar.header())
      let body = rest.body
      if (json !== undefined) {
        headers.set('Content-Type', 'application/json')
        body = JSON.stringify(json)
      }
      const response = await fetch(`${url}${path}`, { ...rest, headers, body, redirect: 'manual' })
      jar?.store(response)
      return response
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

export { CookieJar }

/**
 * `startApp` for one `describe` block: every app it starts is closed after each test (register in the
 * block: it calls `afterEach`).
 */
export function appsClosedAfterEach(): (...args: Parameters<typeof startApp>) => Promise<TestApp> {
  const apps: TestApp[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })
  return async (...args) => {
    const app = await startApp(...args)
    apps.push(app)
    return app
  }
}

/** A decoded JSON answer, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields.
export type Json = Record<string, any>

/** The response body as JSON. */
export async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json
}
