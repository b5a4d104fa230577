import { Hono } from 'hono'
import { createBridgeRoutes } from './bridge/routes.js'
import type { EmulatorControl } from './control/emulator-control.js'
import { createControlRoutes } from './control/http-control.js'
import { payAndNotify } from './control/pay-control.js'
import { WechatApiFailure } from './errors.js'
import { limitBodySize } from './http/body-limit.js'
import { wechatJson } from './http/wechat-json.js'
import { createAvatarRoutes } from './routes/avatar.js'
import { createCodeToSessionRoutes } from './routes/code-to-session.js'
import { createContentSecurityRoutes } from './routes/content-security.js'
import { createCustomerMessageRoutes } from './routes/customer-message.js'
import { createFollowerRoutes } from './routes/followers.js'
import { createLimitedWxaCodeRoutes } from './routes/limited-wxa-code.js'
import { createLinkRoutes } from './routes/links.js'
import { createMenuRoutes } from './routes/menu.js'
import { createOAuthApiRoutes } from './routes/oauth-api.js'
import { createOAuthAuthorizeRoutes } from './routes/oauth-authorize.js'
import { createPayApiRoutes } from './routes/pay-api.js'
import { createPhoneNumberRoutes } from './routes/phone-number.js'
import { createQrCodeTicketRoutes } from './routes/qr-code-ticket.js'
import { createSessionKeyRoutes } from './routes/session-key.js'
import { createShippingRoutes } from './routes/shipping.js'
import { createSubscribeMessageRoutes } from './routes/subscribe-message.js'
import { createTempMediaRoutes, MEDIA_UPLOAD_MAX_BODY_BYTES, MEDIA_UPLOAD_PATH } from './routes/temp-media.js'
import { createTemplateMessageRoutes } from './routes/template-message.js'
import { createTicketRoutes } from './routes/ticket.js'
import { createTokenRoutes } from './routes/token.js'
import { createWxaCodeRoutes } from './routes/wxa-code.js'
import type { EmulatorState } from './state/emulator-state.js'

/** Everything the Hono app needs. */
export interface EmulatorAppOptions {
  state: EmulatorState
  control: EmulatorControl
  /** Skip the OAuth consent page and approve at once. */
  autoApprove: boolean
  /** Followers per `user/get` page. */
  followerPageSize: number
}

/**
 * The emulator's HTTP surface: WeChat's API paths at the root, and under `/__wxkit` the JS-SDK bridge
 * (CORS-open, since pages on other origins load it) and the control API (closed to web pages).
 */
export function createEmulatorApp({
  state,
  control,
  autoApprove,
  followerPageSize,
}: EmulatorAppOptions): Hono {
  const app = new Hono()

  app.onError((error, c) => {
    if (error instanceof WechatApiFailure) return wechatJson(c, error.toBody())
    // An emulator bug, not a WeChat answer. The message may quote the request (and so a secret), so the
    // client gets a fixed text and the details go to the emulator's own stderr.
    console.error('@wxkit/emulator internal error:', error)
    return c.text('@wxkit/emulator internal error', 500)
  })

  app.use('*', limitBodySize({ [MEDIA_UPLOAD_PATH]: MEDIA_UPLOAD_MAX_BODY_BYTES }))

  app.route(
    '/__wxkit',
    createBridgeRoutes({
      hasApp: (appId) => state.apps.has(appId),
      liveJsApiTickets: (appId) =>
        state.tickets
          .live(state.now())
          .filter((record) => record.appId === appId && record.type === 'jsapi')
          .map((record) => record.ticket),
      orderByPrepayId: (prepayId) => state.pay.ledger.byPrepayId(prepayId),
      merchantKey: (mchid) => state.pay.merchants.get(mchid)?.key,
      unpayableReason: (order) => state.pay.ledger.unpayableReason(order, state.now()),
      pay: (order, result) => payAndNotify(state, order, result),
    }),
  )
  app.route('/__wxkit', createControlRoutes(control))
  app.route('/__wxkit', createAvatarRoutes())

  app.route('/', createTokenRoutes(state))
  app.route('/', createTicketRoutes(state))
  app.route('/', createCodeToSessionRoutes(state))
  app.route('/', createPhoneNumberRoutes(state))
  app.route('/', createSessionKeyRoutes(state))
  app.route('/', createWxaCodeRoutes(state))
  app.route('/', createLinkRoutes(state))
  app.route('/', createLimitedWxaCodeRoutes(state))
  app.route('/', createContentSecurityRoutes(state))
  app.route('/', createShippingRoutes(state))
  app.route('/', createSubscribeMessageRoutes(state))
  app.route('/', createTemplateMessageRoutes(state))
  app.route('/', createCustomerMessageRoutes(state))
  app.route('/', createTempMediaRoutes(state))
  app.route('/', createQrCodeTicketRoutes(state))
  app.route('/', createFollowerRoutes(state, followerPageSize))
  app.route('/', createMenuRoutes(state))
  app.route('/', createOAuthAuthorizeRoutes(state, autoApprove))
  app.route('/', createOAuthApiRoutes(state))
  app.route('/', createPayApiRoutes(state))

  return app
}
