import type { ResolvedConfig } from './config.js'
import type { TokenStore } from './token-store.js'
import type { Transport } from './transport.js'

/** What an API family needs from the client: plain data, no callback into `Wechat`. */
export interface ApiContext {
  readonly config: ResolvedConfig
  readonly transport: Transport
  readonly tokens: TokenStore
}
