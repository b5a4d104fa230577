/**
 * `@wxkit/express/client`: a tiny, dependency-free browser helper for the JS-SDK signing rule of
 * single-page apps.
 *
 * WeChat checks the `wx.config` signature against a URL that depends on the platform:
 * - **Android** checks the page's **current** URL, so sign `location.href` again after every route change;
 * - **iOS** checks the URL the user **landed on** (the first entry into the SPA), whatever `pushState` did
 *   since, so keep signing that one.
 *
 * Import this module once at boot, before your router changes the URL: it records the landing URL then.
 *
 * @example
 * ```ts
 * import { fetchJsSdkConfig } from '@wxkit/express/client'
 *
 * const config = await fetchJsSdkConfig('/wechat')
 * wx.config({ ...config, jsApiList: config.jsApiList ?? ['updateAppMessageShareData'] })
 * ```
 * @packageDocumentation
 */

interface BrowserGlobals {
  location?: { href: string }
  navigator?: { userAgent: string }
  fetch?: typeof fetch
}

const browser = globalThis as BrowserGlobals

/** The page URL at the moment this module was first evaluated, without its fragment. */
const landingUrl: string | undefined = browser.location ? withoutFragment(browser.location.href) : undefined

/** The fields `GET {prefix}/jssdk/config` answers with, ready for `wx.config`. */
export interface JsSdkConfig {
  appId: string
  timestamp: number
  nonceStr: string
  signature: string
  jsApiList?: string[]
}

/** An error answer of the server: `{ error: { code, message } }` plus the HTTP status. */
export class JsSdkConfigError extends Error {
  override readonly name = 'JsSdkConfigError'
  /** The stable error code, e.g. `url_not_allowed`. */
  readonly code: string
  /** The HTTP status. */
  readonly status: number

  constructor(code: string, message: string, status: number) {
    super(message)
    this.code = code
    this.status = status
  }
}

/** True for WeChat's in-app browser on iPhone, iPad or iPod (`MicroMessenger` in an iOS user agent). */
export function isIosWechat(userAgent: string = browser.navigator?.userAgent ?? ''): boolean {
  return /MicroMessenger/i.test(userAgent) && /\b(iPhone|iPad|iPod)\b/i.test(userAgent)
}

/**
 * Which URL to sign, as a pure function: the landing URL in iOS WeChat, the current URL elsewhere, both
 * without their `#fragment`.
 */
export function pickSignUrl(input: {
  userAgent: string
  currentUrl: string
  landingUrl?: string | undefined
}): string {
  const url = isIosWechat(input.userAgent) && input.landingUrl ? input.landingUrl : input.currentUrl
  return withoutFragment(url)
}

/** The URL to sign for `wx.config` on this page now (see the module docs for the platform rule). */
export function jssdkSignUrl(): string {
  if (!browser.location) throw new Error('@wxkit/express/client: jssdkSignUrl() needs a browser (location)')
  return pickSignUrl({
    userAgent: browser.navigator?.userAgent ?? '',
    currentUrl: browser.location.href,
    landingUrl,
  })
}

/**
 * Fetches a signed config for this page from `GET {prefix}/jssdk/config`.
 * @param prefix where the `wechat()` middleware answers. @default '/wechat'
 * @throws JsSdkConfigError with the server's error code when the server refuses.
 */
export async function fetchJsSdkConfig(prefix = '/wechat', init: RequestInit = {}): Promise<JsSdkConfig> {
  const doFetch = browser.fetch
  if (!doFetch) throw new Error('@wxkit/express/client: fetchJsSdkConfig() needs fetch')
  const response = await doFetch(`${prefix}/jssdk/config?url=${encodeURIComponent(jssdkSignUrl())}`, {
    credentials: 'same-origin',
    ...init,
  })
  const body = (await response.json().catch(() => undefined)) as
    | JsSdkConfig
    | { error?: { code?: string; message?: string } }
    | undefined
  if (!response.ok || !body || 'error' in body) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
    throw new JsSdkConfigError(
      error?.code ?? 'upstream_error',
      error?.message ?? `JS-SDK config request failed with ${response.status}`,
      response.status,
    )
  }
  return body as JsSdkConfig
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}
