import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import Keyv from 'keyv'
import { WechatPayValidationError } from './errors.js'

/** Receives operational warnings (certificate refresh failures, unknown serials). */
export interface WechatPayLogger {
  warn(message: string, details?: Record<string, unknown>): void
}

/** The WeChat Pay public key of the merchant (the only mode new merchants get). */
export interface WechatPayPublicKey {
  /** Its id, `PUB_KEY_ID_…`: the `Wechatpay-Serial` of answers signed with it. */
  publicKeyId: string
  /** The public key, PEM or `KeyObject`. */
  publicKey: string | KeyObject
}

/** Retry policy for idempotent calls (GETs) on network errors, timeouts, 5xx and 429. */
export interface WechatPayRetryOptions {
  /**
   * Retries after the first attempt (0 disables).
   * @default 2
   */
  limit?: number | undefined
  /**
   * Delay before the first retry in ms; doubles each time, with ±25 % jitter.
   * @default 300
   */
  delayMs?: number | undefined
}

/** Options of {@link WechatPay}. Validated at construction. */
export interface WechatPayConfig {
  /** The merchant id (`mchid`). */
  mchId: string
  /** The default AppID for orders and client parameters (must be bound to the merchant). */
  appId: string
  /** The serial number of the merchant API certificate (goes into every `Authorization`). */
  merchantSerialNo: string
  /** The merchant API private key, PEM or `KeyObject`. Never leaves the process except as signatures. */
  privateKey: string | KeyObject
  /** The 32-byte APIv3 key that decrypts notifications and certificates. */
  apiV3Key: string
  /**
   * How answers are verified: the WeChat Pay public key, or `'certificates'` (platform certificates
   * downloaded from `/v3/certificates`). In public key mode a serial that is not the key's id is looked up
   * among the platform certificates, so a migration between the modes verifies both.
   */
  platform: WechatPayPublicKey | 'certificates'
  /**
   * API origin (point it at `@wxkit/emulator` in tests).
   * @default 'https://api.mch.weixin.qq.com'
   */
  baseURL?: string | undefined
  /**
   * Store for the downloaded platform certificates (one store for every instance of an app). Keys look
   * like `wxkit:pay:<mchId>:certificates`.
   * @default an in-memory Keyv
   */
  cache?: Keyv | undefined
  /**
   * Timeout of one HTTP attempt in ms.
   * @default 10000
   */
  timeout?: number | undefined
  /** Retries of idempotent calls. Order creation, closing and refunds are never retried blindly. */
  retry?: WechatPayRetryOptions | undefined
  /**
   * Receives warnings.
   * @default a no-op
   */
  logger?: WechatPayLogger | undefined
  /**
   * Clock in ms (a test seam).
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** {@link WechatPayConfig} with defaults applied and keys parsed. */
export interface ResolvedPayConfig {
  mchId: string
  appId: string
  merchantSerialNo: string
  privateKey: KeyObject
  apiV3Key: Buffer
  publicKey: { id: string; key: KeyObject } | undefined
  baseURL: string
  cache: Keyv
  timeout: number
  retry: { limit: number; delayMs: number }
  logger: WechatPayLogger
  now: () => number
}

/** The default of every option. */
export const PAY_DEFAULTS = {
  baseURL: 'https://api.mch.weixin.qq.com',
  timeout: 10_000,
  retry: { limit: 2, delayMs: 300 },
} as const

function fail(option: string, reason: string): never {
  throw new WechatPayValidationError(option, reason)
}

function nonEmpty(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(option, 'must be a non-empty string')
  return value
}

/** An RSA `KeyObject` of `type` from a PEM or a `KeyObject`; the error never echoes the value. */
function rsaKeyOf(type: 'private' | 'public', option: string, value: unknown): KeyObject {
  try {
    const key =
      typeof value === 'object' && value !== null && (value as KeyObject).type === type
        ? (value as KeyObject)
        : type === 'private'
          ? createPrivateKey(value as string)
          : createPublicKey(value as string)
    if (key.asymmetricKeyType !== 'rsa') fail(option, 'must be an RSA key')
    return key
  } catch (error) {
    if (error instanceof WechatPayValidationError) throw error
    // node's parse error may quote the key: a fixed message instead.
    fail(option, `must be a PEM RSA ${type} key or a ${type} KeyObject`)
  }
}

/** Applies defaults and validates; throws {@link WechatPayValidationError} naming the option. */
export function resolvePayConfig(config: WechatPayConfig): ResolvedPayConfig {
  if (typeof config !== 'object' || config === null) fail('config', 'must be an object')
  const mchId = nonEmpty('mchId', config.mchId)
  if (!/^\d{1,32}$/.test(mchId)) fail('mchId', 'must be the digits of a merchant id')
  const appId = nonEmpty('appId', config.appId)
  const merchantSerialNo = nonEmpty('merchantSerialNo', config.merchantSerialNo)
  if (!/^[0-9A-Fa-f]{1,64}$/.test(merchantSerialNo)) fail('merchantSerialNo', 'must be a hex serial number')
  const privateKey = rsaKeyOf('private', 'privateKey', config.privateKey)
  if (typeof config.apiV3Key !== 'string' || Buffer.byteLength(config.apiV3Key) !== 32)
    fail('apiV3Key', 'must be a string of exactly 32 bytes')
  const apiV3Key = Buffer.from(config.apiV3Key)

  let publicKey: ResolvedPayConfig['publicKey']
  if (config.platform === 'certificates') publicKey = undefined
  else if (typeof config.platform === 'object' && config.platform !== null) {
    const id = nonEmpty('platform.publicKeyId', config.platform.publicKeyId)
    if (!id.startsWith('PUB_KEY_ID_')) fail('platform.publicKeyId', 'must start with PUB_KEY_ID_')
    publicKey = { id, key: rsaKeyOf('public', 'platform.publicKey', config.platform.publicKey) }
  } else fail('platform', "must be { publicKeyId, publicKey } or 'certificates'")

  const baseURL = (config.baseURL ?? PAY_DEFAULTS.baseURL).replace(/\/+$/, '')
  try {
    const url = new URL(baseURL)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error()
  } catch {
    fail('baseURL', 'must be an http(s) URL')
  }
  const timeout = config.timeout ?? PAY_DEFAULTS.timeout
  if (!Number.isFinite(timeout) || timeout <= 0) fail('timeout', 'must be a positive number of ms')
  const limit = config.retry?.limit ?? PAY_DEFAULTS.retry.limit
  if (!Number.isInteger(limit) || limit < 0 || limit > 10)
    fail('retry.limit', 'must be an integer from 0 to 10')
  const delayMs = config.retry?.delayMs ?? PAY_DEFAULTS.retry.delayMs
  if (!Number.isFinite(delayMs) || delayMs < 0) fail('retry.delayMs', 'must be a non-negative number of ms')
  if (
    config.cache !== undefined &&
    !(config.cache instanceof Keyv) &&
    typeof (config.cache as { get?: unknown }).get !== 'function'
  )
    fail('cache', 'must be a Keyv instance')
  if (config.now !== undefined && typeof config.now !== 'function') fail('now', 'must be a function')
  if (config.logger !== undefined && typeof config.logger?.warn !== 'function')
    fail('logger', 'must have a warn(message, details) method')

  return {
    mchId,
    appId,
    merchantSerialNo: merchantSerialNo.toUpperCase(),
    privateKey,
    apiV3Key,
    publicKey,
    baseURL,
    cache: config.cache ?? new Keyv(),
    timeout,
    retry: { limit, delayMs },
    logger: config.logger ?? { warn: () => {} },
    now: config.now ?? Date.now,
  }
}
