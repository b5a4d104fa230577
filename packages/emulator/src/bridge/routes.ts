import { Hono } from 'hono'

/** What the bridge routes need from the emulator's state. */
export interface BridgeDeps {
  /** Whether `appId` belongs to an app the emulator knows. */
  hasApp(appId: string): boolean
  /** The jsapi tickets that are live right now for `appId` (empty when unknown). */
  liveJsApiTickets(appId: string): string[]
}

/**
 * Routes mounted under `/__wxkit`: `GET /bridge.js` (the WeixinJSBridge stand-in) and
 * `POST /jssdk/verify` (checks a `wx.config` signature the way WeChat does).
 *
 * Placeholder: the bridge work replaces this file.
 */
export function createBridgeRoutes(_deps: BridgeDeps): Hono {
  return new Hono()
}
