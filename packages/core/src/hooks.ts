/**
 * Hooks and events for operators. Everything a hook receives is redacted: request URLs have `secret`,
 * `access_token`, `code`, `js_code` and `refresh_token` replaced by `***`, requests carry no body and
 * responses carry status and headers only (token responses hold secrets in their bodies).
 */

/** Logger used for operational warnings (cache outage, force-refresh budget exhausted). */
export interface WechatLogger {
  /** Called with a human-readable message and secret-free details. */
  warn(message: string, details?: object): void
}

/** State passed to a `beforeRequest` hook. */
export interface BeforeRequestState {
  /** A redacted copy of the request (no body). Headers you set on it are copied onto the real request. */
  request: Request
  /** The API path, e.g. `/cgi-bin/stable_token`. */
  endpoint: string
  /** Always 0: as in ky, `beforeRequest` runs once per call and retries reuse the request. */
  retryCount: number
}

/** State passed to an `afterResponse` hook. */
export interface AfterResponseState {
  /** A redacted copy of the request (no body). */
  request: Request
  /** Status and headers of the response (no body). */
  response: Response
  /** The API path. */
  endpoint: string
  /** 0 for the first attempt, 1+ for retries. */
  retryCount: number
}

/** Emitted whenever an access_token or jsapi_ticket is fetched from WeChat (never carries the value). */
export interface TokenRefreshEvent {
  /** What was fetched. */
  kind: 'access_token' | 'jsapi_ticket'
  /** The AppID. */
  appId: string
  /**
   * Why: `cold` (nothing cached), `expired` (cached value reached its TTL), `reload` (asked for),
   * `rejected` (a call reported the previous value invalid), `forced` (stable_token force_refresh).
   */
  reason: 'cold' | 'expired' | 'reload' | 'rejected' | 'forced'
  /** `expires_in` as WeChat returned it, in seconds. */
  expiresIn: number
  /** Token mode for access tokens. */
  mode?: 'stable' | 'classic'
}

/** Emitted before a transient failure is retried. */
export interface RetryEvent {
  /** The API path. */
  endpoint: string
  /** 1 for the first retry. */
  retryCount: number
  /** The (redacted) error that caused the retry. */
  error: Error
  /** Delay before the retry, in milliseconds. */
  delayMs: number
}

/** Emitted for every failed WeChat call (after retries) and for operational problems. */
export interface ErrorEvent {
  /** The API path, when the error belongs to a call. */
  endpoint?: string | undefined
  /** The redacted error (the same object the caller receives for call failures). */
  error: Error
}

/**
 * Hooks, run in order. `beforeRequest` / `afterResponse` are ky's hooks of the same names (`beforeRequest`
 * once per call, `afterResponse` after every attempt), given redacted copies; exceptions they throw reject the call. `onTokenRefresh`, `onRetry` and `onError` are
 * events: exceptions in them are swallowed.
 *
 * @example
 * ```ts
 * hooks: {
 *   beforeRequest: [({ request }) => request.headers.set('x-trace-id', traceId())],
 *   onTokenRefresh: [(e) => log.info('wechat token refreshed', e)],
 *   onError: [({ error }) => { if (isWechatError(error) && error.errcode === 45009) alert('quota') }],
 * }
 * ```
 */
export interface WechatHooks {
  /** Once per call, before its first HTTP attempt (ky's semantics: retries reuse the request and its headers). */
  beforeRequest?: Array<(state: BeforeRequestState) => void | Promise<void>>
  /** After every HTTP attempt that got a response. */
  afterResponse?: Array<(state: AfterResponseState) => void | Promise<void>>
  /** After an access_token or jsapi_ticket was fetched from WeChat. */
  onTokenRefresh?: Array<(event: TokenRefreshEvent) => void>
  /** Before a transient failure is retried. */
  onRetry?: Array<(event: RetryEvent) => void>
  /** When a call finally fails, and for operational problems (cache outage, budget exhausted). */
  onError?: Array<(event: ErrorEvent) => void>
}
