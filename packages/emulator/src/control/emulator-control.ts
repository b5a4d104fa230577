import type { InjectFaultOptions } from '../faults.js'
import type {
  ConfigurePushOptions,
  EmittedPush,
  PushMessageOptions,
  PushResult,
  VerifyServerUrlOptions,
  VerifyServerUrlResult,
} from '../push/push-options.js'
import type { AccessTokenKind } from '../state/access-tokens.js'
import type { CodeKind, OAuthScope } from '../state/codes.js'
import type { DeliveredMessage } from '../state/delivered-message.js'
import type { RegisterTemplateOptions, SubscribeOptions } from '../state/subscriptions.js'
import type { TicketType } from '../state/tickets.js'
import { CONTENT_CONTROL_METHODS, type ContentControl } from './content-control.js'
import { CUSTOMER_SERVICE_CONTROL_METHODS, type CustomerServiceControl } from './customer-service-control.js'
import { LINKS_CONTROL_METHODS, type LinksControl } from './links-control.js'
import type { OfficialAccountControl } from './official-account-control.js'
import { PAY_CONTROL_METHODS, type PayControl } from './pay-control.js'
import { SHIPPING_CONTROL_METHODS, type ShippingControl } from './shipping-control.js'

/** The argument of `mintCode()`. */
export interface MintCodeOptions {
  /** `login` (a `wx.login` code), `phone` (a `getPhoneNumber` code) or `oauth` (a web OAuth code). */
  kind: CodeKind
  /** The app the code belongs to. @default the first app the emulator was started with */
  appId?: string
  /** The user. @default the app's default user */
  openid?: string
  /** The user's unionid, returned by jscode2session and OAuth (snsapi_userinfo) when set. */
  unionid?: string
  /** Phone codes: the number without country prefix. @default '13800138000' */
  phoneNumber?: string
  /** Phone codes: the country calling code. @default '86' */
  countryCode?: string
  /** OAuth codes: the scope granted. @default 'snsapi_userinfo' */
  scope?: OAuthScope
}

/** The argument of `revokeTokens()`. */
export interface RevokeTokensOptions {
  /** Revoke only this app's tokens. @default every app */
  appId?: string
}

/** What `counters()` reports. */
export interface EmulatorCounters {
  /** Requests per path, e.g. `{ '/cgi-bin/stable_token': 3 }`; faulted requests count, `/__wxkit/*` does not. */
  calls: Record<string, number>
  /** Global access tokens minted (classic and stable; repeat stable answers are not counted). */
  tokensIssued: number
  /** Tickets minted (repeat answers of a live ticket are not counted). */
  ticketsIssued: number
}

/** A live global access token, as `tokens()` lists it. */
export interface LiveToken {
  token: string
  appId: string
  kind: AccessTokenKind
  /** Emulator time in milliseconds since the epoch when it stops working. */
  expiresAt: number
}

/** A live ticket, as `tickets()` lists it. */
export interface LiveTicket {
  ticket: string
  appId: string
  type: TicketType
  /** Emulator time in milliseconds since the epoch when it expires. */
  expiresAt: number
}

/**
 * The emulator's control surface. Every method is async so the same interface works in process
 * (`emulator.control`) and over HTTP (`connectEmulator(url)`, `POST /__wxkit/<method>`).
 */
export interface EmulatorControl
  extends OfficialAccountControl,
    PayControl,
    LinksControl,
    ContentControl,
    CustomerServiceControl,
    ShippingControl {
  /** Forget tokens, tickets, codes, templates, subscriptions, messages, counters and faults; rewind the clock. */
  reset(): Promise<void>
  /**
   * Move the emulator's clock forward by `ms` milliseconds, so tokens, tickets and codes expire; the pay
   * notifications and `wxa_media_check` pushes that fell due are delivered before it resolves.
   */
  advanceClock(ms: number): Promise<void>
  /** Issue a login, phone or OAuth code, as the WeChat client would hand one to your front end. */
  mintCode(options: MintCodeOptions): Promise<string>
  /** Register a subscribe-message template and its keys. */
  registerTemplate(options: RegisterTemplateOptions): Promise<void>
  /** Record that a user accepted a template (one send per call, like `wx.requestSubscribeMessage`). */
  subscribe(options: SubscribeOptions): Promise<void>
  /** The subscribe, template and customer service messages delivered so far, oldest first. */
  messages(): Promise<DeliveredMessage[]>
  /** Request counts and token/ticket issuances. */
  counters(): Promise<EmulatorCounters>
  /** The global access tokens that work right now. */
  tokens(): Promise<LiveToken[]>
  /** The tickets that are live right now. */
  tickets(): Promise<LiveTicket[]>
  /** Make the next `times` (default 1) requests on `path` fail with `fault`. */
  injectFault(options: InjectFaultOptions): Promise<void>
  /** Invalidate the global access tokens (all, or one app's): they answer 40001 from now on. */
  revokeTokens(options?: RevokeTokensOptions): Promise<void>
  /**
   * Push one message to a server as WeChat does (signature, timestamp, nonce, openid, encryption per
   * mode, 5 s timeout, up to 3 tries) and report every try, the parsed reply and any user notice.
   */
  pushMessage(options: PushMessageOptions): Promise<PushResult>
  /** The console's "submit" check of a server URL: a signed GET with an echostr that must come back verbatim. */
  verifyServerUrl(options: VerifyServerUrlOptions): Promise<VerifyServerUrlResult>
  /** Where the emulator pushes the events it generates itself (e.g. `subscribe_msg_sent_event`). */
  configurePush(options: ConfigurePushOptions): Promise<void>
  /** The events the emulator generated and pushed, oldest first, each with its result once delivered. */
  pushes(): Promise<EmittedPush[]>
}

/** The names of the control methods, which are also the HTTP control paths (`POST /__wxkit/<name>`). */
export const CONTROL_METHODS = [
  'reset',
  'advanceClock',
  'mintCode',
  'registerTemplate',
  'subscribe',
  'messages',
  'counters',
  'tokens',
  'tickets',
  'injectFault',
  'revokeTokens',
  'pushMessage',
  'verifyServerUrl',
  'configurePush',
  'pushes',
  'follow',
  'unfollow',
  'registerOaTemplate',
  'scanQrCode',
  'clickMenu',
  ...PAY_CONTROL_METHODS,
  ...LINKS_CONTROL_METHODS,
  ...CONTENT_CONTROL_METHODS,
  ...CUSTOMER_SERVICE_CONTROL_METHODS,
  ...SHIPPING_CONTROL_METHODS,
] as const satisfies readonly (keyof EmulatorControl)[]
