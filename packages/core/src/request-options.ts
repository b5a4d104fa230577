/** Per-call options accepted by every {@link Wechat} API method. */
export interface RequestOptions {
  /**
   * Allow retries: one compare-and-swap token refresh + retry after 40001/40014/42001, and bounded
   * backoff retries of transient failures on idempotent calls. `false` makes exactly one attempt.
   * @default true
   */
  retryable?: boolean
  /** Fetch a fresh access_token before the call instead of using the cached one. */
  reloadAccessToken?: boolean
  /** Aborts the call (including retry delays and waiting for a shared token fetch). */
  signal?: AbortSignal
}

/** Options of {@link Wechat.getAccessToken} and {@link Wechat.getJsTicket}. */
export interface TokenOptions {
  /** Skip the caches and fetch from WeChat. */
  reload?: boolean
  /** Aborts waiting (a shared fetch in progress keeps running for other callers). */
  signal?: AbortSignal
}
