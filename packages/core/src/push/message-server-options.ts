import type Keyv from 'keyv'
import { WechatValidationError } from '../errors.js'
import type { WechatLock } from '../lock.js'

/** Where the message server reports problems; `error` falls back to `warn`. Never given secrets or plaintext. */
export interface WechatMessageLogger {
  warn(message: string, details?: object): void
  error?(message: string, details?: object): void
}

/** Options of {@link WechatMessageServer}. */
export interface WechatMessageServerOptions {
  /** The Token entered in the console. */
  token: string
  /** The AppID (checked inside every encrypted message). */
  appId: string
  /** The EncodingAESKey; needed for compatible and safe mode. */
  encodingAESKey?: string | undefined
  /**
   * The key before the last rotation: tried when `encodingAESKey` fails; the reply is encrypted with
   * whichever key worked.
   */
  previousEncodingAESKey?: string | undefined
  /**
   * Accept plaintext pushes (no `encrypt_type=aes`). A plaintext push's signature covers only the
   * timestamp and nonce, not the body, so once a key is set this is off unless you turn it on (e.g.
   * while switching the console from plaintext to safe mode).
   * @default true without `encodingAESKey`, false with one
   */
  acceptPlaintext?: boolean | undefined
  /**
   * The pushes are for a Mini Program, which cannot answer passively: a handler that returns anything but
   * `undefined` or `transfer_customer_service` is an error. JSON pushes are always treated so.
   * @default false
   */
  miniProgram?: boolean | undefined
  /** Dedupe across instances; use the store your instances share (e.g. Redis). @default process memory */
  store?: Keyv | undefined
  /** A `SET NX` lock (e.g. `createRedisLock`) that makes claims atomic across instances. */
  lock?: WechatLock | undefined
  /** After this, answer `success` and let the handler finish; its reply comes as `lateReply`. @default 4500 */
  replyTimeoutMs?: number | undefined
  /** Refuse timestamps further than this from the server's clock (replays). @default 300000 */
  timestampToleranceMs?: number | undefined
  /** Refuse larger bodies with 413. @default 65536 */
  bodyLimit?: number | undefined
  /** The bound of every dedupe store call. @default 1000 */
  storeTimeoutMs?: number | undefined
  /** @default console */
  logger?: WechatMessageLogger | undefined
  /** The clock, in milliseconds (for tests). @default Date.now */
  now?: (() => number) | undefined
}

/** The defaults of {@link WechatMessageServerOptions}. */
export const MESSAGE_SERVER_DEFAULTS = Object.freeze({
  replyTimeoutMs: 4500,
  timestampToleranceMs: 300_000,
  bodyLimit: 65_536,
  storeTimeoutMs: 1000,
})

/** The options with defaults applied and checked. */
export interface ResolvedMessageServerOptions {
  token: string
  appId: string
  keys: string[]
  acceptPlaintext: boolean
  miniProgram: boolean
  store: Keyv | undefined
  lock: WechatLock | undefined
  replyTimeoutMs: number
  timestampToleranceMs: number
  bodyLimit: number
  storeTimeoutMs: number
  logger: WechatMessageLogger
  now: () => number
}

const TOKEN = /^[A-Za-z0-9]{3,32}$/
const AES_KEY = /^[A-Za-z0-9]{43}$/

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new WechatValidationError(name, 'must be a positive number')
  }
  return value
}

/** Check the options at construction, so a typo fails at start-up, not on the thousandth push. */
export function resolveMessageServerOptions(
  options: WechatMessageServerOptions,
): ResolvedMessageServerOptions {
  const { token, appId, encodingAESKey, previousEncodingAESKey } =
    options ?? ({} as WechatMessageServerOptions)
  if (typeof token !== 'string' || !TOKEN.test(token)) {
    throw new WechatValidationError('token', 'must be the console Token: 3 to 32 letters or digits')
  }
  if (typeof appId !== 'string' || appId === '')
    throw new WechatValidationError('appId', 'must be a non-empty string')
  for (const [name, key] of Object.entries({ encodingAESKey, previousEncodingAESKey })) {
    if (key !== undefined && (typeof key !== 'string' || !AES_KEY.test(key))) {
      throw new WechatValidationError(name, 'must be 43 letters or digits')
    }
  }
  if (previousEncodingAESKey !== undefined && encodingAESKey === undefined) {
    throw new WechatValidationError('previousEncodingAESKey', 'needs encodingAESKey, the current key')
  }
  if (options.logger !== undefined && typeof options.logger?.warn !== 'function') {
    throw new WechatValidationError('logger', 'must have a warn(message, details) method')
  }
  const keys = [encodingAESKey, previousEncodingAESKey].filter((key): key is string => key !== undefined)
  return {
    token,
    appId,
    keys,
    acceptPlaintext: options.acceptPlaintext ?? keys.length === 0,
    miniProgram: options.miniProgram === true,
    store: options.store,
    lock: options.lock,
    replyTimeoutMs: positive(
      'replyTimeoutMs',
      options.replyTimeoutMs,
      MESSAGE_SERVER_DEFAULTS.replyTimeoutMs,
    ),
    timestampToleranceMs: positive(
      'timestampToleranceMs',
      options.timestampToleranceMs,
      MESSAGE_SERVER_DEFAULTS.timestampToleranceMs,
    ),
    bodyLimit: positive('bodyLimit', options.bodyLimit, MESSAGE_SERVER_DEFAULTS.bodyLimit),
    storeTimeoutMs: positive(
      'storeTimeoutMs',
      options.storeTimeoutMs,
      MESSAGE_SERVER_DEFAULTS.storeTimeoutMs,
    ),
    logger: options.logger ?? console,
    now: options.now ?? Date.now,
  }
}
