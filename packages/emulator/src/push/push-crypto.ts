import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// The emulator signs and encrypts pushes with its own small implementation of WXBizMsgCrypt (§9.3), not
// @wxkit/core's, so a bug in the client's crypto cannot be mirrored here and pass unnoticed.

const BLOCK = 32

/** `sha1(sort(parts).join(''))` in lowercase hex: the URL signature and the msg_signature (§9.1, §9.3). */
export function pushSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')
}

/** Whether two signatures are equal, compared in constant time. */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The 32-byte AES key of a 43-character EncodingAESKey. */
export function aesKey(encodingAESKey: string): Buffer {
  return Buffer.from(`${encodingAESKey}=`, 'base64')
}

/** `base64(AES-256-CBC(random(16) ‖ len ‖ msg ‖ appid))` with PKCS#7 padding to 32-byte blocks. */
export function encryptPush(
  encodingAESKey: string,
  appid: string,
  message: string,
  random = randomBytes(16),
): string {
  const msg = Buffer.from(message, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(msg.length)
  const plain = Buffer.concat([random, length, msg, Buffer.from(appid, 'utf8')])
  const pad = BLOCK - (plain.length % BLOCK)
  const key = aesKey(encodingAESKey)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64')
}

/** The message and trailing appid of an `Encrypt` value, or undefined when it does not decrypt cleanly. */
export function decryptPush(
  encodingAESKey: string,
  encrypt: string,
): { message: string; appid: string } | undefined {
  try {
    const data = Buffer.from(encrypt, 'base64')
    if (data.length === 0 || data.length % BLOCK !== 0) return undefined
    const key = aesKey(encodingAESKey)
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
    const plain = Buffer.concat([decipher.update(data), decipher.final()])
    const pad = plain[plain.length - 1] ?? 0
    if (pad < 1 || pad > BLOCK) return undefined
    const body = plain.subarray(0, plain.length - pad)
    if (body.length < 20) return undefined
    const length = body.readUInt32BE(16)
    if (20 + length > body.length) return undefined
    return {
      message: body.subarray(20, 20 + length).toString('utf8'),
      appid: body.subarray(20 + length).toString('utf8'),
    }
  } catch {
    return undefined
  }
}
