import type { RefundNotificationResource } from './refund.js'
import type { Transaction } from './transaction.js'

/** Event types of payment and refund notifications (§16.4). */
export type PayEventType = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'

/** A verified, decrypted notification; narrow on `event_type` to type `resource`. */
export type PayNotification =
  | {
      id: string
      create_time: string
      event_type: 'TRANSACTION.SUCCESS'
      summary: string
      resource: Transaction
    }
  | {
      id: string
      create_time: string
      event_type: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'
      summary: string
      resource: RefundNotificationResource
    }

/** What `parseNotification` needs from the HTTP request. */
export interface NotificationInput {
  /** The request headers (a plain object of lower- or mixed-case names, or a `Headers`). */
  headers: Headers | Record<string, string | string[] | undefined>
  /** The exact raw body: bytes or the string as received. Never a re-serialised object. */
  body: Uint8Array | string
}
