import { fetchJsSdkConfig, type JsSdkConfig } from '@wxkit/express/client'
import { JS_API_LIST } from '../shared/js-api-list.js'
import { wx } from './wx.js'

/** How one `wx.config` ended. */
export type ConfigOutcome =
  | { status: 'ready' }
  | { status: 'error'; message: string }
  | { status: 'not-wechat' }

/** How long WeChat may take to verify a signature before the page gives up. */
const VERIFY_TIMEOUT_MS = 15_000
/**
 * After the first `wx.config`, jweixin never resets its state, so `wx.ready` runs at once — before the new
 * verification finishes — and only a failure is ever reported (through `wx.error`). A re-signed page is
 * therefore called ready once this long has passed without `wx.error`; a later `wx.error` still turns the
 * status to error through `onLateError`.
 */
const RESIGN_SETTLE_MS = 1_500

let configuredOnce = false
let generation = 0

/** Whether jweixin will talk to a WeChat client here (it tests the same thing; the emulator's bridge sets it). */
export function inWechat(userAgent: string = navigator.userAgent): boolean {
  return userAgent.toLowerCase().includes('micromessenger')
}

/**
 * Signs the URL WeChat checks (`jssdkSignUrl()` of `@wxkit/express/client`) on the server and runs `wx.config` with it, minding jweixin's quirks: it runs the `wx.ready`
 * callbacks even after a failed verification (right after `wx.error`), so "ready" means `wx.ready` without
 * `wx.error`; outside WeChat it calls neither, so that case is answered before calling it.
 *
 * `onLateError` receives a `wx.error` that arrives after this call settled (see {@link RESIGN_SETTLE_MS}),
 * as long as no newer `configureWx` has started. `isCurrent()` on the result tells whether a newer call
 * superseded this one.
 */
export async function configureWx(
  onLateError: (message: string) => void,
): Promise<ConfigOutcome & { isCurrent(): boolean }> {
  const mine = ++generation
  const isCurrent = () => mine === generation
  if (!inWechat()) return { status: 'not-wechat', isCurrent }

  let config: JsSdkConfig
  try {
    config = await fetchJsSdkConfig('/wechat', { cache: 'no-store' })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { status: 'error', message: `The server refused to sign this page: ${reason}`, isCurrent }
  }

  const outcome = await new Promise<ConfigOutcome>((resolve) => {
    let failure: string | undefined
    let settled = false
    const settle = (result: ConfigOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timeout)
      resolve(result)
    }
    const timeout = setTimeout(
      () => settle({ status: 'error', message: 'WeChat did not answer wx.config in time' }),
      VERIFY_TIMEOUT_MS,
    )

    // One failure handler at a time: jweixin keeps the last one registered.
    wx.error((res: { errMsg?: string }) => {
      if (!isCurrent()) return
      failure = res.errMsg ?? 'config:fail'
      if (settled) onLateError(failure)
      else settle({ status: 'error', message: failure })
    })
    wx.config({
      debug: false,
      appId: config.appId,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      // jweixin rewrites this array in place (public names to bridge names): give it a copy.
      jsApiList: [...JS_API_LIST],
    })
    if (!configuredOnce) {
      configuredOnce = true
      wx.ready(() => {
        if (failure === undefined) settle({ status: 'ready' })
      })
    } else {
      setTimeout(() => {
        if (failure === undefined) settle({ status: 'ready' })
      }, RESIGN_SETTLE_MS)
    }
  })
  return { ...outcome, isCurrent }
}
