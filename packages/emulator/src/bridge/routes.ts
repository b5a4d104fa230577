import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { renderBridgeScript } from './bridge-script.js'
import { verifyJsSdkConfig } from './jssdk-verify.js'

/** What the bridge routes need from the emulator's state. */
export interface BridgeDeps {
  /** Whether `appId` belongs to an app the emulator knows. */
  hasApp(appId: string): boolean
  /** The jsapi tickets that are live right now for `appId` (empty when unknown). */
  liveJsApiTickets(appId: string): string[]
}

const NO_STORE = 'no-store, max-age=0'

/**
 * Routes mounted under `/__wxkit`: `GET /bridge.js` (the WeixinJSBridge stand-in that lets the official
 * JS-SDK run in a desktop browser) and `POST /jssdk/verify` (checks a `wx.config` signature the way WeChat
 * does). Both are CORS-open, because the page under test lives on another origin than the emulator.
 */
export function createBridgeRoutes(deps: BridgeDeps): Hono {
  const app = new Hono()
  const openCors = cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 })
  app.use('/bridge.js', openCors)
  app.use('/jssdk/*', openCors)

  app.get('/bridge.js', (c) => {
    const requestUrl = new URL(c.req.url)
    // The script knows where it came from, so it can call back to the emulator however it is mounted.
    const base = requestUrl.pathname.slice(0, requestUrl.pathname.length - '/bridge.js'.length)
    const verifyUrl = `${requestUrl.origin}${base}/jssdk/verify`
    c.header('Content-Type', 'application/javascript; charset=utf-8')
    c.header('Cache-Control', NO_STORE)
    return c.body(renderBridgeScript({ verifyUrl }))
  })

  app.post('/jssdk/verify', async (c) => {
    c.header('Cache-Control', NO_STORE)
    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      body = undefined
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return c.json(
        {
          ok: false,
          errMsg: 'request body must be a JSON object: { appId, url, timestamp, nonceStr, signature }',
        },
        400,
      )
    }
    return c.json(verifyJsSdkConfig(deps, body))
  })

  return app
}
