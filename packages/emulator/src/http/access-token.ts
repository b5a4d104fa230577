import type { Context } from 'hono'
import { WechatApiFailure } from '../errors.js'
import type { AccessTokenRecord } from '../state/access-tokens.js'
import type { EmulatorState } from '../state/emulator-state.js'
import type { OAuthTokenRecord } from '../state/oauth-tokens.js'
import { looksLikeAccessToken } from '../state/secrets.js'

/**
 * The global access_token of a business API call, taken from the query only (§0): missing 41001, never
 * issued 40001 when shaped like a token and 40014 otherwise, retired or revoked 40001, expired 42001.
 * A live web-OAuth user token answers 48001 (wrong token type, §10).
 */
export function requireAccessToken(c: Context, state: EmulatorState): AccessTokenRecord {
  const token = c.req.query('access_token')
  if (!token) throw new WechatApiFailure(41001)
  const now = state.now()
  const check = state.tokens.check(token, now)
  if (check?.ok) return check.record
  if (check) throw new WechatApiFailure(check.errcode)
  if (state.oauthTokens.check(token, now)?.ok) throw new WechatApiFailure(48001)
  throw new WechatApiFailure(looksLikeAccessToken(token) ? 40001 : 40014)
}

/**
 * The web-OAuth user token of an `/sns/*` call (§8.4, §8.5): missing 41001, never issued 40001 or 40014,
 * expired 42001; a live global token answers 48001 (wrong token type).
 */
export function requireOAuthToken(c: Context, state: EmulatorState): OAuthTokenRecord {
  const token = c.req.query('access_token')
  if (!token) throw new WechatApiFailure(41001)
  const now = state.now()
  const check = state.oauthTokens.check(token, now)
  if (check?.ok) return check.record
  if (check) throw new WechatApiFailure(check.errcode)
  if (state.tokens.check(token, now)?.ok) throw new WechatApiFailure(48001)
  throw new WechatApiFailure(looksLikeAccessToken(token) ? 40001 : 40014)
}
