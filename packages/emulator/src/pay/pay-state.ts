import { AuthorizationChecker } from './authorization.js'
import { type EmulatorMerchant, MerchantRegistry } from './merchants.js'
import { PayLedger, type PayOrder } from './pay-ledger.js'
import { PayNotifier } from './pay-notifier.js'
import { PlatformSigner } from './platform-signer.js'
import { RefundLedger } from './refund-ledger.js'

/** Everything the emulated WeChat Pay remembers; `reset()` keeps the merchants. */
export class PayState {
  readonly merchants: MerchantRegistry
  readonly signer = new PlatformSigner()
  readonly auth: AuthorizationChecker
  readonly ledger = new PayLedger()
  readonly refunds = new RefundLedger(this.ledger)
  readonly notifier: PayNotifier
  /** Called when an order becomes paid (the shipping endpoints learn of it here). */
  readonly paidListeners: ((order: PayOrder) => void)[] = []

  constructor(merchants: readonly EmulatorMerchant[], now: () => number) {
    this.merchants = new MerchantRegistry(merchants)
    this.auth = new AuthorizationChecker(this.merchants)
    this.notifier = new PayNotifier(this.signer, now)
  }

  reset(): void {
    this.ledger.clear()
    this.refunds.clear()
    this.notifier.clear()
    this.auth.clear()
    this.signer.reset()
  }
}
