export { wechatContext } from './context/wechat-context.js'
export type { WechatErrorHandlerOptions } from './error-handler.js'
export { wechatErrorHandler } from './error-handler.js'
export type { WechatRouteErrorBody, WechatRouteErrorCode } from './errors.js'
export { isWechatRouteError, WECHAT_ROUTE_ERROR_STATUS, WechatRouteError } from './errors.js'
export type { WechatUser } from './identity.js'
export { wechat } from './middleware.js'
export { safeReturnTo } from './oauth/return-to.js'
export type {
  WechatJsSdkOptions,
  WechatMiddlewareOptions,
  WechatOauthOptions,
  WechatSessionOptions,
} from './option-types.js'
export type {
  PayNotifyContext,
  PayNotifyLogger,
  PayNotifyRoutesOptions,
  PayRefundHandler,
  PayTransactionHandler,
  WechatPayNotifyOptions,
} from './pay/pay-notify-options.js'
export type { RequireWechatUserOptions } from './require-wechat-user.js'
export { requireWechatUser } from './require-wechat-user.js'
export { jssdkRoutes } from './routes/jssdk-routes.js'
export type { MessageRoutesOptions } from './routes/message-routes.js'
export { messageRoutes } from './routes/message-routes.js'
export { miniProgramRoutes } from './routes/mini-program-routes.js'
export { oauthRoutes } from './routes/oauth-routes.js'
export { payNotifyRoutes } from './routes/pay-notify-routes.js'
export { sessionRoutes } from './routes/session-routes.js'
export type { WechatSession } from './session/wechat-session.js'
