import type { Request, Response } from 'express'
import type { OauthCodeExchange } from '../oauth/code-exchange.js'
import type { OauthStateStore } from '../oauth/oauth-state.js'
import type { ResolvedOptions } from '../options.js'
import type { SessionManager } from '../session/session-manager.js'

/** What every route needs: the resolved options and the stateful helpers built once per middleware. */
export interface RouteContext {
  options: ResolvedOptions
  sessions: SessionManager
  states: OauthStateStore
  exchange: OauthCodeExchange
}

/** A route: answers the request or throws (the middleware turns the error into a JSON error response). */
export type RouteHandler = (context: RouteContext, req: Request, res: Response) => Promise<void>
