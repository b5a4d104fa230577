import type { ErrorEvent, RetryEvent, TokenRefreshEvent, WechatHooks, WechatLogger } from './hooks.js'

/** Dispatches operator events; a throwing listener never breaks a call. */
export class Events {
  readonly #hooks: WechatHooks
  readonly #logger: WechatLogger

  constructor(hooks: WechatHooks, logger: WechatLogger) {
    this.#hooks = hooks
    this.#logger = logger
  }

  tokenRefresh(event: TokenRefreshEvent): void {
    this.#emit(this.#hooks.onTokenRefresh, event)
  }

  retry(event: RetryEvent): void {
    this.#emit(this.#hooks.onRetry, event)
  }

  error(event: ErrorEvent): void {
    this.#emit(this.#hooks.onError, event)
  }

  warn(message: string, details?: object): void {
    try {
      this.#logger.warn(message, details)
    } catch {
      // A broken logger must not break a WeChat call.
    }
  }

  #emit<E>(listeners: Array<(event: E) => void> | undefined, event: E): void {
    if (!listeners) return
    for (const listener of listeners) {
      try {
        listener(event)
      } catch {
        // Events are observational.
      }
    }
  }
}
