import {
  createCipheriv,
  createPrivateKey,
  createSign,
  type KeyObject,
  randomBytes,
  X509Certificate,
} from 'node:crypto'
import type { MerchantRecord } from './merchants.js'
import {
  PLATFORM_CERTIFICATES,
  PLATFORM_PUBLIC_KEY,
  PLATFORM_PUBLIC_KEY_ID,
  PLATFORM_PUBLIC_KEY_PRIVATE,
} from './platform-keys.js'

/** What `GET /v3/certificates` lists for one certificate. */
export interface ListedCertificate {
  serial_no: string
  effective_time: string
  expire_time: string
  encrypt_certificate: {
    algorithm: 'AEAD_AES_256_GCM'
    nonce: string
    associated_data: string
    ciphertext: string
  }
}

/** The signed headers of an answer or notification. */
export interface PlatformSignature {
  'Wechatpay-Timestamp': string
  'Wechatpay-Nonce': string
  'Wechatpay-Signature': string
  'Wechatpay-Serial': string
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random alphanumeric string (nonces; `AEAD_AES_256_GCM` wants 12 characters). */
export function randomAlphanumeric(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHANUMERIC[byte % 62]).join('')
}

/** AES-256-GCM with the merchant's APIv3 key, ciphertext ‖ tag in base64 (§16.4). */
export function encryptForMerchant(plaintext: string, apiV3Key: Buffer, associatedData: string) {
  const nonce = randomAlphanumeric(12)
  const cipher = createCipheriv('aes-256-gcm', apiV3Key, Buffer.from(nonce))
  cipher.setAAD(Buffer.from(associatedData))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { nonce, associated_data: associatedData, ciphertext: data.toString('base64') }
}

/** RFC 3339 in Beijing time, as WeChat Pay writes times. */
export function beijingTime(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

/**
 * The emulated WeChat Pay platform's signing side: the public key, and platform certificates that
 * `rotate()` moves through (the old one stays listed, so both serials verify during the change).
 */
export class PlatformSigner {
  readonly #publicKey = createPrivateKey(PLATFORM_PUBLIC_KEY_PRIVATE)
  readonly #certificates = PLATFORM_CERTIFICATES.map((entry) => ({
    ...entry,
    key: createPrivateKey(entry.privateKey),
    x509: new X509Certificate(entry.certificate),
  }))
  #active = 0

  /** The public key merchants configure in public key mode. */
  get publicKey(): { publicKeyId: string; publicKey: string } {
    return { publicKeyId: PLATFORM_PUBLIC_KEY_ID, publicKey: PLATFORM_PUBLIC_KEY }
  }

  /** Start signing with the next certificate (the previous stays listed). False when none is left. */
  rotate(): boolean {
    if (this.#active + 1 >= this.#certificates.length) return false
    this.#active += 1
    return true
  }

  /** The serial of the certificate that signs in certificate mode. */
  get activeSerial(): string {
    return this.#certificates[this.#active]?.serialNo ?? ''
  }

  /** Back to the first certificate only. */
  reset(): void {
    this.#active = 0
  }

  /** The signed headers for `body`, with the key the merchant's mode names. */
  sign(merchant: MerchantRecord | undefined, body: string, nowMs: number): PlatformSignature {
    const timestamp = String(Math.floor(nowMs / 1000))
    const nonce = randomAlphanumeric(32)
    const certificate = this.#certificates[this.#active]
    const [serial, key]: [string, KeyObject] =
      merchant?.platform === 'certificate' && certificate
        ? [certificate.serialNo, certificate.key]
        : [PLATFORM_PUBLIC_KEY_ID, this.#publicKey]
    const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(key, 'base64')
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': serial,
    }
  }

  /** The certificates listed now, each encrypted with the merchant's APIv3 key. */
  list(merchant: MerchantRecord): ListedCertificate[] {
    return this.#certificates.slice(0, this.#active + 1).map((entry) => ({
      serial_no: entry.serialNo,
      effective_time: beijingTime(Date.parse(entry.x509.validFrom)),
      expire_time: beijingTime(Date.parse(entry.x509.validTo)),
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM' as const,
        ...encryptForMerchant(entry.certificate, merchant.apiV3Key, 'certificate'),
      },
    }))
  }
}
