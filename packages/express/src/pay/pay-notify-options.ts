import type { WechatLock } from '@wxkit/core'
import type { PayEventType, RefundNotificationResource, Transaction, WechatPay } from '@wxkit/pay'
import type { Request } from 'express'
import type Keyv from 'keyv'

/** What a notification handler learns besides the decrypted resource. */
export interface PayNotifyContext {
  /** The notification's `id`: each one is handled once, whatever WeChat Pay retries or replays. */
  id: string
  /** `TRANSACTION.SUCCESS`, or `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`. */
  event_type: PayEventType
  /** When WeChat Pay created the notification (RFC 3339, Beijing time). */
  create_time: string
  /** WeChat Pay's summary, e.g. `支付成功`. */
  summary: string
  /** The request the notification came in (read its headers or `req.app` if you need them). */
  req: Request
}

/**
 * Handles a paid order. Resolve once the payment is recorded (and only then): the route then answers 204
 * and this notification `id` never reaches a handler again. Throw (or reject) to have WeChat Pay retry.
 */
export type PayTransactionHandler = (resource: Transaction, context: PayNotifyContext) => unknown

/** Handles a refund's outcome (`context.event_type` says which); resolves or throws like the above. */
export type PayRefundHandler = (resource: RefundNotificationResource, context: PayNotifyContext) => unknown

/** Receives the route's warnings (a store outage, once per outage) and errors (a handler that threw). */
export interface PayNotifyLogger {
  warn(message: string, details?: object): void
  /** @default `warn` */
  error?(message: string, details?: object): void
}

/** Options of `payNotifyRoutes(pay, options)`; give at least one handler. */
export interface PayNotifyRoutesOptions {
  /** Called once per `TRANSACTION.SUCCESS` notification with the decrypted transaction. */
  onTransaction?: PayTransactionHandler | undefined
  /** Called once per `REFUND.*` notification with the decrypted refund. */
  onRefund?: PayRefundHandler | undefined
  /**
   * Where the done markers live (one per handled notification `id`). Share a Redis-backed Keyv between
   * instances, together with `lock`, so a notification is handled once whichever instance it reaches.
   * @default an in-memory Keyv (one process); in `wechat()`, the session store
   */
  store?: Keyv | undefined
  /**
   * A cross-process lock (`createRedisLock()` of `@wxkit/redis`) taken per notification `id` while its
   * handler runs, so copies arriving at the same instant on two instances run it once. Within one process
   * the route always locks by itself.
   * @default none; in `wechat()`, `session.lock` or `config.lock`
   */
  lock?: WechatLock | undefined
  /**
   * Longest time in milliseconds one store or lock operation may take; a slower or failing store answers
   * `500 FAIL` (WeChat Pay retries), never `204`.
   * @default 1000; in `wechat()`, `session.storeTimeoutMs`
   */
  storeTimeoutMs?: number | undefined
  /**
   * How long the per-id lock is held at most: longer than your slowest handler. A process that dies
   * mid-handler blocks that notification for this long; a handler slower than this may run twice.
   * @default 300000 (5 minutes)
   */
  lockTtlMs?: number | undefined
  /**
   * How long a copy that finds the lock taken waits for the holder to finish (then 204) before it answers
   * `500 FAIL` so that WeChat Pay retries later.
   * @default 2000
   */
  lockWaitMs?: number | undefined
  /**
   * How long a notification `id` is remembered as handled. WeChat Pay retries for 24 h 4 min, so at least
   * 25 hours.
   * @default 172800000 (48 hours)
   */
  doneTtlMs?: number | undefined
  /**
   * Longest time in milliseconds the route waits for the request body; a slower body gets `408`.
   * @default 10000
   */
  bodyTimeoutMs?: number | undefined
  /** @default `console` */
  logger?: PayNotifyLogger | undefined
  /** Called with every error the route answers with a 5xx (a handler that threw, a store outage). */
  onError?: ((error: unknown, req: Request) => void) | undefined
}

/** The `pay` option of `wechat()`: the client and the route's options, mounted at `{prefix}/pay/notify`. */
export interface WechatPayNotifyOptions extends PayNotifyRoutesOptions {
  /** The `WechatPay` client of `@wxkit/pay` whose notifications arrive here. */
  client: WechatPay
}

/** The route's options after validation, with every default filled in. */
export interface ResolvedPayNotifyOptions {
  pay: WechatPay
  onTransaction: PayTransactionHandler | undefined
  onRefund: PayRefundHandler | undefined
  store: Keyv
  lock: WechatLock | undefined
  storeTimeoutMs: number
  lockTtlMs: number
  lockWaitMs: number
  doneTtlMs: number
  bodyTimeoutMs: number
  logger: PayNotifyLogger
  onError: ((error: unknown, req: Request) => void) | undefined
}

/** The defaults of {@link PayNotifyRoutesOptions}. */
export const PAY_NOTIFY_DEFAULTS = {
  storeTimeoutMs: 1000,
  lockTtlMs: 300_000,
  lockWaitMs: 2000,
  doneTtlMs: 48 * 3600_000,
  bodyTimeoutMs: 10_000,
} as const

/** The option keys of {@link PayNotifyRoutesOptions}, for the unknown-option check. */
export const PAY_NOTIFY_OPTION_KEYS = [
  'onTransaction',
  'onRefund',
  'store',
  'lock',
  'storeTimeoutMs',
  'lockTtlMs',
  'lockWaitMs',
  'doneTtlMs',
  'bodyTimeoutMs',
  'logger',
  'onError',
] as const
