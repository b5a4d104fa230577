import { WechatRouteError } from '../errors.js'
import { RecentResults } from '../http/recent-results.js'

/** The longest page URL the JS-SDK route signs. */
export const MAX_PAGE_URL_LENGTH = 2048
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/

/** How many recently signed page URLs keep their parsed form (see {@link pageUrlToSign}). */
export const PARSED_PAGE_URLS = 256

/** A page URL that passed every check, without its fragment, and its origin. */
interface ParsedPageUrl {
  withoutFragment: string
  origin: string
}

// The JS-SDK route parses the same few page URLs over and over (every view of a page asks for its own
// address), and parsing was most of the route's own work. Only URLs that were signed are kept: junk and
// other origins' pages are parsed every time, so a client sending them cannot push real pages out.
const parsed = new RecentResults<ParsedPageUrl>(PARSED_PAGE_URLS)

/** Whether {@link pageUrlToSign} remembers `raw` (for tests of the memo). */
export function isPageUrlRemembered(raw: string): boolean {
  return parsed.has(raw)
}

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
  const remembered = parsed.get(raw)
  const page = remembered ?? parsePageUrl(raw)
  // The origin is checked on every call: the allowed origins may differ between calls (by default they
  // are each request's own origin).
  if (!allowedOrigins.includes(page.origin)) {
    throw new WechatRouteError('url_not_allowed', 'The page origin is not allowed to be signed')
  }
  if (remembered === undefined) parsed.set(raw, page)
  return page.withoutFragment
}

function parsePageUrl(raw: string): ParsedPageUrl {
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
  return { withoutFragment, origin: url.origin }
}

function invalid(message: string): WechatRouteError {
  return new WechatRouteError('invalid_request', message)
}
