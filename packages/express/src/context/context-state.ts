import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'
import { requestOrigin } from '../http/request-origin.js'
import { OauthCodeExchange } from '../oauth/code-exchange.js'
import { OauthStateCookie } from '../oauth/oauth-state.js'
import { StateClaims } from '../oauth/state-claims.js'
import type { ResolvedOptions } from '../option-types.js'
import { SessionManager } from '../session/session-manager.js'
import { StoreClient } from '../session/store-client.js'

/**
 * What every route needs, built once per `wechatContext()` / `wechat()`: the resolved options and the
 * stateful helpers over the store.
 */
export class WechatContextState {
  readonly options: ResolvedOptions
  readonly store: StoreClient
  readonly sessions: SessionManager
  readonly states: OauthStateCookie
  readonly exchange: OauthCodeExchange
  #notedHostFallback = false

  constructor(options: ResolvedOptions) {
    this.options = options
    this.store = new StoreClient(options.session.store, options.session.storeTimeoutMs, options.logger)
    this.sessions = new SessionManager(options.session, this.store)
    this.states = new OauthStateCookie(options.session)
    this.exchange = new OauthCodeExchange(
      options.client,
      this.store,
      new StateClaims(this.store, options.session.lock),
    )
  }

  /**
   * The site's origin: `publicUrl`, or without it (development) the origin the request names, honouring
   * `trust proxy`, which is then said once in the log.
   */
  siteOrigin(req: Request): string {
    if (this.options.publicUrl !== undefined) return this.options.publicUrl
    const own = requestOrigin(req)
    if (!own) throw new WechatRouteError('invalid_request', 'The request has no usable Host header')
    if (!this.#notedHostFallback) {
      this.#notedHostFallback = true
      this.options.logger.warn(
        '@wxkit/express: no publicUrl set, so the JS-SDK route signs and OAuth redirects to the origin each request names in its Host header; fine in development, set publicUrl in production',
      )
    }
    return own
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

/** The error a piece mounted without `wechatContext()` / `wechat()` before it passes to `next`. */
export function missingContext(piece: string): Error {
  return new Error(`@wxkit/express: mount wechatContext(options) (or wechat(options)) before ${piece}`)
}
