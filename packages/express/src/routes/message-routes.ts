import type { WechatMessageServer } from '@wxkit/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { sendError } from '../http/respond.js'
import { assertMessageServer, resolveCallback, resolveMilliseconds } from '../option-checks.js'
import { answerPush } from './message-route.js'
import type { RouteGroup, RouteHandler } from './route-group.js'

/** Options of {@link messageRoutes}. */
export interface MessageRoutesOptions {
  /**
   * Longest time in milliseconds the route waits for the request body; a slower body gets
   * `408 request_timeout`.
   * @default 10000
   */
  bodyTimeoutMs?: number | undefined
  /** Called with every error the route answers with a 5xx (e.g. a body parser mounted before it). */
  onError?: ((error: unknown, req: Request) => void) | undefined
}

const DEFAULT_BODY_TIMEOUT_MS = 10_000

const pushRoute: RouteHandler<WechatMessageServer> = (server, context, req, res) =>
  answerPush(server, req, res, context.options.bodyTimeoutMs)

/** The push route group of `wechat({ messages })`: `GET` (URL check) and `POST` (messages) at `/messages`. */
export const MESSAGE_ROUTES: RouteGroup<WechatMessageServer> = {
  path: '/messages',
  select: (options) => options.messages,
  routes: [
    { method: 'GET', path: '', handler: pushRoute, usesStore: false },
    { method: 'POST', path: '', handler: pushRoute, usesStore: false },
  ],
}

/**
 * WeChat's message push on the path the app mounts it on: `GET` answers the console's URL check, `POST`
 * receives messages and events and answers with the handlers' replies (see `WechatMessageServer` of
 * `@wxkit/core`); any other method gets `405`. It needs no `wechatContext()`.
 *
 * The route reads the raw body itself (up to the server's `bodyLimit`, else `413`; a body slower than
 * `bodyTimeoutMs` gets `408`), so mount it **before** any body parser. If `express.json()`,
 * `express.text()` or an XML parser consumed the body first, the route still verifies the exact bytes
 * when it has them (a `Buffer` from `express.raw()`, `req.rawBody`) and otherwise answers
 * `500 internal_error` naming the parser to move — never a verdict on a body that is not WeChat's.
 *
 * @example
 * ```ts
 * const messages = new WechatMessageServer({ token, encodingAESKey, appId })
 * messages.on('text', (message) => `You said: ${message.Content}`)
 * app.use('/wechat/messages', messageRoutes(messages)) // the URL entered in the console
 * ```
 */
export function messageRoutes(
  server: WechatMessageServer,
  options: MessageRoutesOptions = {},
): RequestHandler {
  assertMessageServer(server, 'messageRoutes(server)')
  const bodyTimeoutMs = resolveMilliseconds('bodyTimeoutMs', options?.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS)
  const onError = resolveCallback('onError', options?.onError)
  return function wechatMessageRoutes(req: Request, res: Response, next: NextFunction): void {
    // Mounted with app.use(path, …) the route answers that path alone; on app.all(path, …) its route's.
    if (req.path !== '/' && req.route === undefined) {
      next()
      return
    }
    answerPush(server, req, res, bodyTimeoutMs).catch((error: unknown) => sendError(req, res, error, onError))
  }
}
