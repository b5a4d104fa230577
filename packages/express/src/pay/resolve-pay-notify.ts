import type { WechatLock } from '@wxkit/core'
import type { WechatPay } from '@wxkit/pay'
import type { Request } from 'express'
import type Keyv from 'keyv'
import {
  isKeyvLike,
  isPlainObject,
  optionError,
  rejectUnknownKeys,
  resolveCallback,
  resolveMilliseconds,
} from '../option-checks.js'
import { createMemoryStore } from '../session/memory-store.js'
import {
  PAY_NOTIFY_DEFAULTS,
  PAY_NOTIFY_OPTION_KEYS,
  type PayNotifyLogger,
  type PayNotifyRoutesOptions,
  type ResolvedPayNotifyOptions,
} from './pay-notify-options.js'

/** WeChat Pay retries a notification for 24 h 4 min: a done marker must outlive that. */
const MIN_DONE_TTL_MS = 25 * 3600_000

/** What `wechat()` fills in when its `pay` option leaves them out (its own store, lock, logger …). */
export interface PayNotifyFallbacks {
  store?: Keyv | undefined
  lock?: WechatLock | undefined
  storeTimeoutMs?: number | undefined
  bodyTimeoutMs?: number | undefined
  logger?: PayNotifyLogger | undefined
  onError?: ((error: unknown, req: Request) => void) | undefined
}

/**
 * Validates the notify route's options and fills in the defaults, so bad configuration fails at start-up.
 * `path` prefixes option names in messages (`'pay.'` in `wechat()`), `clientOption` names the client.
 */
export function resolvePayNotifyOptions(
  pay: unknown,
  options: unknown,
  naming: { path: string; clientOption: string },
  fallbacks: PayNotifyFallbacks = {},
): ResolvedPayNotifyOptions {
  const { path } = naming
  assertWechatPay(pay, naming.clientOption)
  if (!isPlainObject(options)) throw optionError(path.slice(0, -1) || 'options', 'must be an object')
  rejectUnknownKeys(path, options, [...PAY_NOTIFY_OPTION_KEYS])
  const value = options as PayNotifyRoutesOptions
  const onTransaction = resolveCallback(`${path}onTransaction`, value.onTransaction)
  const onRefund = resolveCallback(`${path}onRefund`, value.onRefund)
  if (!onTransaction && !onRefund) {
    throw optionError(
      `${path}onTransaction`,
      `or option "${path}onRefund" is required: the handler(s) to run`,
    )
  }
  if (value.store !== undefined && !isKeyvLike(value.store)) {
    throw optionError(`${path}store`, 'must be a Keyv instance')
  }
  if (value.lock !== undefined && typeof (value.lock as WechatLock)?.acquire !== 'function') {
    throw optionError(`${path}lock`, 'must be a lock with acquire(key, ttlMs), such as createRedisLock()')
  }
  const logger = value.logger ?? fallbacks.logger ?? console
  if (typeof logger?.warn !== 'function') throw optionError(`${path}logger`, 'must have warn(message)')
  const doneTtlMs = value.doneTtlMs ?? PAY_NOTIFY_DEFAULTS.doneTtlMs
  if (!Number.isSafeInteger(doneTtlMs) || doneTtlMs < MIN_DONE_TTL_MS) {
    throw optionError(
      `${path}doneTtlMs`,
      `must be a whole number of milliseconds, at least ${MIN_DONE_TTL_MS} (25 hours: WeChat Pay retries for 24 h 4 min)`,
    )
  }
  const ms = (option: keyof typeof PAY_NOTIFY_DEFAULTS, fallback: number | undefined) =>
    resolveMilliseconds(`${path}${option}`, value[option], fallback ?? PAY_NOTIFY_DEFAULTS[option])
  return {
    pay,
    onTransaction,
    onRefund,
    store: value.store ?? fallbacks.store ?? createMemoryStore(),
    lock: value.lock ?? fallbacks.lock,
    storeTimeoutMs: ms('storeTimeoutMs', fallbacks.storeTimeoutMs),
    lockTtlMs: ms('lockTtlMs', undefined),
    lockWaitMs: ms('lockWaitMs', undefined),
    doneTtlMs,
    bodyTimeoutMs: ms('bodyTimeoutMs', fallbacks.bodyTimeoutMs),
    logger,
    onError: resolveCallback(`${path}onError`, value.onError) ?? fallbacks.onError,
  }
}

/** Throws at start-up unless `pay` is a `WechatPay` (by shape, so duplicate installs work). */
function assertWechatPay(pay: unknown, option: string): asserts pay is WechatPay {
  const candidate = pay as Partial<WechatPay> | null | undefined
  if (typeof candidate?.parseNotification !== 'function' || typeof candidate.mchId !== 'string') {
    throw new TypeError(`@wxkit/express: ${option} must be a WechatPay client from @wxkit/pay`)
  }
}
