/**
 * WeChat `errcode` values the client and its users act on (see the fact sheet, §10).
 *
 * Match on `errcode` only — `errmsg` wording varies.
 *
 * @example
 * ```ts
 * if (isWechatError(err) && err.errcode === ErrCode.CodeUsed) askForNewLogin()
 * ```
 */
export const ErrCode = {
  /** System busy; transient, retried with backoff on idempotent calls. */
  SystemBusy: -1,
  /** Success. */
  OK: 0,
  /** Invalid credential: the access_token is invalid or not the latest (on the token endpoint: bad AppSecret). */
  InvalidCredential: 40001,
  /** Invalid grant_type. */
  InvalidGrantType: 40002,
  /** Invalid openid. */
  InvalidOpenid: 40003,
  /** Temporary media: `type` is not image, voice, video or thumb. */
  InvalidMediaType: 40004,
  /** Temporary media: the file's extension is not allowed for its type. */
  InvalidFileType: 40005,
  /** Temporary media: the file is over its type's size limit. */
  InvalidFileSize: 40006,
  /** Temporary media: the media_id is unknown, another app's, or older than 3 days. */
  InvalidMediaId: 40007,
  /** Menu: 0 or more than 3 top-level buttons. */
  InvalidButtonCount: 40016,
  /** Menu: unknown button type. */
  InvalidButtonType: 40017,
  /** Menu: a top-level name over 16 bytes. */
  InvalidButtonNameSize: 40018,
  /** Menu: a key over 128 bytes. */
  InvalidButtonKeySize: 40019,
  /** Menu: a url over 1024 bytes. */
  InvalidButtonUrlSize: 40020,
  /** Menu: a third level of buttons. */
  InvalidSubButtonLevel: 40022,
  /** Menu: more than 5 sub-buttons. */
  InvalidSubButtonCount: 40023,
  /** Menu: unknown sub-button type. */
  InvalidSubButtonType: 40024,
  /** Menu: a sub-button name over 60 bytes. */
  InvalidSubButtonNameSize: 40025,
  /** Menu: a sub-button key over 128 bytes. */
  InvalidSubButtonKeySize: 40026,
  /** Menu: a sub-button url over 1024 bytes. */
  InvalidSubButtonUrlSize: 40027,
  /** user/info/batchget: more than 100 users. */
  InvalidOpenidListSize: 40032,
  /** Invalid AppID (also a token/code AppID mismatch). */
  InvalidAppId: 40013,
  /** Invalid access_token. */
  InvalidAccessToken: 40014,
  /** Invalid templateId. */
  InvalidTemplateId: 40037,
  /** Parameter QR code: unknown `action_name`. */
  InvalidActionName: 40052,
  /** Parameter QR code: a bad `action_info` (scene). */
  InvalidActionInfo: 40053,
  /** Invalid code (expired, reused or the wrong kind). */
  InvalidCode: 40029,
  /** Invalid refresh_token. */
  InvalidRefreshToken: 40030,
  /** Invalid arguments (QR code). */
  InvalidArgs: 40097,
  /** Invalid AppSecret. */
  InvalidAppSecret: 40125,
  /** Links: an invalid `path` (a query string in it, or not a page of the released app). */
  InvalidLinkPath: 40165,
  /** Links: an invalid `query` (characters outside WeChat's set; percent-encoding has been reported to trip it). */
  InvalidLinkQuery: 40212,
  /** Invalid QR scene characters. */
  InvalidScene: 40129,
  /** Code already used. */
  CodeUsed: 40163,
  /** The calling IP is not in the API IP whitelist. */
  IpNotWhitelisted: 40164,
  /** Limited codes: an invalid `path`. */
  InvalidCodePath: 40159,
  /** Invalid scene length, or the body is not JSON. */
  InvalidSceneLength: 40169,
  /** Code blocked (high-risk user). */
  CodeBlocked: 40226,
  /** AppSecret frozen. */
  AppSecretFrozen: 40243,
  /** access_token missing. */
  AccessTokenMissing: 41001,
  /** appid missing. */
  AppIdMissing: 41002,
  /** secret missing. */
  SecretMissing: 41004,
  /** Temporary media: no file part named `media`. */
  MediaDataMissing: 41005,
  /** code missing. */
  CodeMissing: 41008,
  /** Invalid page (QR code / subscribe message). */
  InvalidPage: 41030,
  /** access_token expired. */
  AccessTokenExpired: 42001,
  /** refresh_token expired. */
  RefreshTokenExpired: 42002,
  /** OAuth code expired. */
  CodeExpired: 42003,
  /** HTTPS required. */
  RequireHttps: 43003,
  /** Template message to a user who does not follow the account. */
  RequireSubscribe: 43004,
  /** Content security: the openid is not this app's (or has not used it lately). */
  AppIdOpenidMismatch: 43104,
  /** The user refused to receive the subscribe message. */
  UserRefused: 43101,
  /** Empty POST data. */
  EmptyPostData: 44002,
  /** Daily quota reached (a minute cap for getwxacodeunlimit). */
  QuotaExceeded: 45009,
  /** Limited codes: the app's 100,000 codes (getwxacode + createwxaqrcode, for good) are used up. */
  CodeLimitReached: 45029,
  /** Minute quota reached; retry next minute. */
  MinuteQuotaExceeded: 45011,
  /** Customer service: the user has not written within 48 hours. */
  ResponseOutOfTimeLimit: 45015,
  /** Customer service: too many messages since the user's last one. */
  ResponseCountLimit: 45047,
  /** The account has no custom menu. */
  MenuNotExist: 46003,
  /** Data format error (body not JSON). */
  DataFormatError: 47001,
  /** A template argument is invalid; errmsg names it. */
  ArgumentInvalid: 47003,
  /** API unauthorized (no permission or wrong token type). */
  ApiUnauthorized: 48001,
  /** User unauthorized. */
  UserUnauthorized: 50001,
  /** User limited. */
  UserLimited: 50002,
  /** The quota-clearing allowance of the month (10 clears) is used up. */
  QuotaClearLimitReached: 48006,
  /** rid lookup: no such rid. */
  RidNotFound: 76001,
  /** rid lookup: the rid is empty or malformed. */
  RidInvalid: 76002,
  /** rid lookup: the rid belongs to another account. */
  RidOtherAccount: 76003,
  /** rid lookup: the rid expired (rids are kept 7 days). */
  RidExpired: 76004,
  /** Quota API: invalid `cgi_path`. */
  InvalidCgiPath: 76021,
  /** Quota API: the token is not valid for that `cgi_path`. */
  CgiPathNotAllowed: 76022,
  /** Links: the Mini Program has no released version. */
  NotReleased: 85079,
  /** Links: the long-term quota (permanent short links) is used up. */
  LongTermLinkQuotaReached: 85400,
  /** Links: `expire_time` out of range (usually milliseconds passed for seconds). */
  LinkExpireTimeInvalid: 85401,
  /** Links: `expire_interval` out of range (1–30 days). */
  LinkExpireIntervalInvalid: 85402,
  /** Links: no such URL Link or Scheme (query_urllink, queryscheme). */
  LinkNotFound: 85403,
  /** Links: the daily visit limit is reached. */
  LinkDailyVisitLimit: 85406,
  /** The reserved `scancode_time` field was sent (QR code). */
  ScancodeTimeNotAllowed: 85096,
  /** Session key: the signature was not made with the user's current session_key (the key is stale). */
  InvalidSignature: 87009,
  /** Shipping: WeChat does not know the payment (new payments take about a minute to index, §14.6). */
  PaymentNotFound: 10060001,
  /** Shipping: the payment cannot be shipped (refunded, or receipt already confirmed). */
  PaymentNotShippable: 10060004,
  /** Awaiting admin confirmation of a risky call. */
  AwaitingConfirmation: 89501,
  /** The call needs admin confirmation (risk control). */
  NeedsConfirmation: 89503,
  /** Rejected twice in 24 h, blocked for 24 h. */
  BlockedDay: 89506,
  /** Rejected once in 1 h, blocked for 1 h. */
  BlockedHour: 89507,
} as const

/** Any value of {@link ErrCode}. */
export type ErrCodeValue = (typeof ErrCode)[keyof typeof ErrCode]

/** The errcodes that mean "this global access_token is no good": refresh (compare-and-swap) and retry once. */
export const TOKEN_INVALID_ERRCODES: ReadonlySet<number> = new Set([
  ErrCode.InvalidCredential,
  ErrCode.InvalidAccessToken,
  ErrCode.AccessTokenExpired,
])
