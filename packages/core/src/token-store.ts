import type { ResolvedConfig } from './config.js'
import { TOKEN_INVALID_ERRCODES } from './errcode.js'
import { isWechatError } from './errors.js'
import type { Events } from './events.js'
import { ForceRefreshBudget } from './force-refresh-budget.js'
import type { RequestOptions } from './request-options.js'
import type { SharedCache } from './shared-cache.js'
import { TokenCache } from './token-cache.js'
import { fetchAccessToken, fetchJsTicket } from './token-fetchers.js'
import type { Transport } from './transport.js'

/**
 * The token layer: the access_token and jsapi_ticket from {@link TokenCache} (fetched by the functions of
 * `token-fetchers.ts`, force refreshes within {@link ForceRefreshBudget}), and the one refresh policy every
 * call with a token goes through, {@link TokenStore.withAccessToken}.
 */
export class TokenStore {
  readonly #cache: TokenCache

  constructor(config: ResolvedConfig, transport: Transport, cache: SharedCache, events: Events) {
    const budget = new ForceRefreshBudget(cache, config.appId, config.now)
    this.#cache = new TokenCache(config, cache, events, (kind, rejected) =>
      kind === 'access_token'
        ? fetchAccessToken(config, transport, budget, events, rejected)
        : fetchJsTicket(transport, (call) => this.withAccessToken({}, call)),
    )
  }

  /** The jsapi_ticket from process memory if it is still valid at `now`: no I/O, no allocation. */
  peekJsTicket(now: number): string | undefined {
    return this.#cache.peek('jsapi_ticket', now)
  }

  /** The access_token, from memory, the shared cache, or WeChat (in that order). */
  getAccessToken(reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    return this.#cache.get('access_token', reload, signal)
  }

  /** The jsapi_ticket, from memory, the shared cache, or WeChat. */
  getJsTicket(reload: boolean, signal: AbortSignal | undefined): Promise<string> {
    return this.#cache.get('jsapi_ticket', reload, signal)
  }

  /**
   * The one refresh policy: runs `call` with the access_token; on 40001/40014/42001 (when `retryable`)
   * refreshes once by compare-and-swap and runs it again. When that retry ran on a token adopted from the
   * shared cache, which may have been rotated too, one more compare-and-swap is allowed: it finds exactly
   * that token in the store, so it is the one real refresh.
   */
  async withAccessToken<T>(options: RequestOptions, call: (token: string) => Promise<T>): Promise<T> {
    let token = await this.getAccessToken(options.reloadAccessToken === true, options.signal)
    let adopted = false
    for (let round = 0; ; round++) {
      try {
        return await call(token)
      } catch (error) {
        const mayRetry = options.retryable !== false && (round === 0 || (round === 1 && adopted))
        if (!mayRetry || !isWechatError(error) || !TOKEN_INVALID_ERRCODES.has(error.errcode)) throw error
        if (options.signal?.aborted) throw options.signal.reason
        const next = await this.#cache.invalidateAccessToken(token, options.signal)
        token = next.token
        adopted = next.adopted
      }
    }
  }
}
