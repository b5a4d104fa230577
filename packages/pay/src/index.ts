export {
  PAY_DEFAULTS,
  type WechatPayConfig,
  type WechatPayLogger,
  type WechatPayPublicKey,
  type WechatPayRetryOptions,
} from './config.js'
export {
  decryptResource,
  type EncryptedResource,
  encryptResource,
} from './crypto/aead-aes-256-gcm.js'
export { createPayNonce } from './crypto/nonce.js'
export { requestMessage, responseMessage, signSha256Rsa, verifySha256Rsa } from './crypto/rsa-signature.js'
export {
  isTransientPayError,
  isWechatPayClientError,
  isWechatPayError,
  isWechatPayNetworkError,
  isWechatPayResponseError,
  isWechatPayTimeoutError,
  isWechatPayValidationError,
  isWechatPayVerificationError,
  WechatPayClientError,
  WechatPayError,
  WechatPayNetworkError,
  WechatPayResponseError,
  WechatPayTimeoutError,
  WechatPayValidationError,
  WechatPayVerificationError,
} from './errors.js'
export {
  CERTIFICATE_REFRESH_MS,
  MAX_CLOCK_SKEW_MS,
  type StoredCertificate,
  UNKNOWN_SERIAL_REFRESH_MS,
} from './platform-keys.js'
export type { SignedHeaders } from './signed-headers.js'
export type { NotificationInput, PayEventType, PayNotification } from './types/notification.js'
export type { Refund, RefundNotificationResource, RefundRequest, RefundStatus } from './types/refund.js'
export type {
  JsapiOrderRequest,
  JsapiOrderResponse,
  JsapiPayParams,
  TradeState,
  Transaction,
} from './types/transaction.js'
export { type PayCallOptions, type PayRequestOptions, WechatPay } from './wechat-pay.js'
