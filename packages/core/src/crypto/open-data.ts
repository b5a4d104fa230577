import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto'
import { WechatDecryptError } from '../errors.js'

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

function decode(field: string, value: string, expectedLength?: number): Buffer {
  // BASE64 needs at least one character, so it refuses the empty string too.
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new WechatDecryptError(`${field} is not base64`)
  }
  const bytes = Buffer.from(value, 'base64')
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new WechatDecryptError(`${field} must decode to ${expectedLength} bytes`)
  }
  return bytes
}

/**
 * Decrypts Mini Program open data (`wx.getUserInfo`, `getWeRunData`, …): AES-128-CBC with PKCS#7, key =
 * base64(session_key), then checks that `watermark.appid` equals `appId`.
 *
 * @throws {@link WechatDecryptError} on a bad key/iv/padding, non-JSON plaintext or a foreign watermark.
 *   The message never contains the key, the iv or the data.
 */
export function decryptOpenData<T = Record<string, unknown>>(
  appId: string,
  sessionKey: string,
  encryptedData: string,
  iv: string,
): T {
  const key = decode('sessionKey', sessionKey, 16)
  const ivBytes = decode('iv', iv, 16)
  const data = decode('encryptedData', encryptedData)
  let plain: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ivBytes)
    plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
  } catch {
    throw new WechatDecryptError('wrong session key, iv or padding')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(plain)
  } catch {
    throw new WechatDecryptError('plaintext is not JSON')
  }
  const watermark = (parsed as { watermark?: { appid?: unknown } } | null)?.watermark
  if (!watermark || watermark.appid !== appId) {
    throw new WechatDecryptError('watermark.appid does not match this AppID')
  }
  return parsed as T
}

/**
 * Checks a Mini Program `rawData` signature: `sha1(rawData + session_key)` in hex, compared in constant
 * time. Returns false (never throws) for a malformed signature.
 */
export function verifyRawData(rawData: string, signature: string, sessionKey: string): boolean {
  if (typeof rawData !== 'string' || typeof signature !== 'string' || typeof sessionKey !== 'string')
    return false
  const expected = createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest()
  if (!/^[0-9a-fA-F]{40}$/.test(signature)) return false
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
}
