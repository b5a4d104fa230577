import { inspect } from 'node:util'
import type Keyv from 'keyv'
import type { ApiContext } from './api-context.js'
import {
  type MediaCheckAsyncRequest,
  type MediaCheckAsyncResponse,
  type MsgSecCheckRequest,
  type MsgSecCheckResponse,
  mediaCheckAsync,
  msgSecCheck,
} from './apis/content-security.js'
import { type CustomerMessage, sendCustomerMessage, setTyping } from './apis/customer-message.js'
import {
  BATCH_USER_INFO_MAX,
  type BatchUserInfoEntry,
  batchGetUserInfoChunk,
  batchUserList,
  type FollowersPage,
  getFollowers,
  getUserInfo,
  iterateFollowers,
  type UserInfo,
  type UserInfoLang,
} from './apis/followers.js'
import { createJsSdkConfig, type JsSdkConfig } from './apis/jssdk.js'
import {
  generatePermanentShortLink,
  generateScheme,
  generateShortLink,
  generateUrlLink,
  type QuerySchemeResponse,
  type QueryUrlLinkResponse,
  queryScheme,
  queryUrlLink,
  type SchemeRequest,
  type ShortLinkRequest,
  type UrlLinkRequest,
} from './apis/links.js'
import { createMenu, deleteMenu, type GetMenuResponse, getMenu, type Menu } from './apis/menu.js'
import {
  type GetUserPhoneNumberResponse,
  getUserPhoneNumber,
  type JsCode2SessionResponse,
  jsCode2Session,
} from './apis/mini-program.js'
import {
  buildOauth2AuthorizeUrl,
  type Oauth2AuthorizeOptions,
  type SnsOauth2Response,
  type SnsUserInfoResponse,
  snsAuth,
  snsOauth2,
  snsRefreshToken,
  snsUserInfo,
} from './apis/oauth.js'
import {
  createQrCodeTicket,
  type QrCodeTicketRequest,
  type QrCodeTicketResponse,
  qrCodeImageUrl,
} from './apis/qr-code-ticket.js'
import { getQrCode, type QrCodeRequest } from './apis/qrcode.js'
import {
  checkSessionKey,
  type ResetUserSessionKeyResponse,
  resetUserSessionKey,
  type SessionKeyRequest,
} from './apis/session-key.js'
import {
  type GetShippingOrderListRequest,
  type GetShippingOrderListResponse,
  type GetShippingOrderResponse,
  getShippingOrder,
  getShippingOrderList,
  isTradeManaged,
  isTradeManagementConfirmationCompleted,
  type NotifyConfirmReceiveRequest,
  notifyConfirmReceive,
  type ShippingOrderLookup,
  setShippingMsgJumpPath,
  type UploadCombinedShippingInfoRequest,
  type UploadShippingInfoRequest,
  uploadCombinedShippingInfo,
  uploadShippingInfo,
} from './apis/shipping.js'
import {
  getSubscribeTemplates,
  type PushTemplateConfig,
  type SubscribeMessageRequest,
  type SubscribeSendOptions,
  type SubscribeTemplate,
  sendMessage,
  sendMessageWithTemplate,
} from './apis/subscribe.js'
import {
  getTempMedia,
  type TempMedia,
  type UploadTempMediaRequest,
  type UploadTempMediaResponse,
  uploadTempMedia,
} from './apis/temp-media.js'
import {
  sendTemplateMessage,
  type TemplateMessageRequest,
  type TemplateMessageResponse,
} from './apis/template-message.js'
import { createWxaQrCode, getWxaCode, type WxaCodeRequest, type WxaQrCodeRequest } from './apis/wxa-code.js'
import { callEndpoint, send } from './call.js'
import { type ResolvedConfig, resolveConfig, type WechatConfig, type WechatEnv } from './config.js'
import { decryptOpenData, verifyRawData } from './crypto/open-data.js'
import type { Endpoint } from './endpoint.js'
import { ErrCode } from './errcode.js'
import { isWechatClientError, isWechatError } from './errors.js'
import { Events } from './events.js'
import type { RequestOptions, TokenOptions } from './request-options.js'
import { SharedCache } from './shared-cache.js'
import { TokenStore } from './token-store.js'
import { Transport } from './transport.js'
import { validatePageUrl } from './validate.js'
import { toCall, type WechatRequest } from './wechat-request.js'

/**
 * The WeChat server API client: Official Account JS-SDK and OAuth, Mini Program login, phone number,
 * QR codes and subscribe messages, with the access_token and jsapi_ticket cached in process memory in
 * front of a shared Keyv store.
 *
 * @example
 * ```ts
 * import { Wechat } from '@wxkit/core'
 * import KeyvRedis from '@keyv/redis'
 * import Keyv from 'keyv'
 *
 * const wechat = new Wechat({
 *   appId: process.env.WECHAT_APP_ID!,
 *   appSecret: process.env.WECHAT_APP_SECRET!,
 *   cache: new Keyv(new KeyvRedis(process.env.REDIS_URL)),
 * })
 * const { openid } = await wechat.jsCode2Session(code)
 * ```
 */
export class Wechat {
  /** The AppID this client acts for. */
  readonly appId: string
  /** The Mini Program environment. */
  readonly env: WechatEnv
  /**
   * The Keyv store this client caches tokens in (the `cache` option, or the in-memory default).
   * Middleware reuses it for its own records, so one Redis store serves a whole app.
   */
  readonly cache: Keyv
  readonly #config: ResolvedConfig
  readonly #events: Events
  readonly #transport: Transport
  readonly #tokens: TokenStore
  readonly #context: ApiContext
  #lastValidUrl: string | undefined;

  /**
   * What `console.log(wechat)` and `util.inspect` show: the AppID and environment only. The cache (tokens,
   * tickets, and the sessions middleware keeps there) is never printed, even at full depth.
   */
  [inspect.custom](): string {
    return `Wechat { appId: ${inspect(this.appId)}, env: ${inspect(this.env)} }`
  }

  /** @throws {@link WechatValidationError} naming the option when the configuration is invalid. */
  constructor(config: WechatConfig) {
    this.#config = resolveConfig(config)
    this.appId = this.#config.appId
    this.env = this.#config.env
    this.cache = this.#config.cache
    this.#events = new Events(this.#config.hooks, this.#config.logger)
    this.#transport = new Transport(this.#config, this.#events)
    const cache = new SharedCache(this.#config.cache, this.#events, this.#config.cacheTimeoutMs)
    this.#tokens = new TokenStore(this.#config, this.#transport, cache, this.#events)
    this.#context = { config: this.#config, transport: this.#transport, tokens: this.#tokens }
  }

  /**
   * The global access_token: from process memory, else the shared cache, else WeChat (one request per
   * process however many callers wait; with a `lock`, one per cluster).
   *
   * @example
   * ```ts
   * const token = await wechat.getAccessToken()
   * ```
   */
  getAccessToken(options: TokenOptions = {}): Promise<string> {
    return this.#observe(this.#tokens.getAccessToken(options.reload === true, options.signal))
  }

  /**
   * The JS-SDK jsapi_ticket, cached like the access_token.
   *
   * @example
   * ```ts
   * const ticket = await wechat.getJsTicket()
   * ```
   */
  getJsTicket(options: TokenOptions = {}): Promise<string> {
    return this.#observe(this.#tokens.getJsTicket(options.reload === true, options.signal))
  }

  /**
   * Signs a page URL for `wx.config`. The part from `#` on is not signed. With a warm cache this costs
   * one CSPRNG nonce and one sha1: no I/O.
   *
   * @param url - the full page URL (`location.href.split('#')[0]` on the client).
   * @throws {@link WechatValidationError} (`field: 'url'`) for anything but an absolute http(s) URL.
   * @example
   * ```ts
   * const config = await wechat.getJsSdkConfig('https://example.com/shop?id=42')
   * // wx.config({ ...config, jsApiList: ['updateAppMessageShareData'] })
   * ```
   */
  getJsSdkConfig(url: string, options?: { signal?: AbortSignal }): Promise<JsSdkConfig> {
    // The hot path: a URL check (skipped for a repeat of the last URL), one clock read, an in-memory
    // ticket, one nonce and one sha1. No store round trip, no JSON, no allocation beyond the result.
    try {
      this.#checkPageUrl(url)
    } catch (error) {
      return this.#observe(Promise.reject(error))
    }
    const signal = options?.signal
    const now = this.#config.now()
    const ticket = this.#tokens.peekJsTicket(now)
    if (ticket !== undefined && !signal?.aborted) {
      return Promise.resolve(createJsSdkConfig(this.appId, ticket, url, now))
    }
    return this.getJsTicket(signal ? { signal } : {}).then((value) =>
      createJsSdkConfig(this.appId, value, url, this.#config.now()),
    )
  }

  /**
   * {@link Wechat.getJsSdkConfig} without waiting, for a server that answers on its hot path: the signed
   * config when the jsapi_ticket is in process memory and fresh, else `undefined`, and then
   * `getJsSdkConfig` fetches the ticket (or says what is wrong with `url`). Never does I/O, never throws.
   *
   * @param url - the full page URL, as for `getJsSdkConfig`.
   * @example
   * ```ts
   * const config = wechat.peekJsSdkConfig(url) ?? (await wechat.getJsSdkConfig(url))
   * ```
   */
  peekJsSdkConfig(url: string): JsSdkConfig | undefined {
    try {
      this.#checkPageUrl(url)
    } catch {
      return undefined
    }
    const now = this.#config.now()
    const ticket = this.#tokens.peekJsTicket(now)
    return ticket === undefined ? undefined : createJsSdkConfig(this.appId, ticket, url, now)
  }

  /** Throws for a URL `getJsSdkConfig` cannot sign; a repeat of the last good URL is not checked again. */
  #checkPageUrl(url: string): void {
    if (url === this.#lastValidUrl) return
    validatePageUrl('url', url)
    this.#lastValidUrl = url
  }

  /**
   * `POST /wxa/getwxacodeunlimit`: an unlimited Mini Program code as image bytes (JPEG; PNG with
   * `is_hyaline`). JSON answers (HTTP 200) become a `WechatError`.
   *
   * @example
   * ```ts
   * const png = await wechat.getQrCode({ scene: 'id=42', page: 'pages/item/item', width: 430 })
   * await writeFile('code.jpg', png)
   * ```
   */
  getQrCode(request: QrCodeRequest, options?: RequestOptions): Promise<Uint8Array> {
    return this.#call(getQrCode, request, options)
  }

  /**
   * `POST /wxa/business/getuserphonenumber` with the code from `<button open-type="getPhoneNumber">`.
   *
   * @example
   * ```ts
   * const { phone_info } = await wechat.getUserPhoneNumber(e.detail.code)
   * ```
   */
  getUserPhoneNumber(code: string, options?: RequestOptions): Promise<GetUserPhoneNumberResponse> {
    return this.#call(getUserPhoneNumber, code, options)
  }

  /**
   * `GET /sns/jscode2session`: exchanges a `wx.login` code for `openid` and `session_key`.
   *
   * @example
   * ```ts
   * const { openid, session_key, unionid } = await wechat.jsCode2Session(code)
   * ```
   */
  jsCode2Session(code: string, options?: RequestOptions): Promise<JsCode2SessionResponse> {
    return this.#call(jsCode2Session, code, options)
  }

  /**
   * `GET /wxa/checksession`: whether `sessionKey` is still the user's current session_key. wxkit sends
   * only its hmac_sha256 signature (never the key), and redacts that too.
   *
   * @returns `true` when current, `false` when stale (WeChat's 87009).
   * @example
   * ```ts
   * if (!(await wechat.checkSessionKey({ openid, sessionKey: session_key }))) askForNewLogin()
   * ```
   */
  checkSessionKey(input: SessionKeyRequest, options?: RequestOptions): Promise<boolean> {
    return this.#call(checkSessionKey, input, options).catch((error: unknown) => {
      if (isWechatError(error) && error.errcode === ErrCode.InvalidSignature) return false
      throw error
    })
  }

  /**
   * `GET /wxa/resetusersessionkey`: replaces the user's session_key (signed with the current one, which
   * stops working). Not retried after a transport failure: the key may already have changed, in which
   * case the user logs in again (`jsCode2Session` then hands out the new key).
   *
   * @throws `WechatError` 87009 when `sessionKey` is not the current key.
   * @example
   * ```ts
   * const { session_key } = await wechat.resetUserSessionKey({ openid, sessionKey: old })
   * ```
   */
  resetUserSessionKey(
    input: SessionKeyRequest,
    options?: RequestOptions,
  ): Promise<ResetUserSessionKeyResponse> {
    return this.#call(resetUserSessionKey, input, options)
  }

  /**
   * `POST /cgi-bin/message/custom/send`: a customer service message (`text`, `image`, `link`,
   * `miniprogrampage`), allowed within 48 hours of the user's last message to you. Not retried after a
   * transport failure (the user may already have it).
   *
   * @throws {@link WechatValidationError} naming the field, before any request; `WechatError` 45015 when
   * the user has not written within 48 hours, 40003 for an unknown openid.
   * @example
   * ```ts
   * await wechat.sendCustomerMessage({ touser: openid, msgtype: 'text', text: { content: 'Your parcel left' } })
   * ```
   */
  sendCustomerMessage(message: CustomerMessage, options?: RequestOptions): Promise<void> {
    return this.#call(sendCustomerMessage, message, options)
  }

  /**
   * `POST /cgi-bin/message/custom/typing`: shows (`true`) or hides (`false`) "typing…" to the user, within
   * the same 48-hour window as customer service messages.
   *
   * @example
   * ```ts
   * await wechat.setTyping(openid, true)
   * ```
   */
  setTyping(openid: string, typing: boolean, options?: RequestOptions): Promise<void> {
    return this.#call(setTyping, { openid, typing }, options)
  }

  /**
   * `POST /cgi-bin/message/subscribe/send`. `miniprogram_state` defaults from `env` (develop → developer,
   * trial → trial, release → formal). Each value is checked against its key's type first (`thing1` ≤ 20
   * characters, `phrase3` ≤ 5 Chinese characters…, §7): a misfit is a `WechatValidationError` naming the key
   * and the rule, not a 47003. `{ validate: false }` skips that check.
   *
   * @example
   * ```ts
   * await wechat.sendMessage({ touser: openid, template_id: 'TPL', data: { thing1: { value: 'Shipped' } } })
   * ```
   */
  sendMessage(message: SubscribeMessageRequest, options?: SubscribeSendOptions): Promise<void> {
    return this.#call(sendMessage, { message, validate: options?.validate !== false }, options)
  }

  /**
   * `GET /wxaapi/newtmpl/gettemplate`: the account's private subscribe templates (an empty array when it
   * has none). A key's type is its prefix in `content` (`{{thing1.DATA}}` → thing).
   *
   * @example
   * ```ts
   * const templates = await wechat.getSubscribeTemplates()
   * const shipped = templates.find((t) => t.title === '发货通知')?.priTmplId
   * ```
   */
  getSubscribeTemplates(options?: RequestOptions): Promise<SubscribeTemplate[]> {
    return this.#call(getSubscribeTemplates, undefined, options)
  }

  /**
   * Sends a subscribe message from a template whose keys take `values` by position, each checked against
   * its key's type as in {@link Wechat.sendMessage} (unless `{ validate: false }`).
   *
   * @example
   * ```ts
   * const shipped = { templateId: 'TPL', templateKeys: ['thing1', 'time2'], page: 'pages/order/order' }
   * await wechat.sendMessageWithTemplate(shipped, ['Your parcel', '2024-05-01 10:00'], openid)
   * ```
   */
  sendMessageWithTemplate(
    template: PushTemplateConfig,
    values: unknown[],
    toUser: string,
    options?: SubscribeSendOptions,
  ): Promise<void> {
    const validate = options?.validate !== false
    return this.#call(sendMessageWithTemplate, { template, values, toUser, validate }, options)
  }

  /**
   * `GET /sns/oauth2/access_token`: exchanges a web OAuth code for a user-level token and openid.
   *
   * @example
   * ```ts
   * const { openid, access_token } = await wechat.snsOauth2(req.query.code)
   * ```
   */
  snsOauth2(code: string, options?: RequestOptions): Promise<SnsOauth2Response> {
    return this.#call(snsOauth2, code, options)
  }

  /**
   * `GET /sns/oauth2/refresh_token`: renews a user-level token.
   *
   * @example
   * ```ts
   * const renewed = await wechat.snsRefreshToken(saved.refresh_token)
   * ```
   */
  snsRefreshToken(refreshToken: string, options?: RequestOptions): Promise<SnsOauth2Response> {
    return this.#call(snsRefreshToken, refreshToken, options)
  }

  /**
   * `GET /sns/userinfo`: the user's profile (scope `snsapi_userinfo`).
   *
   * @example
   * ```ts
   * const user = await wechat.snsUserInfo(access_token, openid, 'en')
   * ```
   */
  snsUserInfo(
    accessToken: string,
    openid: string,
    lang?: 'zh_CN' | 'zh_TW' | 'en',
    options?: RequestOptions,
  ): Promise<SnsUserInfoResponse> {
    return this.#call(snsUserInfo, { accessToken, openid, lang }, options)
  }

  /**
   * `GET /sns/auth`: true when the user-level token is valid for `openid`.
   *
   * @example
   * ```ts
   * if (!(await wechat.snsAuth(access_token, openid))) redirectToLogin()
   * ```
   */
  snsAuth(accessToken: string, openid: string, options?: RequestOptions): Promise<boolean> {
    return this.#observe(snsAuth(this.#context, { accessToken, openid }, options))
  }

  /**
   * The OAuth authorize URL to open in WeChat (`#wechat_redirect` included).
   *
   * @example
   * ```ts
   * res.redirect(wechat.buildOauth2AuthorizeUrl({ redirectUri: 'https://example.com/cb', scope: 'snsapi_base', state }))
   * ```
   */
  buildOauth2AuthorizeUrl(options: Oauth2AuthorizeOptions): string {
    return buildOauth2AuthorizeUrl(this.#config, options)
  }

  /**
   * Decrypts Mini Program open data with the user's `session_key` and checks `watermark.appid`.
   *
   * @throws {@link WechatDecryptError} for a wrong key/iv, bad padding, or another app's watermark.
   * @example
   * ```ts
   * const data = wechat.decryptData(session_key, encryptedData, iv)
   * ```
   */
  decryptData<T = Record<string, unknown>>(sessionKey: string, encryptedData: string, iv: string): T {
    return decryptOpenData<T>(this.appId, sessionKey, encryptedData, iv)
  }

  /**
   * Checks `signature === sha1(rawData + sessionKey)` in constant time.
   *
   * @example
   * ```ts
   * if (!wechat.verifyRawData(rawData, signature, session_key)) throw new Error('tampered')
   * ```
   */
  verifyRawData(rawData: string, signature: string, sessionKey: string): boolean {
    return verifyRawData(rawData, signature, sessionKey)
  }

  /**
   * `POST /cgi-bin/message/template/send`: an Official Account template message to a follower.
   *
   * Not retried after a transport failure (the message may have been delivered): pass a `client_msg_id`
   * (e.g. your order id and event) and repeating the call is safe, since WeChat sends one message per user
   * and id. Delivery is reported later by the `TEMPLATESENDJOBFINISH` push.
   *
   * @throws {@link WechatValidationError} naming the field, before any request; `WechatError` 43004 when
   * the user does not follow, 40037 for an unknown template.
   * @example
   * ```ts
   * const { msgid } = await wechat.sendTemplateMessage({
   *   touser: openid,
   *   template_id: 'TEMPLATE_ID',
   *   url: 'https://example.com/orders/1001',
   *   client_msg_id: 'order-1001-shipped',
   *   data: { keyword1: { value: '1001' }, keyword2: { value: 'Shipped' } },
   * })
   * ```
   */
  sendTemplateMessage(
    message: TemplateMessageRequest,
    options?: RequestOptions,
  ): Promise<TemplateMessageResponse> {
    return this.#call(sendTemplateMessage, message, options)
  }

  /**
   * `POST /cgi-bin/qrcode/create`: a parameter QR code ticket. Scanning the code makes WeChat push
   * `subscribe` (with `EventKey: qrscene_<scene>`) for a new follower or `SCAN` for a follower.
   *
   * @throws {@link WechatValidationError} for a scene or `expire_seconds` outside WeChat's rules.
   * @example
   * ```ts
   * const { ticket } = await wechat.createQrCodeTicket({
   *   action_name: 'QR_STR_SCENE',
   *   expire_seconds: 600,
   *   action_info: { scene: { scene_str: 'visitor-7' } },
   * })
   * const src = wechat.qrCodeImageUrl(ticket)
   * ```
   */
  createQrCodeTicket(request: QrCodeTicketRequest, options?: RequestOptions): Promise<QrCodeTicketResponse> {
    return this.#call(createQrCodeTicket, request, options)
  }

  /**
   * The image URL of a parameter code (`<mpBaseURL>/cgi-bin/showqrcode?ticket=…`, the ticket URL-encoded).
   * It carries no token, so it can go to a browser as it is.
   *
   * @example
   * ```ts
   * res.send(`<img src="${wechat.qrCodeImageUrl(ticket)}" alt="Scan to follow">`)
   * ```
   */
  qrCodeImageUrl(ticket: string): string {
    return qrCodeImageUrl(this.#config.mpBaseURL, ticket)
  }

  /**
   * `GET /cgi-bin/user/info`: a user of the account. Narrow on `subscribe`: a non-follower comes back as
   * `{ subscribe: 0, openid, unionid? }`. There is no nickname or avatar (WeChat dropped them in 2021).
   *
   * @example
   * ```ts
   * const user = await wechat.getUserInfo(openid, { lang: 'en' })
   * if (user.subscribe === 1) console.log(user.subscribe_scene, user.qr_scene_str)
   * ```
   */
  getUserInfo(openid: string, options: RequestOptions & { lang?: UserInfoLang } = {}): Promise<UserInfo> {
    const { lang, ...rest } = options ?? {}
    return this.#call(getUserInfo, { openid, lang }, rest)
  }

  /**
   * `POST /cgi-bin/user/info/batchget`: several users at once, in the order given. WeChat takes 100 per
   * call; longer lists are split into several calls (one after another). Every entry is checked before
   * the first call.
   *
   * @example
   * ```ts
   * const users = await wechat.batchGetUserInfo([openidA, { openid: openidB, lang: 'en' }])
   * ```
   */
  async batchGetUserInfo(
    openids: readonly BatchUserInfoEntry[],
    options?: RequestOptions,
  ): Promise<UserInfo[]> {
    let list: ReturnType<typeof batchUserList>
    try {
      list = batchUserList(openids)
    } catch (error) {
      return this.#observe(Promise.reject(error))
    }
    const users: UserInfo[] = []
    for (let start = 0; start < list.length; start += BATCH_USER_INFO_MAX) {
      users.push(
        ...(await this.#call(batchGetUserInfoChunk, list.slice(start, start + BATCH_USER_INFO_MAX), options)),
      )
    }
    return users
  }

  /**
   * `GET /cgi-bin/user/get`: one raw page of follower openids (up to 10,000), starting after `nextOpenid`.
   * Most code wants {@link Wechat.followers} instead.
   *
   * @example
   * ```ts
   * const { total, data, next_openid } = await wechat.getFollowers()
   * ```
   */
  getFollowers(nextOpenid?: string, options?: RequestOptions): Promise<FollowersPage> {
    return this.#call(getFollowers, nextOpenid, options)
  }

  /**
   * Every follower's openid, fetched page by page as you iterate (`next_openid` until WeChat says done).
   *
   * @example
   * ```ts
   * for await (const openid of wechat.followers()) await sync(openid)
   * ```
   */
  followers(options?: RequestOptions): AsyncGenerator<string, void, undefined> {
    return iterateFollowers((next) => this.getFollowers(next, options))
  }

  /**
   * `POST /cgi-bin/menu/create`: replaces the custom menu. Counts, name/key/url byte lengths and button
   * types are checked before sending.
   *
   * @example
   * ```ts
   * await wechat.createMenu({
   *   button: [
   *     { type: 'click', name: 'Hello', key: 'SAY_HELLO' },
   *     { name: 'More', sub_button: [{ type: 'view', name: 'Shop', url: 'https://example.com/shop' }] },
   *   ],
   * })
   * ```
   */
  createMenu(menu: Menu, options?: RequestOptions): Promise<void> {
    return this.#call(createMenu, menu, options)
  }

  /**
   * `GET /cgi-bin/menu/get`: the current menu, or `undefined` when the account has none (46003).
   *
   * @example
   * ```ts
   * const current = await wechat.getMenu()
   * ```
   */
  getMenu(options?: RequestOptions): Promise<GetMenuResponse | undefined> {
    return this.#call(getMenu, undefined, options).catch((error: unknown) => {
      if (isWechatError(error) && error.errcode === ErrCode.MenuNotExist) return undefined
      throw error
    })
  }

  /**
   * `GET /cgi-bin/menu/delete`: removes the custom menu.
   *
   * @example
   * ```ts
   * await wechat.deleteMenu()
   * ```
   */
  deleteMenu(options?: RequestOptions): Promise<void> {
    return this.#call(deleteMenu, undefined, options)
  }

  /**
   * `POST /wxa/sec/order/upload_shipping_info` (§14.6): how a WeChat Pay payment was delivered, which a
   * trading Mini Program must report or WeChat may hold the money. Checked first: `order_key` by
   * `order_number_type` (1: `mchid` + `out_trade_no`, 2: `transaction_id`), `logistics_type` 1–4,
   * `delivery_mode` 1–2 (`is_all_delivered` required with 2), 1–15 `shipping_list` items (`item_desc`;
   * `tracking_no` and `express_company` for express; contacts masked), `upload_time` RFC 3339 with an
   * offset (a `Date` is written in `+08:00`), `payer.openid`. A payment's shipping can be uploaded and then
   * updated once, so a transport failure is not retried.
   *
   * @example
   * ```ts
   * await wechat.uploadShippingInfo({
   *   order_key: { order_number_type: 2, transaction_id },
   *   logistics_type: 1,
   *   delivery_mode: 1,
   *   shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: 'Blue mug' }],
   *   upload_time: new Date(),
   *   payer: { openid },
   * })
   * ```
   */
  uploadShippingInfo(request: UploadShippingInfoRequest, options?: RequestOptions): Promise<void> {
    return this.#call(uploadShippingInfo, request, options)
  }

  /**
   * `POST /wxa/sec/order/upload_combined_shipping_info`: the shipping of a combined payment, one entry
   * per sub-order in `sub_orders`, each checked like {@link Wechat.uploadShippingInfo}. Not retried.
   *
   * @example
   * ```ts
   * await wechat.uploadCombinedShippingInfo({
   *   order_key: { order_number_type: 1, mchid, out_trade_no: 'COMBINED-1' },
   *   sub_orders: [{ order_key: { order_number_type: 1, mchid, out_trade_no: 'SUB-1' }, logistics_type: 3, delivery_mode: 1, shipping_list: [{ item_desc: 'E-book' }] }],
   *   upload_time: new Date(),
   *   payer: { openid },
   * })
   * ```
   */
  uploadCombinedShippingInfo(
    request: UploadCombinedShippingInfoRequest,
    options?: RequestOptions,
  ): Promise<void> {
    return this.#call(uploadCombinedShippingInfo, request, options)
  }

  /**
   * `POST /wxa/sec/order/get_order`: one payment's shipping record and `order_state`, by `transaction_id`
   * or by `merchant_id` + `merchant_trade_no`. 10060001 when WeChat does not know the payment (it takes
   * about a minute to index a new one).
   *
   * @example
   * ```ts
   * const { order } = await wechat.getShippingOrder({ transaction_id })
   * if (order.order_state === 1) console.log('still to ship')
   * ```
   */
  getShippingOrder(
    request: ShippingOrderLookup,
    options?: RequestOptions,
  ): Promise<GetShippingOrderResponse> {
    return this.#call(getShippingOrder, request, options)
  }

  /**
   * `POST /wxa/sec/order/get_order_list`: a page of payments, filtered by `pay_time_range` (unix
   * **seconds**), `order_state` or `openid`; pass `last_index` back while `has_more`. `page_size` 1–100.
   *
   * @example
   * ```ts
   * const { order_list, has_more, last_index } = await wechat.getShippingOrderList({ order_state: 1 })
   * ```
   */
  getShippingOrderList(
    request?: GetShippingOrderListRequest,
    options?: RequestOptions,
  ): Promise<GetShippingOrderListResponse> {
    return this.#call(getShippingOrderList, request, options)
  }

  /**
   * `POST /wxa/sec/order/notify_confirm_receive`: reminds the buyer to confirm receipt of a shipped
   * payment, once per order; `received_time` in unix seconds or a `Date`. Not retried.
   *
   * @example
   * ```ts
   * await wechat.notifyConfirmReceive({ transaction_id, received_time: new Date() })
   * ```
   */
  notifyConfirmReceive(request: NotifyConfirmReceiveRequest, options?: RequestOptions): Promise<void> {
    return this.#call(notifyConfirmReceive, request, options)
  }

  /**
   * `POST /wxa/sec/order/set_msg_jump_path`: the page the shipping messages WeChat sends the buyer open.
   *
   * @example
   * ```ts
   * await wechat.setShippingMsgJumpPath('pages/order/detail')
   * ```
   */
  setShippingMsgJumpPath(path: string, options?: RequestOptions): Promise<void> {
    return this.#call(setShippingMsgJumpPath, path, options)
  }

  /**
   * `POST /wxa/sec/order/is_trade_managed`: whether WeChat manages this Mini Program's order shipping
   * (then every payment needs `uploadShippingInfo`).
   *
   * @example
   * ```ts
   * if (await wechat.isTradeManaged()) await wechat.uploadShippingInfo(shipping)
   * ```
   */
  isTradeManaged(options?: RequestOptions): Promise<boolean> {
    return this.#call(isTradeManaged, undefined, options)
  }

  /**
   * `POST /wxa/sec/order/is_trade_management_confirmation_completed`: whether the account finished the
   * shipping-management set-up in the console.
   *
   * @example
   * ```ts
   * const ready = await wechat.isTradeManagementConfirmationCompleted()
   * ```
   */
  isTradeManagementConfirmationCompleted(options?: RequestOptions): Promise<boolean> {
    return this.#call(isTradeManagementConfirmationCompleted, undefined, options)
  }

  /**
   * `POST /wxa/generate_urllink`: a `https://wxaurl.cn/…` link that opens the Mini Program from SMS, email or
   * a web page. Checked first: `path` without a query string, `query` (≤ 1024 of WeChat's characters), the
   * expiry in **seconds** (not milliseconds) at most 30 days ahead, or 1–30 days. `env_version` defaults
   * from `env`. Retried on transient failures (a repeat only mints another link).
   *
   * @example
   * ```ts
   * const link = await wechat.generateUrlLink({
   *   path: 'pages/item/item',
   *   query: 'id=42',
   *   expire_type: 1,
   *   expire_interval: 7,
   * })
   * ```
   */
  generateUrlLink(request: UrlLinkRequest, options?: RequestOptions): Promise<string> {
    return this.#call(generateUrlLink, request, options)
  }

  /**
   * `POST /wxa/query_urllink`: where a URL Link leads, when it expires, and the opens left today.
   *
   * @example
   * ```ts
   * const { url_link_info, quota_info } = await wechat.queryUrlLink(link)
   * ```
   */
  queryUrlLink(urlLink: string, options?: RequestOptions): Promise<QueryUrlLinkResponse> {
    return this.#call(queryUrlLink, urlLink, options)
  }

  /**
   * `POST /wxa/generatescheme`: a `weixin://dl/business/?t=…` scheme. The page, query and `env_version` go
   * inside `jump_wxa` (a top-level `env_version` is refused before sending: WeChat answers 47001).
   *
   * @example
   * ```ts
   * const scheme = await wechat.generateScheme({
   *   jump_wxa: { path: 'pages/item/item', query: 'id=42', env_version: 'release' },
   *   expire_time: Math.floor(Date.now() / 1000) + 3600,
   * })
   * ```
   */
  generateScheme(request: SchemeRequest, options?: RequestOptions): Promise<string> {
    return this.#call(generateScheme, request, options)
  }

  /**
   * `POST /wxa/queryscheme`: where a URL Scheme leads, when it expires, and the opens left today.
   *
   * @example
   * ```ts
   * const { scheme_info } = await wechat.queryScheme(scheme)
   * ```
   */
  queryScheme(scheme: string, options?: RequestOptions): Promise<QuerySchemeResponse> {
    return this.#call(queryScheme, scheme, options)
  }

  /**
   * `POST /wxa/genwxashortlink`: a Short Link (`#小程序://…`) to paste in WeChat chats, with the page's query
   * in `page_url`. A permanent one (`is_permanent: true`, 100,000 per app for good) is never retried after
   * a transport failure; a temporary one (30 days) is.
   *
   * @example
   * ```ts
   * const short = await wechat.generateShortLink({ page_url: 'pages/item/item?id=42', page_title: 'Item 42' })
   * ```
   */
  generateShortLink(request: ShortLinkRequest, options?: RequestOptions): Promise<string> {
    const endpoint = request?.is_permanent === true ? generatePermanentShortLink : generateShortLink
    return this.#call(endpoint, request, options)
  }

  /**
   * `POST /wxa/getwxacode`: a limited Mini Program code for a page **with** its query, as image bytes (JSON
   * answers become a `WechatError`, like `getQrCode`). Every code counts towards the app's 100,000 for good
   * (45029 after that), so a transport failure is not retried. Prefer `getQrCode` (unlimited) where a
   * 32-character scene is enough.
   *
   * @example
   * ```ts
   * const png = await wechat.getWxaCode({ path: 'pages/item/item?id=42', width: 430 })
   * ```
   */
  getWxaCode(request: WxaCodeRequest, options?: RequestOptions): Promise<Uint8Array> {
    return this.#call(getWxaCode, request, options)
  }

  /**
   * `POST /cgi-bin/wxaapp/createwxaqrcode`: a square QR code for a page with its query (≤ 128 bytes), as
   * image bytes or a `WechatError`; counts towards the same 100,000 as `getWxaCode` and is not retried.
   *
   * @example
   * ```ts
   * const png = await wechat.createWxaQrCode({ path: 'pages/item/item?id=42' })
   * ```
   */
  createWxaQrCode(request: WxaQrCodeRequest, options?: RequestOptions): Promise<Uint8Array> {
    return this.#call(createWxaQrCode, request, options)
  }

  /**
   * `POST /wxa/msg_sec_check` (v2): WeChat's verdict on user text before you publish it. The author must
   * have used the Mini Program in the last 2 hours (40003/43104 otherwise). Checked first: `openid`,
   * `scene` 1–4, `content` 1–2500 characters, `signature` with scene 1 only.
   *
   * @example
   * ```ts
   * const { result, trace_id } = await wechat.msgSecCheck({ openid, scene: 2, content: comment })
   * if (result.suggest !== 'pass') return holdForReview(trace_id)
   * ```
   */
  msgSecCheck(request: MsgSecCheckRequest, options?: RequestOptions): Promise<MsgSecCheckResponse> {
    return this.#call(msgSecCheck, request, options)
  }

  /**
   * `POST /wxa/media_check_async` (v2): starts a check of an image or audio file at a public URL and
   * answers its `trace_id` at once; the verdict arrives within 30 minutes as the `wxa_media_check` push
   * (`WechatMessageServer`, event `wxa_media_check`, same `trace_id`). Not retried after a transport
   * failure (a repeat would start a second check).
   *
   * @example
   * ```ts
   * const { trace_id } = await wechat.mediaCheckAsync({ media_url: imageUrl, media_type: 2, scene: 1, openid })
   * ```
   */
  mediaCheckAsync(
    request: MediaCheckAsyncRequest,
    options?: RequestOptions,
  ): Promise<MediaCheckAsyncResponse> {
    return this.#call(mediaCheckAsync, request, options)
  }

  /**
   * `POST /cgi-bin/media/upload`: stores a file as temporary media for 3 days and answers its `media_id`
   * (for `image.media_id`, `thumb_media_id`, …), sent as multipart/form-data with the file part `media`.
   * Checked before any request: `type`; `filename` with an extension allowed for it (image `.bmp .png .jpeg
   * .jpg .gif`, voice `.amr .mp3`, video `.mp4`, thumb `.jpg`); `data` a non-empty `Uint8Array` or `Blob`
   * within the limit (image and video 10 MiB, voice 2 MiB, thumb 64 KiB); `contentType` a MIME type. Not
   * retried after a transport failure (a repeat stores a second copy); the one token refresh still applies.
   *
   * @throws {@link WechatValidationError} naming the field, before any request; `WechatError` 40004
   * (media type), 40005 (file type), 40006 (file size) or 41005 (no file) from WeChat.
   * @example
   * ```ts
   * const { media_id } = await wechat.uploadTempMedia({ type: 'image', data: png, filename: 'parcel.png' })
   * await wechat.sendCustomerMessage({ touser: openid, msgtype: 'image', image: { media_id } })
   * ```
   */
  uploadTempMedia(
    request: UploadTempMediaRequest,
    options?: RequestOptions,
  ): Promise<UploadTempMediaResponse> {
    return this.#call(uploadTempMedia, request, options)
  }

  /**
   * `GET /cgi-bin/media/get`: a temporary media file's bytes (image, voice, thumb), or `{ video_url }` for
   * a video. Retried on transient failures (it only reads).
   *
   * @throws `WechatError` 40007 for a `media_id` that is unknown or older than 3 days.
   * @example
   * ```ts
   * const media = await wechat.getTempMedia(media_id)
   * if (media instanceof Uint8Array) await writeFile('parcel.png', media)
   * else console.log('download the video from', media.video_url)
   * ```
   */
  getTempMedia(mediaId: string, options?: RequestOptions): Promise<TempMedia> {
    return this.#call(getTempMedia, mediaId, options)
  }

  /**
   * Calls any WeChat endpoint wxkit does not wrap yet, with everything the wrapped ones get: the
   * access_token in the query (unless `accessToken: false`), the errcode checked, one compare-and-swap
   * token refresh after 40001/40014/42001, transient-failure retries when `idempotent`, secrets redacted
   * from every error, and the same typed errors.
   *
   * @throws {@link WechatValidationError} for a malformed request, before any I/O.
   * @example
   * ```ts
   * const { errcode, ...quota } = await wechat.request<{ errcode: number; quota: object }>({
   *   method: 'POST',
   *   path: '/cgi-bin/openapi/quota/get',
   *   json: { cgi_path: '/wxa/getwxacodeunlimit' },
   *   idempotent: true, // it only reads
   * })
   * ```
   */
  request<T = Record<string, unknown>>(request: WechatRequest): Promise<T> {
    return this.#request(request, 'json') as Promise<T>
  }

  /**
   * Like {@link Wechat.request}, for endpoints that answer a file: the body bytes, decided by Content-Type
   * (a JSON answer, which WeChat sends with HTTP 200 for errors, throws its `WechatError`).
   *
   * @example
   * ```ts
   * const jpeg = await wechat.requestBuffer({ method: 'POST', path: '/wxa/getwxacode', json: { path: 'pages/index/index' }, idempotent: true })
   * ```
   */
  requestBuffer(request: WechatRequest): Promise<Uint8Array> {
    return this.#request(request, 'bytes') as Promise<Uint8Array>
  }

  /** Releases the proxy agent's sockets (only needed with `proxy`). */
  async close(): Promise<void> {
    await this.#transport.close()
  }

  /** Calls a described endpoint and reports its final failure to `hooks.onError`. */
  #call<Input, Output, Body>(
    endpoint: Endpoint<Input, Output, Body>,
    input: Input,
    options: RequestOptions | undefined,
  ): Promise<Output> {
    return this.#observe(callEndpoint(this.#context, endpoint, input, options))
  }

  #request(request: WechatRequest, response: 'json' | 'bytes'): Promise<unknown> {
    let call: ReturnType<typeof toCall>
    try {
      call = toCall(request, response)
    } catch (error) {
      return this.#observe(Promise.reject(error))
    }
    const options: RequestOptions = {}
    if (request.retryable === false) options.retryable = false
    if (request.reloadAccessToken === true) options.reloadAccessToken = true
    if (request.signal) options.signal = request.signal
    return this.#observe(send(this.#context, call, options))
  }

  /** Reports final failures of a call to `hooks.onError`. */
  #observe<T>(promise: Promise<T>): Promise<T> {
    if (!this.#config.hooks.onError?.length) return promise
    return promise.catch((error: unknown) => {
      if (isWechatClientError(error)) this.#events.error({ endpoint: error.endpoint, error })
      throw error
    })
  }
}
