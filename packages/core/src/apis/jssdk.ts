import { signJsSdk } from '../crypto/js-sdk-signature.js'
import { createNonce } from '../crypto/nonce.js'

/** What `wx.config` needs besides `jsApiList`. */
export interface JsSdkConfig {
  /** The AppID that owns the ticket. */
  appId: string
  /** Unix seconds (an integer), as signed. */
  timestamp: number
  /** 16 random `[A-Za-z0-9]` characters from the CSPRNG, as signed. */
  nonceStr: string
  /** 40 lowercase hex characters. */
  signature: string
}

/** Signs `url` (fragment removed) with `ticket`: one CSPRNG nonce and one sha1. */
export function createJsSdkConfig(appId: string, ticket: string, url: string, nowMs: number): JsSdkConfig {
  const nonceStr = createNonce(16)
  const timestamp = Math.floor(nowMs / 1000)
  return {
    appId,
    timestamp,
    nonceStr,
    signature: signJsSdk({ jsapi_ticket: ticket, noncestr: nonceStr, timestamp, url }),
  }
}
