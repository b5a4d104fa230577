import { decryptResource } from './crypto/aead-aes-256-gcm.js'
import { WechatPayResponseError } from './errors.js'
import type { PlatformKeys } from './platform-keys.js'
import { readSignedHeaders } from './signed-headers.js'
import type { NotificationInput, PayNotification } from './types/notification.js'

const EVENT_TYPES = new Set(['TRANSACTION.SUCCESS', 'REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'])
/** Far above any real notification (a few KB); bounds the work a hostile sender can cause. */
const MAX_BODY_BYTES = 64 * 1024

const bad = (reason: string): never => {
  throw new WechatPayResponseError(reason)
}

/** Verify over the raw bytes, then parse, then decrypt: the order §16.4 asks for. */
export async function parsePayNotification(
  input: NotificationInput,
  keys: PlatformKeys,
  apiV3Key: Buffer,
): Promise<PayNotification> {
  const body = input?.body
  if (typeof body !== 'string' && !(body instanceof Uint8Array))
    bad('the body must be the raw bytes or string as received')
  const bytes = typeof body === 'string' ? Buffer.from(body) : (body as Uint8Array)
  if (bytes.length > MAX_BODY_BYTES) bad('the body is too large for a notification')
  await keys.verify(readSignedHeaders(input.headers ?? {}), bytes)

  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return bad('the body is not JSON')
  }
  // JSON that is not an object (null, an array, a string, a number) has no string `id`: refused just below.
  const { id, create_time, event_type, summary, resource } = (parsed ?? {}) as Record<string, unknown>
  if (typeof id !== 'string' || id === '' || id.length > 64)
    bad('id must be a string of at most 64 characters')
  if (typeof event_type !== 'string' || !EVENT_TYPES.has(event_type)) bad('unknown event_type')
  const encrypted = resource as Record<string, unknown> | undefined
  if (
    encrypted?.algorithm !== 'AEAD_AES_256_GCM' ||
    typeof encrypted.ciphertext !== 'string' ||
    typeof encrypted.nonce !== 'string' ||
    (encrypted.associated_data !== undefined && typeof encrypted.associated_data !== 'string')
  )
    bad('resource must be an AEAD_AES_256_GCM resource')
  let plaintext: string
  try {
    plaintext = decryptResource(
      encrypted as { ciphertext: string; nonce: string; associated_data?: string },
      apiV3Key,
    )
  } catch (error) {
    return bad(`the resource does not decrypt with the APIv3 key (${(error as Error).message})`)
  }
  let decrypted: unknown
  try {
    decrypted = JSON.parse(plaintext)
  } catch {
    return bad('the decrypted resource is not JSON')
  }
  if (!decrypted || typeof decrypted !== 'object') bad('the decrypted resource is not an object')
  return {
    id,
    create_time: typeof create_time === 'string' ? create_time : '',
    event_type,
    summary: typeof summary === 'string' ? summary : '',
    resource: decrypted,
  } as PayNotification
}
