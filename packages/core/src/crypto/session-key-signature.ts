import { createHmac } from 'node:crypto'

/**
 * The `signature` WeChat's session-key endpoints take (§14.4): hex hmac_sha256 of the empty string, keyed
 * with the session_key (the base64 string as UTF-8). It proves possession of the key, so it is as secret
 * as the key itself: `redact.ts` lists it.
 *
 * @example
 * ```ts
 * const signature = sessionKeySignature(session_key)
 * ```
 */
export function sessionKeySignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex')
}
