import { WechatRouteError } from '../errors.js'

/** The longest page URL the JS-SDK route signs. */
export const MAX_PAGE_URL_LENGTH = 2048
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/

/**
 * Checks the page URL a client asks to sign and returns it without its `#fragment`, exactly as WeChat
 * compares it (the raw string, no re-encoding).
 *
 * @param raw the `url` query parameter: required, absolute http(s), at most 2048 characters, printable
 *   ASCII as `location.href` always is (no spaces, no raw unicode), no credentials.
 * @param allowedOrigins origins that may be signed.
 * @throws WechatRouteError `invalid_request` for a bad URL, `url_not_allowed` for another origin.
 */
export function pageUrlToSign(raw: string | undefined, allowedOrigins: readonly string[]): string {
  if (raw === undefined || raw.length === 0) throw invalid('url is required')
  if (raw.length > MAX_PAGE_URL_LENGTH) throw invalid(`url must be at most ${MAX_PAGE_URL_LENGTH} characters`)
  if (!PRINTABLE_ASCII.test(raw)) {
    throw invalid('url must be the page address as location.href gives it (no spaces, no raw unicode)')
  }
  const hash = raw.indexOf('#')
  const withoutFragment = hash === -1 ? raw : raw.slice(0, hash)
  let url: URL
  try {
    url = new URL(withoutFragment)
  } catch {
    throw invalid('url must be an absolute http(s) URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !/^https?:\/\//i.test(withoutFragment)) {
    throw invalid('url must be an absolute http(s) URL')
  }
  if (url.username || url.password) throw invalid('url must not carry credentials')
  if (!allowedOrigins.includes(url.origin)) {
    throw new WechatRouteError('url_not_allowed', 'The page origin is not allowed to be signed')
  }
  return withoutFragment
}

function invalid(message: string): WechatRouteError {
  return new WechatRouteError('invalid_request', message)
}
