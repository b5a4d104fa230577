export { connectEmulator } from './control/connect-emulator.js'
export type { ContentControl } from './control/content-control.js'
export type {
  CustomerServiceControl,
  UserMessageOptions,
} from './control/customer-service-control.js'
export type {
  EmulatorControl,
  EmulatorCounters,
  LiveTicket,
  LiveToken,
  MintCodeOptions,
  RevokeTokensOptions,
} from './control/emulator-control.js'
export type { LinksControl, OpenLinkResult } from './control/links-control.js'
export type {
  ClickMenuOptions,
  ClickMenuResult,
  FollowOptions,
  FollowResult,
  ScanQrCodeOptions,
  ScanQrCodeResult,
  UnfollowOptions,
  UnfollowResult,
} from './control/official-account-control.js'
export type { PayControl, PayOrderOptions, SettleRefundOptions } from './control/pay-control.js'
export type {
  CreatedPayment,
  PaymentRef,
  RemindShippingOptions,
  SetTradeManagedOptions,
  ShippingControl,
  ShippingSnapshot,
} from './control/shipping-control.js'
export { WECHAT_ERRORS, type WechatErrcode } from './errors.js'
export type { EmulatorFault, InjectFaultOptions } from './faults.js'
export { DEFAULT_MERCHANT, type EmulatorMerchant, type PayPlatformMode } from './pay/merchants.js'
export {
  type EmulatorNotification,
  NOTIFY_RETRY_DELAYS_MS,
  NOTIFY_TIMEOUT_MS,
  type NotificationAttempt,
} from './pay/pay-notifier.js'
export { PAY_PLATFORM_PUBLIC_KEY } from './pay/platform-keys.js'
export type { EventPushOutcome } from './push/official-account-events.js'
export type {
  ConfigurePushOptions,
  EmittedPush,
  PushAttempt,
  PushedMessage,
  PushFormat,
  PushMessageOptions,
  PushMode,
  PushResult,
  VerifyServerUrlOptions,
  VerifyServerUrlResult,
} from './push/push-options.js'
export { type EmulatorOptions, type RunningEmulator, startEmulator } from './start-emulator.js'
export { DEFAULT_APP, type EmulatorApp } from './state/apps.js'
export type { EmulatorClock } from './state/clock.js'
export type { CodeKind, OAuthScope } from './state/codes.js'
export type { ContentRules, ContentSuggest } from './state/content-rules.js'
export type { DeliveredCustomerMessage, TypingRecord } from './state/customer-service.js'
export type { DeliveredMessage } from './state/delivered-message.js'
export type { SubscribeScene } from './state/followers.js'
export type { LinkEnvVersion } from './state/links.js'
export type { MiniProgramLimits } from './state/mini-program-limits.js'
export type { CreatePaymentOptions, ShippingOrderState } from './state/shipping.js'
export type {
  DeliveredSubscribeMessage,
  RegisterTemplateOptions,
  SubscribeOptions,
} from './state/subscriptions.js'
export type { DeliveredTemplateMessage, RegisterOaTemplateOptions } from './state/template-messages.js'
