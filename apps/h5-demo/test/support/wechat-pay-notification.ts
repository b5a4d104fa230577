import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import { encryptResource } from '@wxkit/pay'

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
