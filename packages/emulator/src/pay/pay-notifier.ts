import { randomUUID } from 'node:crypto'
import type { MerchantRecord } from './merchants.js'
import {
  beijingTime,
  encryptForMerchant,
  type PlatformSigner,
  randomAlphanumeric,
} from './platform-signer.js'

/** WeChat Pay's delays between notification attempts (§16.4): 15 retries over 24 h 4 min. */
export const NOTIFY_RETRY_DELAYS_MS = [
  15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000, 3_600_000, 10_800_000,
  10_800_000, 10_800_000, 21_600_000, 21_600_000,
] as const

/** One delivery attempt of a notification. */
export interface NotificationAttempt {
  /** Emulator time (ms) the attempt was due and made at. */
  at: number
  /** The HTTP status answered, when there was an answer. */
  status?: number
  /** Why there was no answer (`timeout`, `ECONNREFUSED`…). */
  error?: string
}

/** A notification as `control.notifications()` lists it. */
export interface EmulatorNotification {
  id: string
  event_type: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'
  mchid: string
  /** The order's (or refund's) `notify_url`. */
  url: string
  /** Where it was actually sent (after `routeNotifyUrl`). */
  target: string
  out_trade_no: string
  out_refund_no?: string
  /** The exact body sent on every attempt. */
  body: string
  attempts: NotificationAttempt[]
  /** True once an attempt was answered 200 or 204. */
  acknowledged: boolean
  /** Emulator time of the next attempt; undefined when acknowledged or out of retries. */
  nextAttemptAt: number | undefined
}

const SUMMARY = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
} as const

/** How long one attempt may take before it counts as failed (WeChat Pay's is undocumented; 5 s chosen). */
export const NOTIFY_TIMEOUT_MS = 5000

/**
 * Signed, encrypted notifications to `notify_url`, retried on WeChat Pay's schedule on the emulator clock
 * until one attempt is answered 200 or 204. `deliverDue()` runs every attempt that is due, in order, so
 * `advanceClock(24 * 3600_000)` plays the whole day of retries.
 */
export class PayNotifier {
  readonly #list: EmulatorNotification[] = []
  readonly #routes = new Map<string, string>()
  /** Who each notification is for (kept apart so `list()` copies hold no key). */
  readonly #merchants = new Map<string, MerchantRecord>()
  #running: Promise<void> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(
    private readonly signer: PlatformSigner,
    private readonly now: () => number,
  ) {}

  /** Deliver `https://shop.example/…` to `http://127.0.0.1:1234/…` instead (test servers speak plain HTTP). */
  route(from: string, to: string): void {
    const origin = (value: string, name: string) => {
      try {
        const url = new URL(value)
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error()
        return url.origin
      } catch {
        throw new TypeError(`@wxkit/emulator: routeNotifyUrl ${name} must be an http(s) origin`)
      }
    }
    this.#routes.set(origin(from, 'from'), origin(to, 'to'))
  }

  /** Where a notify_url is really sent. */
  target(url: string): string {
    const parsed = new URL(url)
    const to = this.#routes.get(parsed.origin)
    return to ? to + parsed.pathname + parsed.search : url
  }

  /** Queue a notification and run its first attempt (resolves when that attempt is done). */
  enqueue(
    merchant: MerchantRecord,
    event: EmulatorNotification['event_type'],
    url: string,
    resource: Record<string, unknown>,
    ids: { out_trade_no: string; out_refund_no?: string },
  ): Promise<void> {
    const now = this.now()
    const originalType = event === 'TRANSACTION.SUCCESS' ? 'transaction' : 'refund'
    const id = randomUUID()
    const body = JSON.stringify({
      id,
      create_time: beijingTime(now),
      resource_type: 'encrypt-resource',
      event_type: event,
      summary: SUMMARY[event],
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ...encryptForMerchant(JSON.stringify(resource), merchant.apiV3Key, originalType),
      },
    })
    this.#list.push({
      id,
      event_type: event,
      mchid: merchant.mchid,
      url,
      target: this.target(url),
      ...ids,
      body,
      attempts: [],
      acknowledged: false,
      nextAttemptAt: now,
    })
    this.#merchants.set(id, merchant)
    return this.deliverDue()
  }

  /** Run every attempt that is due on the emulator clock, one notification after another. */
  deliverDue(): Promise<void> {
    // A failed pass must not stop later ones: the chain always continues.
    this.#running = this.#running
      .then(() => this.#pass())
      .catch((error: unknown) => {
        console.error('@wxkit/emulator internal error in notification delivery:', error)
      })
    return this.#running
  }

  /** A `WECHATPAY/SIGNTEST/` probe to `url` (one attempt, no retry); resolves to the answer's status. */
  async probe(
    url: string,
    merchant: MerchantRecord | undefined,
  ): Promise<{ status: number | undefined; error?: string }> {
    const body = JSON.stringify({
      id: randomUUID(),
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
    })
    const headers = this.signer.sign(merchant, body, this.now())
    headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomAlphanumeric(64)}`
    return this.#post(this.target(url), body, { ...headers })
  }

  /** Every notification so far, oldest first (copies). */
  list(): EmulatorNotification[] {
    return this.#list.map((n) => ({ ...n, attempts: n.attempts.map((attempt) => ({ ...attempt })) }))
  }

  clear(): void {
    this.#list.length = 0
    this.#merchants.clear()
    this.#routes.clear()
  }

  /** No more attempts (the emulator is closing). */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  async #pass(): Promise<void> {
    if (this.#stopped) return
    for (;;) {
      const now = this.now()
      const due = this.#list
        .filter((n) => n.nextAttemptAt !== undefined && n.nextAttemptAt <= now)
        .sort((a, b) => (a.nextAttemptAt as number) - (b.nextAttemptAt as number))[0]
      if (!due || this.#stopped) break
      await this.#attempt(due)
    }
    this.#arm()
  }

  async #attempt(notification: EmulatorNotification): Promise<void> {
    const at = notification.nextAttemptAt as number
    const merchant = this.#merchants.get(notification.id)
    const headers = this.signer.sign(merchant, notification.body, this.now())
    const outcome = await this.#post(notification.target, notification.body, { ...headers })
    notification.attempts.push({
      at,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    })
    if (outcome.status === 200 || outcome.status === 204) {
      notification.acknowledged = true
      notification.nextAttemptAt = undefined
      return
    }
    const delay = NOTIFY_RETRY_DELAYS_MS[notification.attempts.length - 1]
    notification.nextAttemptAt = delay === undefined ? undefined : at + delay
  }

  async #post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number | undefined; error?: string }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'User-Agent': 'Mozilla/4.0 (wxkit-emulator WeChat Pay)',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      })
      await response.arrayBuffer().catch(() => undefined)
      return { status: response.status }
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause
      const name = (error as Error)?.name
      return {
        status: undefined,
        error:
          name === 'TimeoutError'
            ? 'timeout'
            : typeof cause?.code === 'string'
              ? cause.code
              : 'network error',
      }
    }
  }

  /** A real-time timer for the next due attempt, so retries also happen without `advanceClock`. */
  #arm(): void {
    clearTimeout(this.#timer)
    if (this.#stopped) return
    const next = Math.min(...this.#list.map((n) => n.nextAttemptAt ?? Number.POSITIVE_INFINITY))
    if (!Number.isFinite(next)) return
    this.#timer = setTimeout(
      () => void this.deliverDue(),
      Math.max(0, Math.min(next - this.now(), 2 ** 31 - 1)),
    )
    this.#timer.unref()
  }
}
