export type { WechatRouteErrorBody, WechatRouteErrorCode } from './errors.js'
export { isWechatRouteError, WECHAT_ROUTE_ERROR_STATUS, WechatRouteError } from './errors.js'
export type { WechatUser } from './identity.js'
export { wechat } from './middleware.js'
export { safeReturnTo } from './oauth/return-to.js'
export type {
  WechatJsSdkOptions,
  WechatMiddlewareOptions,
  WechatMiniProgramOptions,
  WechatOauthOptions,
  WechatSessionOptions,
} from './options.js'
