import { FaultQueue } from '../faults.js'
import type { EmulatorMerchant } from '../pay/merchants.js'
import { PayState } from '../pay/pay-state.js'
import { AccessTokenStore } from './access-tokens.js'
import { AppRegistry, type EmulatorApp } from './apps.js'
import { type EmulatorClock, OffsetClock } from './clock.js'
import { CodeStore } from './codes.js'
import { ContentRuleBook } from './content-rules.js'
import { CallCounter } from './counters.js'
import { CustomerServiceBook } from './customer-service.js'
import { FollowerBook } from './followers.js'
import { LimitedCodeCounter } from './limited-codes.js'
import { LinkBook } from './links.js'
import { LoginBook } from './logins.js'
import { MediaCheckQueue, mediaCheckEvent } from './media-checks.js'
import { MenuBook } from './menus.js'
import { type MiniProgramLimits, resolveMiniProgramLimits } from './mini-program-limits.js'
import { OAuthTokenStore } from './oauth-tokens.js'
import { PushService } from './push-service.js'
import { QrCodeTicketStore } from './qr-code-tickets.js'
import { SessionKeyBook } from './session-keys.js'
import { ShippingBook } from './shipping.js'
import { SubscriptionBook } from './subscriptions.js'
import { TempMediaStore } from './temp-media.js'
import { TemplateMessageBook } from './template-messages.js'
import { TicketStore } from './tickets.js'
import { UserDirectory } from './users.js'

/** Everything one emulator remembers; `reset()` forgets all of it except the apps. */
export class EmulatorState {
  readonly clock: OffsetClock
  readonly apps: AppRegistry
  readonly tokens = new AccessTokenStore()
  readonly tickets = new TicketStore()
  readonly codes = new CodeStore()
  readonly users = new UserDirectory()
  readonly sessionKeys = new SessionKeyBook()
  readonly oauthTokens = new OAuthTokenStore()
  readonly subscriptions = new SubscriptionBook()
  readonly followers = new FollowerBook()
  readonly templateMessages = new TemplateMessageBook()
  readonly customerService = new CustomerServiceBook()
  readonly qrCodeTickets = new QrCodeTicketStore()
  readonly menus = new MenuBook()
  /** Temporary media, kept 3 days (§15.5). */
  readonly tempMedia = new TempMediaStore()
  /** URL Links, Schemes and Short Links (§14.1). */
  readonly links: LinkBook
  /** Limited codes generated per app (§14.2). */
  readonly limitedCodes: LimitedCodeCounter
  /** When each user last logged in (`jscode2session`): content checks need one within 2 hours (§14.3). */
  readonly logins = new LoginBook()
  /** The keyword rules that decide content-security verdicts (`setContentRules`). */
  readonly contentRules = new ContentRuleBook()
  /** `media_check_async` verdicts waiting to be pushed as `wxa_media_check`. */
  readonly mediaChecks: MediaCheckQueue
  /** Payments the order shipping endpoints know, their uploads, and each app's shipping settings (§14.6). */
  readonly shipping = new ShippingBook()
  readonly calls = new CallCounter()
  readonly faults = new FaultQueue()
  /** Message push to the developer's server; other routes call `push.emit()` to push the events they cause. */
  readonly push: PushService
  /** The emulated WeChat Pay: merchants, orders, refunds, notifications (§16). */
  readonly pay: PayState

  constructor(
    apps: readonly EmulatorApp[],
    clock?: EmulatorClock,
    merchants: readonly EmulatorMerchant[] = [],
    miniProgram: MiniProgramLimits = {},
  ) {
    const limits = resolveMiniProgramLimits(miniProgram)
    this.links = new LinkBook(limits.links)
    this.limitedCodes = new LimitedCodeCounter(limits.limitedCodes)
    this.apps = new AppRegistry(apps)
    this.clock = new OffsetClock(clock)
    this.push = new PushService(() => this.clock.now())
    this.pay = new PayState(merchants, () => this.now())
    this.mediaChecks = new MediaCheckQueue(
      limits.mediaCheckDelayMs,
      () => this.now(),
      (check) => this.push.emit(check.appId, mediaCheckEvent(check)),
    )
    // An order paid through the emulated WeChat Pay becomes a payment the shipping endpoints know (issue 14).
    this.pay.paidListeners.push((order) => this.shipping.registerPaidOrder(order))
  }

  /** The emulator's current time in milliseconds. */
  now(): number {
    return this.clock.now()
  }

  /** The app used when a control call names none: the first one configured. */
  firstAppId(): string {
    const first = this.apps.list()[0]
    if (!first) throw new Error('@wxkit/emulator: no apps configured')
    return first.appId
  }

  /**
   * Forget tokens, tickets, codes, users, session keys, followers, templates, messages, customer service windows, QR codes, menus,
   * temporary media, counters, payments and their shipping, faults and push targets; rewind the clock.
   */
  reset(): void {
    this.tokens.clear()
    this.tickets.clear()
    this.codes.clear()
    this.users.clear()
    this.sessionKeys.clear()
    this.oauthTokens.clear()
    this.subscriptions.clear()
    this.followers.clear()
    this.templateMessages.clear()
    this.customerService.clear()
    this.qrCodeTickets.clear()
    this.menus.clear()
    this.tempMedia.clear()
    this.links.clear()
    this.limitedCodes.clear()
    this.logins.clear()
    this.contentRules.clear()
    this.mediaChecks.clear()
    this.shipping.clear()
    this.calls.clear()
    this.faults.clear()
    this.push.clear()
    this.pay.reset()
    this.clock.reset()
  }
}
