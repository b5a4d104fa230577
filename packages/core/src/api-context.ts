import type { ResolvedConfig } from './config.js'
import type { RequestOptions } from './request-options.js'
import type { Transport } from './transport.js'

/** What an API family needs from the client: configuration, the transport and token-aware calling. */
export interface ApiContext {
  readonly config: ResolvedConfig
  readonly transport: Transport
  /**
   * Runs `call` with the access_token; after 40001/40014/42001 (when `retryable`), refreshes the token
   * compare-and-swap style and runs it once more.
   */
  withAccessToken<T>(options: RequestOptions | undefined, call: (token: string) => Promise<T>): Promise<T>
}
