import { sessionKeySignature } from '../crypto/session-key-signature.js'
import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/** The argument of `checkSessionKey` and `resetUserSessionKey`: the user and the key wxkit signs with. */
export interface SessionKeyRequest {
  /** The user's openid. */
  openid: string
  /** The user's session_key from `jsCode2Session` (never sent: wxkit sends its hmac signature). */
  sessionKey: string
}

/** Result of `/wxa/resetusersessionkey`: the user's new session_key (the old one stops working). */
export interface ResetUserSessionKeyResponse {
  openid: string
  /** Base64 of 16 bytes. Keep it on the server, like the one from `jsCode2Session`. */
  session_key: string
}

/** The query of both calls; the key only ever leaves as its signature (listed as secret in `redact.ts`). */
function signedQuery(input: SessionKeyRequest) {
  requireObject('request', input)
  const openid = requireString('openid', input.openid, 128)
  const sessionKey = requireString('sessionKey', input.sessionKey, 128)
  return { openid, signature: sessionKeySignature(sessionKey), sig_method: 'hmac_sha256' }
}

/** `GET /wxa/checksession` (§14.4): succeeds when the key is current; 87009 when it is stale. */
export const checkSessionKey = defineEndpoint({
  method: 'GET',
  path: '/wxa/checksession',
  query: signedQuery,
  read: (): true => true,
})

/**
 * `GET /wxa/resetusersessionkey` (§14.4). Not idempotent: a repeat after a lost answer would be signed
 * with the key the first attempt retired (87009), so transient failures are not retried.
 */
export const resetUserSessionKey = defineEndpoint({
  method: 'GET',
  path: '/wxa/resetusersessionkey',
  idempotent: false,
  query: signedQuery,
  read: (body: Partial<ResetUserSessionKeyResponse>): ResetUserSessionKeyResponse => {
    if (typeof body.openid !== 'string' || typeof body.session_key !== 'string') {
      throw new WechatResponseError({
        endpoint: '/wxa/resetusersessionkey',
        reason: 'no openid/session_key in the response',
      })
    }
    return { openid: body.openid, session_key: body.session_key }
  },
})
