import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto'
import {
  PAY_PLATFORM_PUBLIC_KEY,
  PLATFORM_PUBLIC_KEY_PRIVATE,
} from '../packages/emulator/src/pay/platform-keys.js'
import { responseMessage, signSha256Rsa } from '../packages/pay/src/index.js'

/** The private half of the emulator's WeChat Pay public key: what only WeChat Pay signs with. */
export const WECHAT_PAY_SIGNING_KEY: KeyObject = createPrivateKey(PLATFORM_PUBLIC_KEY_PRIVATE)

/**
 * The `Wechatpay-*` headers of `body` as WeChat Pay signs them (§16.2), naming the emulator's public key
 * id: for bodies the emulator would never send (malformed, stale, or signed with `key`, a forger's).
 */
export function wechatPayHeaders(
  body: string,
  { key = WECHAT_PAY_SIGNING_KEY, timestampMs = Date.now() }: { key?: KeyObject; timestampMs?: number } = {},
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
