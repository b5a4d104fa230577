import type { RequestHandler } from 'express'
import { logoutRoute } from './logout.js'
import { meRoute } from './me.js'
import { mountRoutes, type RouteGroup } from './route-group.js'

/** The session route group: `GET|HEAD /me` and `POST /logout`, always on. */
export const SESSION_ROUTES: RouteGroup<true> = {
  path: '',
  select: () => true,
  routes: [
    { method: 'GET', path: '/me', handler: meRoute },
    { method: 'HEAD', path: '/me', handler: meRoute },
    { method: 'POST', path: '/logout', handler: logoutRoute },
  ],
}

/**
 * The session routes on their own: `GET <mount>/me` → the identity or 401, `POST <mount>/logout` →
 * `{ ok: true }`. Needs `wechatContext()` mounted before it.
 *
 * @example
 * ```ts
 * app.use(wechatContext(options))
 * app.use('/account', sessionRoutes()) // GET /account/me, POST /account/logout
 * ```
 */
export function sessionRoutes(): RequestHandler {
  return mountRoutes(SESSION_ROUTES as RouteGroup<unknown>)
}
