import { createCipheriv, createDecipheriv } from 'node:crypto'

/** An `AEAD_AES_256_GCM` resource as WeChat Pay sends it (notifications, `encrypt_certificate`). */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM'
  /** base64 of ciphertext followed by the 16-byte tag. */
  ciphertext: string
  /** The additional authenticated data (may be empty). */
  associated_data?: string | undefined
  /** The 12-character IV. */
  nonce: string
  original_type?: string | undefined
}

const TAG_LENGTH = 16

/**
 * Decrypts a resource with the 32-byte APIv3 key (§16.4): IV = `nonce`, AAD = `associated_data`, the last
 * 16 bytes of the decoded ciphertext are the tag. Throws a plain `Error` (no key material) when the key,
 * nonce, AAD or ciphertext is wrong.
 *
 * @example
 * ```ts
 * const json = decryptResource(notification.resource, apiV3Key)
 * ```
 */
export function decryptResource(
  resource: Pick<EncryptedResource, 'ciphertext' | 'associated_data' | 'nonce'>,
  apiV3Key: string | Uint8Array,
): string {
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length <= TAG_LENGTH) throw new Error('ciphertext too short')
  const key = Buffer.from(apiV3Key)
  if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce), {
      authTagLength: TAG_LENGTH,
    })
    decipher.setAAD(Buffer.from(resource.associated_data ?? ''))
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH))
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    // node's message ("Unsupported state or unable to authenticate data") carries nothing secret, but a
    // fixed text keeps every path alike.
    throw new Error('Unsupported state or unable to authenticate data')
  }
}

/** The inverse of {@link decryptResource}, for tests and emulators. */
export function encryptResource(
  plaintext: string,
  apiV3Key: string | Uint8Array,
  nonce: string,
  associatedData = '',
): { ciphertext: string; nonce: string; associated_data: string } {
  // GCM's tag is 16 bytes unless asked otherwise: what decryptResource expects.
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce))
  cipher.setAAD(Buffer.from(associatedData))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { ciphertext: data.toString('base64'), nonce, associated_data: associatedData }
}
