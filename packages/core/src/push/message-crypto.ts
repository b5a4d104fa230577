import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto'
import { fillRandom } from '../crypto/random-pool.js'
import { WechatValidationError } from '../errors.js'
import { WechatMessageDecryptError } from './message-decrypt-error.js'

const BLOCK = 32
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const AES_KEY = /^[A-Za-z0-9]{43}$/

/** Options of {@link WechatMessageCrypto}. */
export interface WechatMessageCryptoOptions {
  /** The Token entered in the console (URL and message signatures). */
  token: string
  /** The 43-character EncodingAESKey from the console. */
  encodingAESKey: string
  /** The AppID (the trailing field of every plaintext; the corpid for WeCom). */
  appId: string
}

/** `sha1(sort(parts).join(''))`, lowercase hex (§9.1, §9.3). */
export function sortedSha1(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')
}

/** Longest text {@link signaturesEqual} compares in its scratch buffer (a sha1 hex is 40). */
const SCRATCH_CHARS = 64
/** Room for two texts of SCRATCH_CHARS UTF-16 units at up to 3 UTF-8 bytes each. */
const SCRATCH_HALF = 3 * SCRATCH_CHARS
const scratch = Buffer.allocUnsafe(2 * SCRATCH_HALF)

/**
 * Constant-time equality of two signatures (false for different lengths or non-strings). Both are
 * written into one reused scratch buffer rather than two new Buffers: the check runs twice per push.
 */
export function signaturesEqual(expected: string, actual: unknown): boolean {
  if (typeof actual !== 'string' || actual.length !== expected.length) return false
  if (expected.length > SCRATCH_CHARS) {
    const a = Buffer.from(expected)
    const b = Buffer.from(actual)
    return a.length === b.length && timingSafeEqual(a, b)
  }
  const a = scratch.write(expected, 0, SCRATCH_HALF, 'utf8')
  const b = scratch.write(actual, SCRATCH_HALF, SCRATCH_HALF, 'utf8')
  return a === b && timingSafeEqual(scratch.subarray(0, a), scratch.subarray(SCRATCH_HALF, SCRATCH_HALF + b))
}

/**
 * WeChat's message encryption (WXBizMsgCrypt, §9.3): AES-256-CBC with IV = key[0..16), PKCS#7 padded to
 * 32-byte blocks, plaintext `random(16) ‖ length(4) ‖ message ‖ appId`.
 *
 * @example
 * ```ts
 * const crypto = new WechatMessageCrypto({ token, encodingAESKey, appId })
 * const encrypt = crypto.encrypt('<xml>…</xml>')
 * const signature = crypto.signature(timestamp, nonce, encrypt) // msg_signature
 * crypto.decrypt(encrypt) // '<xml>…</xml>'
 * ```
 */
export class WechatMessageCrypto {
  readonly #token: string
  /**
   * The AES key as a KeyObject, made once: given a Buffer, every createCipheriv / createDecipheriv call
   * prepares a new secret key, which costs Node 24 several times the AES work of a whole message.
   */
  readonly #key: KeyObject
  readonly #iv: Buffer
  readonly #appId: Buffer

  constructor(options: WechatMessageCryptoOptions) {
    const { token, encodingAESKey, appId } = options ?? ({} as WechatMessageCryptoOptions)
    if (typeof token !== 'string' || token === '')
      throw new WechatValidationError('token', 'must be a non-empty string')
    if (typeof encodingAESKey !== 'string' || !AES_KEY.test(encodingAESKey)) {
      throw new WechatValidationError('encodingAESKey', 'must be 43 letters or digits')
    }
    if (typeof appId !== 'string' || appId === '')
      throw new WechatValidationError('appId', 'must be a non-empty string')
    this.#token = token
    const key = Buffer.from(`${encodingAESKey}=`, 'base64')
    this.#key = createSecretKey(key)
    this.#iv = key.subarray(0, 16)
    this.#appId = Buffer.from(appId, 'utf8')
  }

  /**
   * The signature of a request or reply: `sha1(sort([token, timestamp, nonce, encrypt?]))`. With
   * `encrypt` it is the `msg_signature` / `MsgSignature`; without, the URL `signature`.
   */
  signature(timestamp: string | number, nonce: string, encrypt?: string): string {
    const parts = [this.#token, String(timestamp), nonce]
    if (encrypt !== undefined) parts.push(encrypt)
    return sortedSha1(parts)
  }

  /**
   * Encrypt `message` (a reply's XML or JSON) to the base64 `Encrypt` value. `random` (16 bytes) exists for
   * reproducing test vectors only; by default 16 fresh random bytes are used, as the protocol requires.
   */
  encrypt(message: string, options: { random?: Uint8Array | string } = {}): string {
    const random = typeof options.random === 'string' ? Buffer.from(options.random, 'utf8') : options.random
    if (random !== undefined && random.length !== 16)
      throw new WechatValidationError('random', 'must be 16 bytes')
    // random(16) ‖ length(4) ‖ message ‖ appId ‖ pad, written into one buffer.
    const length = Buffer.byteLength(message, 'utf8')
    const size = 20 + length + this.#appId.length
    const pad = BLOCK - (size % BLOCK)
    const plain = Buffer.allocUnsafe(size + pad)
    if (random === undefined) fillRandom(plain, 0, 16)
    else plain.set(random, 0)
    plain.writeUInt32BE(length, 16)
    plain.write(message, 20, length, 'utf8')
    this.#appId.copy(plain, 20 + length)
    // Node pads to 16-byte blocks; WeChat pads to 32 (a pad of 17–32 bytes fails Node's own check).
    plain.fill(pad, size)
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false)
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
  }

  /**
   * Decrypt an `Encrypt` value and return the message.
   *
   * @throws {@link WechatMessageDecryptError} when it is not base64 of whole blocks, the key or pad is wrong,
   *   or the trailing appid is not this AppID.
   */
  decrypt(encrypt: string): string {
    if (typeof encrypt !== 'string' || !BASE64.test(encrypt)) throw new WechatMessageDecryptError('base64')
    const data = Buffer.from(encrypt, 'base64')
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatMessageDecryptError('base64')
    let plain: Buffer
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false)
      plain = Buffer.concat([decipher.update(data), decipher.final()])
    } catch {
      throw new WechatMessageDecryptError('padding')
    }
    const pad = plain[plain.length - 1] ?? 0
    if (pad < 1 || pad > BLOCK) throw new WechatMessageDecryptError('padding')
    // A pad longer than the plaintext starts the loop before index 0, where it reads undefined and refuses it.
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new WechatMessageDecryptError('padding')
    }
    const body = plain.subarray(0, plain.length - pad)
    if (body.length < 20) throw new WechatMessageDecryptError('padding')
    const length = body.readUInt32BE(16)
    if (20 + length > body.length) throw new WechatMessageDecryptError('padding')
    const appId = body.subarray(20 + length)
    if (appId.length !== this.#appId.length || !timingSafeEqual(appId, this.#appId)) {
      throw new WechatMessageDecryptError('appid')
    }
    return body.subarray(20, 20 + length).toString('utf8')
  }

  /** A fixed text, so `console.log(crypto)` cannot print the token or key. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'WechatMessageCrypto { token: ***, encodingAESKey: *** }'
  }
}
