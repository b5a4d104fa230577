import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { contextOf, missingContext, type WechatContextState } from '../context/context-state.js'
import { sessionStoreFailed } from '../context/wechat-context.js'
import { WechatRouteError } from '../errors.js'
import { sendError } from '../http/respond.js'
import type { ResolvedOptions } from '../option-types.js'

/**
 * A route: answers the request, or throws or rejects (the caller turns the error into a JSON error
 * response). `feature` is the route group's own options, `mount` the absolute path the group answers under
 * (e.g. `/wechat/oauth`), for routes that build URLs to their siblings. A route that can answer without
 * waiting may do so synchronously and return nothing.
 */
export type RouteHandler<Feature> = (
  feature: Feature,
  context: WechatContextState,
  req: Request,
  res: Response,
  mount: string,
) => Promise<void> | undefined

/** One route of a group: method, path relative to the group's mount, handler. */
export interface RouteDefinition<Feature> {
  method: 'GET' | 'HEAD' | 'POST'
  path: string
  handler: RouteHandler<Feature>
  /**
   * False for a route that never touches the session store (it then answers while the store is down).
   * @default true
   */
  usesStore?: boolean
}

/**
 * A feature's routes (JS-SDK, Mini Program, OAuth, session, …) and how to pick its options out of the
 * resolved options (`false` when the feature is off). `wechat()` mounts every group under `prefix` + its
 * `path`; each group's factory (`jssdkRoutes()`, …) mounts it wherever the app wants.
 */
export interface RouteGroup<Feature> {
  /** The group's default path under `prefix` in `wechat()`, e.g. `/oauth`; `''` for the root. */
  path: string
  select(options: ResolvedOptions): Feature | false
  routes: readonly RouteDefinition<Feature>[]
}

/** A route ready to run: the handler bound to its feature options and where its group is mounted. */
export interface BoundRoute {
  /** The group's path under the middleware's own mount (`prefix` + group path, or `''` for a factory). */
  mountSuffix: string
  usesStore: boolean
  run(context: WechatContextState, req: Request, res: Response, mount: string): Promise<void> | undefined
}

/** A `method path` → route table for the groups that are on, with paths under `base`. */
export function routeTable(
  options: ResolvedOptions,
  groups: readonly { group: RouteGroup<unknown>; base: string }[],
): Map<string, BoundRoute> {
  const table = new Map<string, BoundRoute>()
  for (const { group, base } of groups) {
    const feature = group.select(options)
    if (feature === false) continue
    for (const route of group.routes) {
      table.set(`${route.method} ${base}${route.path}`, {
        mountSuffix: base,
        usesStore: route.usesStore !== false,
        run: (context, req, res, mount) => route.handler(feature, context, req, res, mount),
      })
    }
  }
  return table
}

/**
 * Runs a matched route: errors become the JSON error answer (5xx ones go to `onError` as well). The
 * route's mount is the middleware's mount (`req.baseUrl`) plus the group's path.
 */
export function runRoute(context: WechatContextState, route: BoundRoute, req: Request, res: Response): void {
  if (route.usesStore && sessionStoreFailed(req)) {
    const error = new WechatRouteError(
      'store_unavailable',
      'The session store is unavailable; try again shortly',
    )
    sendError(req, res, error, context.options.onError)
    return
  }
  let answering: Promise<void> | undefined
  try {
    answering = route.run(context, req, res, `${req.baseUrl}${route.mountSuffix}`)
  } catch (error) {
    sendError(req, res, error, context.options.onError)
    return
  }
  answering?.then(undefined, (error: unknown) => sendError(req, res, error, context.options.onError))
}

/**
 * A request handler answering one group's routes relative to where the app mounts it, with the context
 * that `wechatContext()` (or `wechat()`) put on the request. Requests for other paths go on to `next`.
 */
export function mountRoutes(group: RouteGroup<unknown>): RequestHandler {
  let table: Map<string, BoundRoute> | undefined
  let tableFor: WechatContextState | undefined
  return function wechatRoutes(req: Request, res: Response, next: NextFunction): void {
    const context = contextOf(req)
    if (!context) {
      next(missingContext('the route factories'))
      return
    }
    if (tableFor !== context) {
      table = routeTable(context.options, [{ group, base: '' }])
      tableFor = context
    }
    const route = table?.get(`${req.method} ${req.path}`)
    if (!route) {
      next()
      return
    }
    runRoute(context, route, req, res)
  }
}
