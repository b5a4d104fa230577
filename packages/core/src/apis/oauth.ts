import type { ApiContext } from '../api-context.js'
import { callEndpoint } from '../call.js'
import type { ResolvedConfig } from '../config.js'
import { defineEndpoint } from '../endpoint.js'
import { ErrCode } from '../errcode.js'
import { isWechatError, WechatResponseError, WechatValidationError } from '../errors.js'
import type { RequestOptions } from '../request-options.js'
import { requireString, validateOauthState, validatePageUrl } from '../validate.js'

/** Options of {@link buildOauth2AuthorizeUrl}. */
export interface Oauth2AuthorizeOptions {
  /** Where WeChat redirects with `?code=…&state=…`; its domain must be the configured web-auth domain. */
  redirectUri: string
  /** `snsapi_base` (silent, openid only) or `snsapi_userinfo` (consent page, profile). */
  scope: 'snsapi_base' | 'snsapi_userinfo'
  /** Returned unchanged; use it against CSRF. `a-zA-Z0-9`, ≤ 128 characters. */
  state: string
  /** Force the consent popup. */
  forcePopup?: boolean
}

/** Result of `/sns/oauth2/access_token` and `/sns/oauth2/refresh_token` (a user-level token). */
export interface SnsOauth2Response {
  /** User-level token, valid for `sns/*` only. */
  access_token: string
  /** Seconds. */
  expires_in: number
  /** Valid 30 days. */
  refresh_token: string
  /** The user's id within this Official Account (present even for non-followers). */
  openid: string
  /** Comma-separated scopes. */
  scope: string
  /** Only with snsapi_userinfo and an Open Platform binding. */
  unionid?: string
  /** `1` for a snapshot-mode virtual user (treat as anonymous). */
  is_snapshotuser?: number
}

/** Result of `/sns/userinfo`. */
export interface SnsUserInfoResponse {
  /** The user's id within this Official Account. */
  openid: string
  /** Nickname. */
  nickname: string
  /** 1 male, 2 female, 0 unknown (coerced to a number). */
  sex: number
  /** Province from the profile. */
  province: string
  /** City from the profile. */
  city: string
  /** Country code, e.g. `CN`. */
  country: string
  /** Avatar URL; empty when there is none. */
  headimgurl: string
  /** Privileges (e.g. WeChat card holders). */
  privilege: string[]
  /** Only when the account is bound to an Open Platform account. */
  unionid?: string
}

/**
 * The authorize URL to open inside WeChat:
 * `…/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…#wechat_redirect`,
 * parameters in the order WeChat checks.
 */
export function buildOauth2AuthorizeUrl(config: ResolvedConfig, options: Oauth2AuthorizeOptions): string {
  if (options === null || typeof options !== 'object')
    throw new WechatValidationError('options', 'must be an object')
  const redirectUri = validatePageUrl('redirectUri', options.redirectUri)
  if (options.scope !== 'snsapi_base' && options.scope !== 'snsapi_userinfo') {
    throw new WechatValidationError('scope', "must be 'snsapi_base' or 'snsapi_userinfo'")
  }
  const state = validateOauthState(options.state)
  const popup = options.forcePopup ? '&forcePopup=true' : ''
  return (
    `${config.oauthBaseURL}/connect/oauth2/authorize?appid=${encodeURIComponent(config.appId)}` +
    `&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=${options.scope}` +
    `&state=${state}${popup}#wechat_redirect`
  )
}

function readOauth(endpoint: string, body: Partial<SnsOauth2Response>): SnsOauth2Response {
  if (typeof body.access_token !== 'string' || typeof body.openid !== 'string') {
    throw new WechatResponseError({ endpoint, reason: 'no access_token/openid in the response' })
  }
  const out: SnsOauth2Response = {
    access_token: body.access_token,
    expires_in: Number(body.expires_in),
    refresh_token: String(body.refresh_token ?? ''),
    openid: body.openid,
    scope: String(body.scope ?? ''),
  }
  if (typeof body.unionid === 'string') out.unionid = body.unionid
  if (body.is_snapshotuser !== undefined) out.is_snapshotuser = Number(body.is_snapshotuser)
  return out
}

/** `GET /sns/oauth2/access_token`: exchanges an OAuth code. A non-zero errcode always throws. */
export const snsOauth2 = defineEndpoint({
  method: 'GET',
  path: '/sns/oauth2/access_token',
  accessToken: false,
  codeUsedErrcodes: [ErrCode.CodeUsed],
  query: (code: string, { appId, appSecret }) => {
    requireString('code', code)
    return { appid: appId, secret: appSecret, code, grant_type: 'authorization_code' }
  },
  read: (body: Partial<SnsOauth2Response>) => readOauth('/sns/oauth2/access_token', body),
})

/** `GET /sns/oauth2/refresh_token`: renews a user-level token. */
export const snsRefreshToken = defineEndpoint({
  method: 'GET',
  path: '/sns/oauth2/refresh_token',
  accessToken: false,
  query: (refreshToken: string, { appId }) => {
    requireString('refreshToken', refreshToken)
    return { appid: appId, grant_type: 'refresh_token', refresh_token: refreshToken }
  },
  read: (body: Partial<SnsOauth2Response>) => readOauth('/sns/oauth2/refresh_token', body),
})

/** `GET /sns/userinfo` with a user-level token (needs `snsapi_userinfo`). */
export const snsUserInfo = defineEndpoint({
  method: 'GET',
  path: '/sns/userinfo',
  accessToken: false,
  query: ({
    accessToken,
    openid,
    lang = 'zh_CN',
  }: {
    accessToken: string
    openid: string
    lang?: string | undefined
  }) => {
    requireString('accessToken', accessToken)
    requireString('openid', openid)
    if (!['zh_CN', 'zh_TW', 'en'].includes(lang))
      throw new WechatValidationError('lang', "must be 'zh_CN', 'zh_TW' or 'en'")
    return { access_token: accessToken, openid, lang }
  },
  read: (body: Partial<SnsUserInfoResponse> & { sex?: unknown }): SnsUserInfoResponse => {
    if (typeof body.openid !== 'string') {
      throw new WechatResponseError({ endpoint: '/sns/userinfo', reason: 'no openid in the response' })
    }
    const out: SnsUserInfoResponse = {
      openid: body.openid,
      nickname: String(body.nickname ?? ''),
      sex: Number(body.sex ?? 0) || 0,
      province: String(body.province ?? ''),
      city: String(body.city ?? ''),
      country: String(body.country ?? ''),
      headimgurl: String(body.headimgurl ?? ''),
      privilege: Array.isArray(body.privilege) ? body.privilege.map(String) : [],
    }
    if (typeof body.unionid === 'string') out.unionid = body.unionid
    return out
  },
})

const INVALID_USER_TOKEN = new Set<number>([
  ErrCode.InvalidCredential,
  ErrCode.InvalidOpenid,
  ErrCode.InvalidAccessToken,
  ErrCode.AccessTokenExpired,
])

const snsAuthEndpoint = defineEndpoint({
  method: 'GET',
  path: '/sns/auth',
  accessToken: false,
  query: ({ accessToken, openid }: { accessToken: string; openid: string }) => {
    requireString('accessToken', accessToken)
    requireString('openid', openid)
    return { access_token: accessToken, openid }
  },
})

/**
 * `GET /sns/auth`: whether a user-level token is valid for `openid`. Resolves `false` for WeChat's
 * "invalid/expired token" and "invalid openid" answers (40001, 40003, 40014, 42001); other failures throw.
 */
export async function snsAuth(
  ctx: ApiContext,
  input: { accessToken: string; openid: string },
  options?: RequestOptions,
): Promise<boolean> {
  try {
    await callEndpoint(ctx, snsAuthEndpoint, input, options)
    return true
  } catch (error) {
    if (isWechatError(error) && INVALID_USER_TOKEN.has(error.errcode)) return false
    throw error
  }
}
