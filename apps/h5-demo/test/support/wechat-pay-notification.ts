import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto'
import { DEFAULT_MERCHANT, PAY_PLATFORM_PUBLIC_KEY } from '@wxkit/emulator'
import { encryptResource, responseMessage, signSha256Rsa } from '@wxkit/pay'
import { PLATFORM_PUBLIC_KEY_PRIVATE } from '../../../../packages/emulator/src/pay/platform-keys.js'

/** The private half of the emulator's WeChat Pay public key: what only WeChat Pay can sign with. */
export const WECHAT_PAY_KEY = createPrivateKey(PLATFORM_PUBLIC_KEY_PRIVATE)
/** Someone else's RSA key: a forger's. */
export const FORGER_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

/** A `TRANSACTION.SUCCESS` body for `transaction`, encrypted with the emulator merchant's APIv3 key. */
export function transactionBody(transaction: Record<string, unknown>, id: string = randomUUID()): string {
  const nonce = randomBytes(6).toString('hex')
  return JSON.stringify({
    id,
    create_time: '2026-12-03T12:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ...encryptResource(JSON.stringify(transaction), DEFAULT_MERCHANT.apiV3Key, nonce, 'transaction'),
    },
  })
}

/** The `Wechatpay-*` headers over `body`, signed with `key` at `timestampMs`, naming the public key's id. */
export function wechatPayHeaders(
  body: string,
  key: KeyObject = WECHAT_PAY_KEY,
  timestampMs = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(timestampMs / 1000))
  const nonce = randomBytes(16).toString('hex')
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signSha256Rsa(responseMessage(timestamp, nonce, body), key),
    'wechatpay-serial': PAY_PLATFORM_PUBLIC_KEY.publicKeyId,
  }
}
