/**
 * What WeChat pushes (§9.5), with WeChat's field names, in one shape whatever the wire format:
 * `CreateTime` is a number (seconds), list fields (`List`, `detail`) are arrays, ids (`MsgId`, `MsgID`)
 * are strings so 64-bit values survive.
 */

/** Fields every push carries. */
export interface WechatPushBase {
  /** The app's original id (`gh_…`) or appid. */
  ToUserName: string
  /** The user's openid. */
  FromUserName: string
  /** Seconds since the epoch. */
  CreateTime: number
  MsgType: string
}

/** Fields every user message carries. */
interface UserMessageBase extends WechatPushBase {
  /** The message id, the key WeChat's retries share. */
  MsgId: string
  /** Set when the message came from an article (`msgid_index`). */
  MsgDataId?: string
  Idx?: string
}

export interface WechatTextMessage extends UserMessageBase {
  MsgType: 'text'
  Content: string
}
export interface WechatImageMessage extends UserMessageBase {
  MsgType: 'image'
  PicUrl: string
  MediaId: string
}
export interface WechatVoiceMessage extends UserMessageBase {
  MsgType: 'voice'
  MediaId: string
  Format: string
  /** Speech recognition result, when enabled. */
  Recognition?: string
}
export interface WechatVideoMessage extends UserMessageBase {
  MsgType: 'video'
  MediaId: string
  ThumbMediaId: string
}
export interface WechatShortVideoMessage extends UserMessageBase {
  MsgType: 'shortvideo'
  MediaId: string
  ThumbMediaId: string
}
export interface WechatLocationMessage extends UserMessageBase {
  MsgType: 'location'
  Location_X: number
  Location_Y: number
  Scale: number
  Label: string
}
export interface WechatLinkMessage extends UserMessageBase {
  MsgType: 'link'
  Title: string
  Description: string
  Url: string
}
/** A Mini Program card a user sent into customer service. */
export interface WechatMiniProgramPageMessage extends UserMessageBase {
  MsgType: 'miniprogrampage'
  Title: string
  AppId: string
  PagePath: string
  ThumbUrl: string
  ThumbMediaId: string
}

/** Fields every event carries. */
interface EventBase extends WechatPushBase {
  MsgType: 'event'
  Event: string
}

/** A follow; from a parameter QR code, `EventKey` is `qrscene_<scene>` and `Ticket` is set. */
export interface WechatSubscribeEvent extends EventBase {
  Event: 'subscribe'
  EventKey?: string
  Ticket?: string
}
export interface WechatUnsubscribeEvent extends EventBase {
  Event: 'unsubscribe'
}
/** A follower scanned a parameter QR code: `EventKey` is the scene. */
export interface WechatScanEvent extends EventBase {
  Event: 'SCAN'
  EventKey: string
  Ticket: string
}
export interface WechatLocationEvent extends EventBase {
  Event: 'LOCATION'
  Latitude: number
  Longitude: number
  Precision: number
}
/** A menu click: `EventKey` is the menu key. */
export interface WechatClickEvent extends EventBase {
  Event: 'CLICK'
  EventKey: string
}
/** A menu link opened: `EventKey` is the URL. */
export interface WechatViewEvent extends EventBase {
  Event: 'VIEW'
  EventKey: string
  MenuId?: string
}
export interface WechatViewMiniProgramEvent extends EventBase {
  Event: 'view_miniprogram'
  EventKey: string
  MenuId?: string
}
/** The outcome of a template message: `Status` is `success`, `failed:user block` or `failed: system failed`. */
export interface WechatTemplateSendJobFinishEvent extends EventBase {
  Event: 'TEMPLATESENDJOBFINISH'
  MsgID: string
  Status: string
}
/** A user opened customer service from a Mini Program. */
export interface WechatUserEnterTempSessionEvent extends EventBase {
  Event: 'user_enter_tempsession'
  SessionFrom: string
}
export interface WechatSubscribeMsgPopupEvent extends EventBase {
  Event: 'subscribe_msg_popup_event'
  List: Array<{ TemplateId: string; SubscribeStatusString: string; PopupScene?: number }>
}
export interface WechatSubscribeMsgChangeEvent extends EventBase {
  Event: 'subscribe_msg_change_event'
  List: Array<{ TemplateId: string; SubscribeStatusString: string }>
}
export interface WechatSubscribeMsgSentEvent extends EventBase {
  Event: 'subscribe_msg_sent_event'
  List: Array<{ TemplateId: string; MsgID: string; ErrorCode: number; ErrorStatus: string }>
}
/** The asynchronous verdict of a media content check (§14.3); `status_code` -1008: not downloadable. */
export interface WechatMediaCheckEvent extends EventBase {
  Event: 'wxa_media_check'
  appid?: string
  trace_id: string
  version?: number
  result?: { suggest: string; label: number }
  detail?: Array<{ strategy?: string; errcode?: number; suggest?: string; label?: number; prob?: number }>
  errcode?: number
  errmsg?: string
  status_code?: number
}
/** WeChat reminds a trading Mini Program to upload shipping information (§14.6). */
export interface WechatTradeManageRemindShippingEvent extends EventBase {
  Event: 'trade_manage_remind_shipping'
  transaction_id?: string
  merchant_id?: string
  merchant_trade_no?: string
  msg?: string
  [field: string]: unknown
}
/** An order was settled (§14.6). */
export interface WechatTradeManageOrderSettlementEvent extends EventBase {
  Event: 'trade_manage_order_settlement'
  transaction_id?: string
  merchant_id?: string
  merchant_trade_no?: string
  [field: string]: unknown
}

/** User messages by `MsgType`. */
export interface WechatUserMessages {
  text: WechatTextMessage
  image: WechatImageMessage
  voice: WechatVoiceMessage
  video: WechatVideoMessage
  shortvideo: WechatShortVideoMessage
  location: WechatLocationMessage
  link: WechatLinkMessage
  miniprogrampage: WechatMiniProgramPageMessage
}

/** Events by `Event`, exactly as WeChat spells them. */
export interface WechatEvents {
  subscribe: WechatSubscribeEvent
  unsubscribe: WechatUnsubscribeEvent
  SCAN: WechatScanEvent
  LOCATION: WechatLocationEvent
  CLICK: WechatClickEvent
  VIEW: WechatViewEvent
  view_miniprogram: WechatViewMiniProgramEvent
  TEMPLATESENDJOBFINISH: WechatTemplateSendJobFinishEvent
  user_enter_tempsession: WechatUserEnterTempSessionEvent
  subscribe_msg_popup_event: WechatSubscribeMsgPopupEvent
  subscribe_msg_change_event: WechatSubscribeMsgChangeEvent
  subscribe_msg_sent_event: WechatSubscribeMsgSentEvent
  wxa_media_check: WechatMediaCheckEvent
  trade_manage_remind_shipping: WechatTradeManageRemindShippingEvent
  trade_manage_order_settlement: WechatTradeManageOrderSettlementEvent
}

/** A push of a type wxkit has no type for: passed through with its fields, never rejected. */
export interface WechatUnknownPush extends WechatPushBase {
  Event?: string
  [field: string]: unknown
}

/** Every known user message and event. */
export type WechatKnownPush = WechatUserMessages[keyof WechatUserMessages] | WechatEvents[keyof WechatEvents]

/** Anything WeChat pushes: a known message or event (narrow on `MsgType`, then `Event`), or an unknown one. */
export type WechatPush = WechatKnownPush | WechatUnknownPush

/** The handler keys: a `MsgType`, `event.<Event>`, or `*` for the fallback. */
export type WechatPushKey = keyof WechatUserMessages | `event.${keyof WechatEvents}` | `event.${string}` | '*'

/** The message a handler registered under `key` receives. */
export type WechatPushFor<K extends string> = K extends keyof WechatUserMessages
  ? WechatUserMessages[K]
  : K extends `event.${infer E}`
    ? E extends keyof WechatEvents
      ? WechatEvents[E]
      : WechatUnknownPush & { MsgType: 'event'; Event: E }
    : WechatPush
