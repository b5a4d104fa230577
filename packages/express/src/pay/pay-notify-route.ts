import {
  isWechatPayResponseError,
  isWechatPayVerificationError,
  type PayNotification,
  type RefundNotificationResource,
  type Transaction,
} from '@wxkit/pay'
import type { Request, Response } from 'express'
import { isWechatRouteError } from '../errors.js'
import { readExactBody } from '../http/exact-body.js'
import { sendJson } from '../http/respond.js'
import { StoreClient } from '../session/store-client.js'
import { NotificationLedger, PayHandlerFailure, PayNotificationBusy } from './notification-ledger.js'
import type { PayNotifyContext, ResolvedPayNotifyOptions } from './pay-notify-options.js'

/** The largest notification accepted, as `@wxkit/pay` itself (a real one is a few KB). */
export const PAY_NOTIFY_BODY_LIMIT = 64 * 1024

/** The fixed messages of the route's failure answers: none ever carries an error's own text. */
const FAIL = {
  method: 'Only POST is accepted here',
  signature: 'The signature did not verify',
  malformed: 'The notification is malformed',
  tooLarge: `The body must be at most ${PAY_NOTIFY_BODY_LIMIT} bytes`,
  timeout: 'The body did not arrive in time',
  unreadable: 'The body could not be read',
  handler: 'The notification was not handled; retry later',
  busy: 'The notification is being handled; retry later',
  store: 'The notification could not be checked against the store; retry later',
  noHandler: 'No handler for this event type; retry later',
  internal: 'Internal error; retry later',
} as const

const STORE_OUTAGE = {
  down: '@wxkit/express: the pay notification store failed or did not answer in time; notifications are answered 500 FAIL (WeChat Pay retries them) until it answers again',
  up: '@wxkit/express: the pay notification store answers again',
  unavailable: 'The pay notification store is unavailable',
}

/** A failure the route answers: WeChat Pay's status and `{ code: 'FAIL', message }`, and whether to report it. */
interface Failure {
  status: number
  message: string
  /** A 5xx worth `onError` and the log (not a refusal of a forged or malformed request). */
  report: boolean
}

/**
 * WeChat Pay's notifications on Express: reads the exact body, verifies and decrypts it with
 * `pay.parseNotification`, runs the handler for its event once per notification `id` (see
 * {@link NotificationLedger}), and answers as WeChat Pay expects: `204` when handled now or before,
 * `{"code":"FAIL","message":…}` with `401` (signature, serial, timestamp, SIGNTEST probe), `400`
 * (malformed), `405`, `408`, `413`, or `500` (handler threw, store down or slow: WeChat Pay retries).
 */
export class PayNotifyRoute {
  readonly #options: ResolvedPayNotifyOptions
  readonly #ledger: NotificationLedger
  readonly #route: string

  constructor(options: ResolvedPayNotifyOptions, route: string) {
    this.#options = options
    this.#route = route
    const store = new StoreClient(options.store, options.storeTimeoutMs, options.logger, STORE_OUTAGE)
    this.#ledger = new NotificationLedger({
      store,
      lock: options.lock,
      scope: options.pay.mchId,
      lockTtlMs: options.lockTtlMs,
      lockWaitMs: options.lockWaitMs,
      doneTtlMs: options.doneTtlMs,
      onUnmarked: (id, error) =>
        this.#logError(
          '@wxkit/express: a pay notification was handled but its done marker could not be stored; a copy arriving after lockTtlMs may run the handler again',
          { id, error },
        ),
    })
    if (options.lock === undefined && !(options.store.store instanceof Map)) {
      options.logger.warn(
        '@wxkit/express: payNotifyRoutes has a shared store but no lock: copies of a notification arriving at the same instant on two instances may both run the handler; pass lock: createRedisLock(…) of @wxkit/redis',
      )
    }
  }

  /** Answers one request; never rejects. */
  async answer(req: Request, res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      this.#fail(res, { status: 405, message: FAIL.method, report: false })
      return
    }
    try {
      const body = await readExactBody(req, PAY_NOTIFY_BODY_LIMIT, this.#options.bodyTimeoutMs, this.#route)
      const notification = await this.#options.pay.parseNotification({ headers: req.headers, body })
      const handler = this.#handlerFor(notification, req)
      if (!handler) {
        this.#logError('@wxkit/express: a pay notification arrived for an event type without a handler', {
          id: notification.id,
          event_type: notification.event_type,
        })
        this.#fail(res, { status: 500, message: FAIL.noHandler, report: false })
        return
      }
      await this.#ledger.run(notification.id, handler)
      if (res.destroyed || res.writableEnded) return
      res.writeHead(204, { 'Cache-Control': 'no-store' })
      res.end()
    } catch (error) {
      const failure = this.#failureOf(error)
      if (failure.report) this.#report(error, req)
      this.#fail(res, failure)
    }
  }

  /** The handler for the notification's event, bound to its resource and context. */
  #handlerFor(notification: PayNotification, req: Request): (() => Promise<void>) | undefined {
    const { id, event_type, create_time, summary } = notification
    const context: PayNotifyContext = { id, event_type, create_time, summary, req }
    if (notification.event_type === 'TRANSACTION.SUCCESS') {
      const handler = this.#options.onTransaction
      const resource: Transaction = notification.resource
      return handler && (async () => void (await handler(resource, context)))
    }
    const handler = this.#options.onRefund
    const resource: RefundNotificationResource = notification.resource
    return handler && (async () => void (await handler(resource, context)))
  }

  #failureOf(error: unknown): Failure {
    if (isWechatPayVerificationError(error)) return { status: 401, message: FAIL.signature, report: false }
    if (isWechatPayResponseError(error)) return { status: 400, message: FAIL.malformed, report: false }
    if (error instanceof PayHandlerFailure) return { status: 500, message: FAIL.handler, report: true }
    if (error instanceof PayNotificationBusy) return { status: 500, message: FAIL.busy, report: false }
    if (isWechatRouteError(error)) {
      switch (error.code) {
        case 'payload_too_large':
          return { status: 413, message: FAIL.tooLarge, report: false }
        case 'request_timeout':
          return { status: 408, message: FAIL.timeout, report: false }
        case 'invalid_request':
          return { status: 400, message: FAIL.unreadable, report: false }
        case 'store_unavailable':
          return { status: 500, message: FAIL.store, report: true }
        case 'internal_error':
          // A body parser ran first: the error's message names it (no secret, only the parser).
          return { status: 500, message: error.message, report: true }
      }
    }
    // Anything else (e.g. a certificate download that failed during verification): WeChat Pay retries.
    return { status: 500, message: FAIL.internal, report: true }
  }

  #report(error: unknown, req: Request): void {
    const cause = error instanceof PayHandlerFailure ? error.cause : error
    if (error instanceof PayHandlerFailure) {
      this.#logError('@wxkit/express: a pay notification handler threw; WeChat Pay will retry it', {
        id: error.id,
        error: cause,
      })
    }
    try {
      this.#options.onError?.(cause, req)
    } catch {
      // A failing logger must not turn the answer into a crash.
    }
  }

  #logError(message: string, details: object): void {
    const { logger } = this.#options
    try {
      if (typeof logger.error === 'function') logger.error(message, details)
      else logger.warn(message, details)
    } catch {
      // As above.
    }
  }

  #fail(res: Response, failure: Failure): void {
    if (res.destroyed || res.writableEnded) return
    if (res.headersSent) {
      res.end()
      return
    }
    // The rest of an oversized or stalled body is not worth reading.
    if (failure.status === 413 || failure.status === 408) res.setHeader('Connection', 'close')
    sendJson(res, failure.status, { code: 'FAIL', message: failure.message })
  }
}
