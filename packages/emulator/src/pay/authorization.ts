import { createVerify } from 'node:crypto'
import type { MerchantRecord, MerchantRegistry } from './merchants.js'
import { PayApiFailure } from './pay-failure.js'

const SCHEME = 'WECHATPAY2-SHA256-RSA2048 '
const MAX_SKEW_MS = 5 * 60_000
const signError = (message: string) => new PayApiFailure(401, 'SIGN_ERROR', message)

/**
 * Checks `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`
 * against `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY\n` (§16.1) and the merchant's public key.
 * Every failure is 401 `SIGN_ERROR`, as WeChat Pay answers. A nonce seen in the last five minutes is
 * refused too (a replayed request), which real WeChat Pay does not document.
 */
export class AuthorizationChecker {
  readonly #seenNonces = new Map<string, number>()

  constructor(private readonly merchants: MerchantRegistry) {}

  check(
    header: string | undefined,
    method: string,
    pathWithQuery: string,
    body: string,
    nowMs: number,
  ): MerchantRecord {
    if (!header?.startsWith(SCHEME)) throw signError('Authorization 头缺失或格式错误')
    const fields = new Map<string, string>()
    for (const part of header.slice(SCHEME.length).split(',')) {
      const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part)
      if (!match?.[1] || match[2] === undefined || fields.has(match[1]))
        throw signError('Authorization 头格式错误')
      fields.set(match[1], match[2])
    }
    const mchid = fields.get('mchid')
    const nonce = fields.get('nonce_str')
    const signature = fields.get('signature')
    const timestamp = fields.get('timestamp')
    const serial = fields.get('serial_no')
    if (!mchid || !nonce || !signature || !timestamp || !serial) throw signError('Authorization 头缺少字段')
    const merchant = this.merchants.get(mchid)
    if (!merchant) throw signError('商户号不存在')
    if (serial.toUpperCase() !== merchant.serialNo) throw signError('商户证书序列号有误')
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs - Number(timestamp) * 1000) > MAX_SKEW_MS)
      throw signError('请求时间戳与当前时间相差过大')
    let valid = false
    try {
      valid = createVerify('RSA-SHA256')
        .update(`${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`)
        .verify(merchant.key, signature, 'base64')
    } catch {
      valid = false
    }
    if (!valid) throw signError('签名错误')
    for (const [seen, at] of this.#seenNonces) if (nowMs - at > MAX_SKEW_MS) this.#seenNonces.delete(seen)
    const nonceKey = `${mchid}:${nonce}`
    if (this.#seenNonces.has(nonceKey)) throw signError('重复的请求随机串')
    this.#seenNonces.set(nonceKey, nowMs)
    return merchant
  }

  clear(): void {
    this.#seenNonces.clear()
  }
}
