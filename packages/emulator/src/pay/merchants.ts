import { createPublicKey, type KeyObject } from 'node:crypto'
import { DEFAULT_MERCHANT_PRIVATE_KEY, DEFAULT_MERCHANT_PUBLIC_KEY } from './platform-keys.js'

/** How the emulator signs its answers and notifications to a merchant (§16.2). */
export type PayPlatformMode = 'publicKey' | 'certificate'

/** A WeChat Pay merchant the emulator knows. */
export interface EmulatorMerchant {
  /** The merchant id (digits). */
  mchid: string
  /** The serial number of the merchant API certificate, as `Authorization: … serial_no="…"` names it. */
  serialNo: string
  /** The merchant API public key (PEM): checks `Authorization` signatures and `paySign`. */
  publicKey: string
  /** The 32-byte APIv3 key the emulator encrypts notifications and certificates with. */
  apiV3Key: string
  /** The AppIDs bound to the merchant. @default every app of the emulator */
  appIds?: string[]
  /** How answers are signed: the WeChat Pay public key or the platform certificate. @default 'publicKey' */
  platform?: PayPlatformMode
}

/**
 * The merchant every emulator knows unless `merchants` says otherwise, with its private key so tests can
 * sign as it (a test key, public in this source).
 *
 * @example
 * ```ts
 * const pay = new WechatPay({ mchId: DEFAULT_MERCHANT.mchid, appId: DEFAULT_APP.appId,
 *   merchantSerialNo: DEFAULT_MERCHANT.serialNo, privateKey: DEFAULT_MERCHANT.privateKey,
 *   apiV3Key: DEFAULT_MERCHANT.apiV3Key, platform: PAY_PLATFORM_PUBLIC_KEY, baseURL: emulator.payBaseUrl })
 * ```
 */
export const DEFAULT_MERCHANT: Readonly<Required<Omit<EmulatorMerchant, 'appIds'>> & { privateKey: string }> =
  Object.freeze({
    mchid: '1900000001',
    serialNo: '3775B6A45ACD588826D15E583A95F5DD2C9EB4E0',
    publicKey: DEFAULT_MERCHANT_PUBLIC_KEY,
    privateKey: DEFAULT_MERCHANT_PRIVATE_KEY,
    apiV3Key: 'wxkitEmulatorApiV3Key0123456789a',
    platform: 'publicKey',
  })

/** A registered merchant with its key parsed. */
export interface MerchantRecord {
  mchid: string
  serialNo: string
  key: KeyObject
  apiV3Key: Buffer
  appIds: string[] | undefined
  platform: PayPlatformMode
}

/** Every merchant registered by option or `registerMerchant()`; survives `reset()` like the apps. */
export class MerchantRegistry {
  readonly #merchants = new Map<string, MerchantRecord>()

  constructor(merchants: readonly EmulatorMerchant[]) {
    for (const merchant of merchants) this.register(merchant)
  }

  /** Add or replace a merchant; throws a `TypeError` naming what is wrong. */
  register(merchant: EmulatorMerchant): MerchantRecord {
    const {
      mchid,
      serialNo,
      publicKey,
      apiV3Key,
      appIds,
      platform = 'publicKey',
    } = merchant ?? ({} as EmulatorMerchant)
    if (typeof mchid !== 'string' || !/^\d{1,32}$/.test(mchid))
      throw new TypeError('@wxkit/emulator: a merchant needs an mchid of digits')
    if (typeof serialNo !== 'string' || !/^[0-9A-Fa-f]{1,64}$/.test(serialNo))
      throw new TypeError('@wxkit/emulator: a merchant needs a hex serialNo')
    if (typeof apiV3Key !== 'string' || Buffer.byteLength(apiV3Key) !== 32)
      throw new TypeError('@wxkit/emulator: a merchant apiV3Key must be 32 bytes')
    if (platform !== 'publicKey' && platform !== 'certificate')
      throw new TypeError('@wxkit/emulator: a merchant platform must be "publicKey" or "certificate"')
    if (appIds !== undefined && (!Array.isArray(appIds) || appIds.some((id) => typeof id !== 'string')))
      throw new TypeError('@wxkit/emulator: a merchant appIds must be an array of strings')
    let key: KeyObject
    try {
      key = createPublicKey(publicKey)
    } catch {
      throw new TypeError('@wxkit/emulator: a merchant publicKey must be a PEM RSA public key')
    }
    const record: MerchantRecord = {
      mchid,
      serialNo: serialNo.toUpperCase(),
      key,
      apiV3Key: Buffer.from(apiV3Key),
      appIds,
      platform,
    }
    this.#merchants.set(mchid, record)
    return record
  }

  /** The merchant with `mchid`, if any. */
  get(mchid: string): MerchantRecord | undefined {
    return this.#merchants.get(mchid)
  }

  /** The merchant used when a control call names none: the first one. */
  first(): MerchantRecord | undefined {
    return this.#merchants.values().next().value
  }
}
