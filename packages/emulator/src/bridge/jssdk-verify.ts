import { isValidJsApiSignature, stripFragment } from './jsapi-signature.js'
import type { BridgeDeps } from './routes.js'

/** The body of `POST /__wxkit/jssdk/verify`: the `wx.config` values plus the page URL. */
export interface JsSdkVerifyRequest {
  appId: string
  /** The page URL; its fragment is ignored. */
  url: string
  /** Unix seconds, compared as the string jweixin sends (`String(cfg.timestamp)`). */
  timestamp: string | number
  nonceStr: string
  /** 40 lowercase hex characters. */
  signature: string
}

/** The answer of `POST /__wxkit/jssdk/verify`. */
export type JsSdkVerifyResult =
  | { ok: true }
  | {
      ok: false
      /** What `wx.error` receives, e.g. `config:invalid signature` or `config:invalid appid`. */
      errMsg: string
      /** The URL that was checked (the given one without its fragment), like newer WeChat clients report. */
      realAuthUrl?: string
    }

/**
 * Checks a `wx.config` signature the way WeChat does: sha1 over
 * `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` with the page URL cut at `#`, against every jsapi_ticket
 * that is live for `appId` right now. An appId the emulator does not know fails with `config:invalid appid`.
 */
export function verifyJsSdkConfig(
  deps: BridgeDeps,
  request: Partial<Record<keyof JsSdkVerifyRequest, unknown>>,
) {
  const realAuthUrl = typeof request.url === 'string' ? stripFragment(request.url) : undefined
  const failure = (errMsg: string): JsSdkVerifyResult =>
    realAuthUrl === undefined ? { ok: false, errMsg } : { ok: false, errMsg, realAuthUrl }

  const { appId, nonceStr, signature } = request
  if (typeof appId !== 'string' || appId === '' || !deps.hasApp(appId)) return failure('config:invalid appid')
  const timestamp =
    typeof request.timestamp === 'number' && Number.isFinite(request.timestamp)
      ? String(request.timestamp)
      : request.timestamp
  if (
    realAuthUrl === undefined ||
    typeof timestamp !== 'string' ||
    typeof nonceStr !== 'string' ||
    typeof signature !== 'string'
  ) {
    return failure('config:invalid signature')
  }
  const valid = isValidJsApiSignature(
    signature,
    { url: realAuthUrl, timestamp, nonceStr },
    deps.liveJsApiTickets(appId),
  )
  return valid ? ({ ok: true } satisfies JsSdkVerifyResult) : failure('config:invalid signature')
}
