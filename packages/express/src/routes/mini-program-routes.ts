import type { RequestHandler } from 'express'
import { miniLoginRoute } from './mini-login.js'
import { miniPhoneRoute } from './mini-phone.js'
import { mountRoutes, type RouteGroup } from './route-group.js'

/** The Mini Program route group: `POST /login` and `POST /phone`. */
export const MINI_PROGRAM_ROUTES: RouteGroup<true> = {
  path: '/mini',
  select: (options) => options.miniProgram,
  routes: [
    { method: 'POST', path: '/login', handler: miniLoginRoute },
    { method: 'POST', path: '/phone', handler: miniPhoneRoute },
  ],
}

/**
 * The Mini Program routes on their own: `POST <mount>/login` `{ code }` → `{ openid, unionid?,
 * sessionToken }` and `POST <mount>/phone` `{ code }` → the phone number. Needs `wechatContext()` mounted
 * before it (`miniProgram: false` there turns them off).
 *
 * @example
 * ```ts
 * app.use(wechatContext(options))
 * app.use('/mp', miniProgramRoutes()) // POST /mp/login, POST /mp/phone
 * ```
 */
export function miniProgramRoutes(): RequestHandler {
  return mountRoutes(MINI_PROGRAM_ROUTES as RouteGroup<unknown>)
}
