import type { Request } from 'express'
import { OauthCodeExchange } from '../oauth/code-exchange.js'
import { OauthStateStore } from '../oauth/oauth-state.js'
import type { ResolvedOptions } from '../options.js'
import { SessionManager } from '../session/session-manager.js'

/**
 * What every route needs, built once per `wechatContext()` / `wechat()`: the resolved options and the
 * stateful helpers over the store.
 */
export class WechatContextState {
  readonly options: ResolvedOptions
  readonly sessions: SessionManager
  readonly states: OauthStateStore
  readonly exchange: OauthCodeExchange

  constructor(options: ResolvedOptions) {
    this.options = options
    this.sessions = new SessionManager(options.session)
    this.states = new OauthStateStore(options.session)
    this.exchange = new OauthCodeExchange(options.client, options.session.store)
  }
}

// A registered symbol, so two copies of the package (a duplicate install) still find each other's context.
const CONTEXT = Symbol.for('@wxkit/express.context')

/** The context that `wechatContext()` or `wechat()` attached to this request, if any. */
export function contextOf(req: Request): WechatContextState | undefined {
  return (req as unknown as Record<symbol, WechatContextState | undefined>)[CONTEXT]
}

/** Attaches `context` to the request for the route factories mounted after it. */
export function attachContext(req: Request, context: WechatContextState): void {
  ;(req as unknown as Record<symbol, WechatContextState>)[CONTEXT] = context
}
