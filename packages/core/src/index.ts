export type {
  ContentCheckDetail,
  ContentScene,
  ContentSuggest,
  MediaCheckAsyncRequest,
  MediaCheckAsyncResponse,
  MsgSecCheckRequest,
  MsgSecCheckResponse,
} from './apis/content-security.js'
export type {
  CustomerImageMessage,
  CustomerLinkMessage,
  CustomerMessage,
  CustomerMiniProgramPageMessage,
  CustomerMpNewsArticleMessage,
  CustomerMpNewsMessage,
  CustomerMsgMenuMessage,
  CustomerMusicMessage,
  CustomerNewsMessage,
  CustomerOfficialAccountMiniProgramPageMessage,
  CustomerServiceAccount,
  CustomerTextMessage,
  CustomerVideoMessage,
  CustomerVoiceMessage,
  CustomerWxCardMessage,
} from './apis/customer-message.js'
export type {
  BatchUserInfoEntry,
  FollowerInfo,
  FollowersPage,
  NonFollowerInfo,
  UserInfo,
  UserInfoLang,
} from './apis/followers.js'
export type { JsSdkConfig } from './apis/jssdk.js'
export type {
  LinkCloudBase,
  LinkExpiry,
  LinkInfo,
  QuerySchemeResponse,
  QueryUrlLinkResponse,
  SchemeRequest,
  ShortLinkRequest,
  UrlLinkRequest,
} from './apis/links.js'
export type {
  GetMenuResponse,
  Menu,
  MenuKeyedButtonType,
  MenuLeafButton,
  MenuParentButton,
} from './apis/menu.js'
export type { GetUserPhoneNumberResponse, JsCode2SessionResponse } from './apis/mini-program.js'
export type {
  Oauth2AuthorizeOptions,
  SnsOauth2Response,
  SnsUserInfoResponse,
} from './apis/oauth.js'
export type { QrCodeTicketRequest, QrCodeTicketResponse } from './apis/qr-code-ticket.js'
export type { QrCodeRequest } from './apis/qrcode.js'
export type { ResetUserSessionKeyResponse, SessionKeyRequest } from './apis/session-key.js'
export {
  type CombinedShippingSubOrder,
  type DeliveryMode,
  formatShippingTime,
  type GetShippingOrderListRequest,
  type GetShippingOrderListResponse,
  type GetShippingOrderResponse,
  type LogisticsType,
  type NotifyConfirmReceiveRequest,
  type ShippingContact,
  type ShippingDelivery,
  type ShippingItem,
  type ShippingOrder,
  type ShippingOrderItem,
  type ShippingOrderKey,
  type ShippingOrderLookup,
  type ShippingOrderState,
  type UploadCombinedShippingInfoRequest,
  type UploadShippingInfoRequest,
} from './apis/shipping.js'
export type {
  MiniProgramState,
  PushTemplateConfig,
  SubscribeMessageRequest,
  SubscribeSendOptions,
  SubscribeTemplate,
} from './apis/subscribe.js'
export type {
  TempMedia,
  TempMediaType,
  UploadTempMediaRequest,
  UploadTempMediaResponse,
} from './apis/temp-media.js'
export type { TemplateMessageRequest, TemplateMessageResponse } from './apis/template-message.js'
export type { WxaCodeRequest, WxaQrCodeRequest } from './apis/wxa-code.js'
export type { TokenMode, WechatConfig, WechatEnv, WechatRetryOptions } from './config.js'
export { type JsSdkSignatureInput, signJsSdk } from './crypto/js-sdk-signature.js'
export { decryptOpenData, verifyRawData } from './crypto/open-data.js'
export { sessionKeySignature } from './crypto/session-key-signature.js'
export { ErrCode, type ErrCodeValue } from './errcode.js'
export {
  isWechatClientError,
  isWechatDecryptError,
  isWechatError,
  isWechatHttpError,
  isWechatNetworkError,
  isWechatResponseError,
  isWechatTimeoutError,
  isWechatValidationError,
  WechatClientError,
  WechatDecryptError,
  WechatError,
  WechatHttpError,
  WechatNetworkError,
  WechatResponseError,
  WechatTimeoutError,
  WechatValidationError,
} from './errors.js'
export type {
  AfterResponseState,
  BeforeRequestState,
  ErrorEvent,
  RetryEvent,
  TokenRefreshEvent,
  WechatHooks,
  WechatLogger,
} from './hooks.js'
export type { WechatLock, WechatLockTimings } from './lock.js'
export {
  WechatMessageCrypto,
  type WechatMessageCryptoOptions,
} from './push/message-crypto.js'
export { type MessageDecryptFailure, WechatMessageDecryptError } from './push/message-decrypt-error.js'
export {
  type WechatLateReplyEvent,
  WechatMessageServer,
  type WechatPushContext,
  type WechatPushErrorEvent,
  type WechatPushHandler,
} from './push/message-server.js'
export {
  MESSAGE_SERVER_DEFAULTS,
  type WechatMessageLogger,
  type WechatMessageServerOptions,
} from './push/message-server-options.js'
export type {
  WechatClickEvent,
  WechatEvents,
  WechatImageMessage,
  WechatKnownPush,
  WechatLinkMessage,
  WechatLocationEvent,
  WechatLocationMessage,
  WechatMediaCheckEvent,
  WechatMiniProgramPageMessage,
  WechatPush,
  WechatPushBase,
  WechatPushFor,
  WechatPushKey,
  WechatScanEvent,
  WechatShortVideoMessage,
  WechatSubscribeEvent,
  WechatSubscribeMsgChangeEvent,
  WechatSubscribeMsgPopupEvent,
  WechatSubscribeMsgSentEvent,
  WechatTemplateSendJobFinishEvent,
  WechatTextMessage,
  WechatTradeManageOrderSettlementEvent,
  WechatTradeManageRemindShippingEvent,
  WechatUnknownPush,
  WechatUnsubscribeEvent,
  WechatUserEnterTempSessionEvent,
  WechatUserMessages,
  WechatVideoMessage,
  WechatViewEvent,
  WechatViewMiniProgramEvent,
  WechatVoiceMessage,
} from './push/message-types.js'
export type { WechatPushRequest, WechatPushResponse } from './push/push-http.js'
export type { WechatNewsArticle, WechatReply } from './push/reply-types.js'
export type { RequestOptions, TokenOptions } from './request-options.js'
export { truncateString } from './truncate-string.js'
export { Wechat } from './wechat.js'
export type { WechatRequest } from './wechat-request.js'
