import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { type BridgePayDeps, requestBrandWcPay } from './brand-wcpay-request.js'
import { renderBridgeScript } from './bridge-script.js'
import { verifyJsSdkConfig } from './jssdk-verify.js'

/** What the bridge routes need from the emulator's state. */
export interface BridgeDeps extends BridgePayDeps {
  /** Whether `appId` belongs to an app the emulator knows. */
  hasApp(appId: string): boolean
  /** The jsapi tickets that are live right now for `appId` (empty when unknown). */
  liveJsApiTickets(appId: string): string[]
}

const NO_STORE = 'no-store, max-age=0'

/** The JSON object body of a bridge call, or undefined when the body is not one. */
async function objectBody(request: Request): Promise<Record<string, unknown> | undefined> {
  let body: unknown
  try {
    body = JSON.parse(await request.text())
  } catch {
    return undefined
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined
}

/**
 * Routes mounted under `/__wxkit`: `GET /bridge.js` (the WeixinJSBridge stand-in that lets the official
 * JS-SDK run in a desktop browser), `POST /jssdk/verify` (checks a `wx.config` signature the way WeChat
 * does) and `POST /pay/brand-wcpay-request` (the client's side of `wx.chooseWXPay`). All are CORS-open,
 * because the page under test lives on another origin than the emulator.
 */
export function createBridgeRoutes(deps: BridgeDeps): Hono {
  const app = new Hono()
  const openCors = cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 })
  app.use('/bridge.js', openCors)
  app.use('/jssdk/*', openCors)
  app.use('/pay/*', openCors)

  app.get('/bridge.js', (c) => {
    const requestUrl = new URL(c.req.url)
    // The script knows where it came from, so it can call back to the emulator however it is mounted.
    const base = requestUrl.pathname.slice(0, requestUrl.pathname.length - '/bridge.js'.length)
    const origin = `${requestUrl.origin}${base}`
    c.header('Content-Type', 'application/javascript; charset=utf-8')
    c.header('Cache-Control', NO_STORE)
    return c.body(
      renderBridgeScript({
        verifyUrl: `${origin}/jssdk/verify`,
        payUrl: `${origin}/pay/brand-wcpay-request`,
      }),
    )
  })

  app.post('/jssdk/verify', async (c) => {
    c.header('Cache-Control', NO_STORE)
    const body = await objectBody(c.req.raw)
    if (body === undefined) {
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

  app.post('/pay/brand-wcpay-request', async (c) => {
    c.header('Cache-Control', NO_STORE)
    const body = await objectBody(c.req.raw)
    if (body === undefined) {
      return c.json(
        {
          err_msg: 'get_brand_wcpay_request:fail',
          err_desc:
            'request body must be a JSON object: { appId, timeStamp, nonceStr, package, signType, paySign }',
        },
        400,
      )
    }
    return c.json(await requestBrandWcPay(deps, body))
  })

  return app
}
