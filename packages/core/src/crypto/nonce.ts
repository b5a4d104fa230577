import { randomByte } from './random-pool.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
// 248 = 4 * 62: bytes at or above it are rejected so every character is equally likely.
const LIMIT = 248

/**
 * A random `[A-Za-z0-9]` string from the CSPRNG (`crypto.randomFillSync`, drawn from a pooled buffer so
 * one call is cheap). Rejection sampling keeps the distribution uniform.
 *
 * @param length - number of characters (default 16)
 */
export function createNonce(length = 16): string {
  let out = ''
  while (out.length < length) {
    const byte = randomByte()
    if (byte < LIMIT) out += ALPHABET[byte % 62]
  }
  return out
}
