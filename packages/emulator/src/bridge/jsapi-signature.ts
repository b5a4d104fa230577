import { createHash, timingSafeEqual } from 'node:crypto'

// Written apart from @wxkit/core's signer on purpose: the emulator is the independent check of the client,
// and a shared implementation would make a signing bug pass both sides.

/** The four values WeChat signs for `wx.config`, named as `wx.config` names them. */
export interface JsApiSignatureInput {
  /** A live jsapi_ticket of the app. */
  jsapiTicket: string
  /** `nonceStr` from `wx.config` (signed under the key `noncestr`). */
  nonceStr: string
  /** `timestamp` from `wx.config`, as the string jweixin sends (`String(cfg.timestamp)`). */
  timestamp: string
  /** The page URL; anything from `#` on is dropped before signing. */
  url: string
}

/** The page URL as WeChat signs it: everything before the first `#`, otherwise untouched (no decoding). */
export function stripFragment(url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}

/**
 * The string WeChat hashes: `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, keys in ASCII order, values
 * raw (no URL encoding), the URL without its fragment.
 */
export function jsApiSignatureBase(input: JsApiSignatureInput): string {
  return (
    `jsapi_ticket=${input.jsapiTicket}&noncestr=${input.nonceStr}` +
    `&timestamp=${input.timestamp}&url=${stripFragment(input.url)}`
  )
}

/**
 * The JS-SDK signature: lowercase hex SHA-1 of the UTF-8 {@link jsApiSignatureBase} string.
 *
 * @example
 * jsApiSignature({ jsapiTicket, nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: '1414587457', url: 'http://mp.weixin.qq.com?params=value' })
 * // '0f9de62fce790f9a083d5c99e95740ceb90c27ed' with the ticket from WeChat's documentation
 */
export function jsApiSignature(input: JsApiSignatureInput): string {
  return createHash('sha1').update(jsApiSignatureBase(input), 'utf8').digest('hex')
}

/**
 * Whether `signature` is what WeChat would compute for the other values with any of `tickets`.
 * The comparison is exact, as WeChat's is: uppercase hex, a millisecond timestamp or a URL that kept its
 * encoding differences all fail.
 */
export function isValidJsApiSignature(
  signature: string,
  values: Omit<JsApiSignatureInput, 'jsapiTicket'>,
  tickets: readonly string[],
): boolean {
  const given = Buffer.from(signature, 'utf8')
  let valid = false
  for (const jsapiTicket of tickets) {
    const expected = Buffer.from(jsApiSignature({ ...values, jsapiTicket }), 'utf8')
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true
  }
  return valid
}
