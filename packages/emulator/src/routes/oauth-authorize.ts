import { type Context, Hono } from 'hono'
import type { EmulatorState } from '../state/emulator-state.js'
import { authorizeErrorPage, consentPage } from './oauth-pages.js'

const ORDER = ['appid', 'redirect_uri', 'response_type', 'scope', 'state'] as const
const SCOPES = ['snsapi_base', 'snsapi_userinfo'] as const

/** A refused authorize request: the errcode and message WeChat's error page shows. */
class AuthorizeRefusal extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message)
  }
}

interface AuthorizeRequest {
  appId: string
  redirectUri: string
  scope: (typeof SCOPES)[number]
  state: string
}

/**
 * `GET /connect/oauth2/authorize` (§8.1). Parameters must come in WeChat's order (appid, redirect_uri,
 * response_type, scope, state); errors are shown on an HTML page (HTTP 200, `X-Wxkit-Errcode` header).
 * snsapi_base redirects at once (silent authorization); snsapi_userinfo shows the consent page, or redirects
 * at once with `autoApprove`. Allow redirects to `redirect_uri?code=…&state=…`, Deny to `redirect_uri?state=…`.
 */
export function createOAuthAuthorizeRoutes(state: EmulatorState, autoApprove: boolean): Hono {
  const app = new Hono()

  app.get('/connect/oauth2/authorize', (c) =>
    guarded(c, () => {
      checkOrder(new URL(c.req.url).searchParams)
      const request = validate(state, c.req.query())
      if (request.scope === 'snsapi_base' || autoApprove) return c.redirect(approve(state, request), 302)
      const nickname = state.users.defaultUser(request.appId).nickname
      return c.html(consentPage({ ...request, nickname }))
    }),
  )

  app.post('/connect/oauth2/authorize/confirm', async (c) => {
    // A body that is not a form reads as an empty one, which the authorize checks then refuse (10012).
    const form = await c.req.parseBody().catch(() => ({}))
    const fields = Object.fromEntries(
      Object.entries(form).map(([key, value]) => [key, typeof value === 'string' ? value : '']),
    )
    return guarded(c, () => {
      const request = validate(state, { ...fields, response_type: 'code' })
      if (fields.action === 'allow') return c.redirect(approve(state, request), 302)
      return c.redirect(withQuery(request.redirectUri, `state=${request.state}`), 302)
    })
  })

  return app
}

function guarded(c: Context, handle: () => Response | Promise<Response>): Response | Promise<Response> {
  try {
    return handle()
  } catch (error) {
    if (!(error instanceof AuthorizeRefusal)) throw error
    c.header('X-Wxkit-Errcode', String(error.errcode))
    return c.html(authorizeErrorPage(error.errcode, error.message))
  }
}

function checkOrder(params: URLSearchParams): void {
  const seen = [...params.keys()].filter((key) => (ORDER as readonly string[]).includes(key))
  const expected = ORDER.filter((key) => seen.includes(key))
  if (seen.join() !== expected.join()) {
    throw new AuthorizeRefusal(
      40097,
      'invalid args: parameters must come in the order appid, redirect_uri, response_type, scope, state',
    )
  }
}

function validate(state: EmulatorState, query: Record<string, string | undefined>): AuthorizeRequest {
  const { appid, redirect_uri: redirectUri, response_type: responseType, scope } = query
  const oauthState = query.state ?? ''
  if (!appid) throw new AuthorizeRefusal(10012, 'appid 参数为空 (appid is empty)')
  if (!state.apps.has(appid)) throw new AuthorizeRefusal(40013, 'invalid appid')
  if (!redirectUri) throw new AuthorizeRefusal(10011, 'redirect_uri 参数为空 (redirect_uri is empty)')
  if (!isHttpUrl(redirectUri))
    throw new AuthorizeRefusal(10003, 'redirect_uri 域名与后台配置不一致 (redirect_uri mismatch)')
  if (responseType !== 'code') throw new AuthorizeRefusal(40097, 'invalid args: response_type must be code')
  if (!scope) throw new AuthorizeRefusal(10010, 'scope 参数为空 (scope is empty)')
  if (!(SCOPES as readonly string[]).includes(scope)) {
    throw new AuthorizeRefusal(10005, 'scope 参数错误或没有 scope 权限 (no permission for this scope)')
  }
  if (!/^[A-Za-z0-9]{0,128}$/.test(oauthState)) {
    throw new AuthorizeRefusal(10013, 'state 参数错误: a-zA-Z0-9 only, at most 128 bytes')
  }
  return { appId: appid, redirectUri, scope: scope as AuthorizeRequest['scope'], state: oauthState }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function approve(state: EmulatorState, request: AuthorizeRequest): string {
  const user = state.users.defaultUser(request.appId)
  const record = state.codes.mint(
    {
      kind: 'oauth',
      appId: request.appId,
      openid: user.openid,
      ...(user.unionid !== undefined ? { unionid: user.unionid } : {}),
      scope: request.scope,
    },
    state.now(),
  )
  return withQuery(request.redirectUri, `code=${record.code}&state=${request.state}`)
}

/** Append `query` to `uri` the way WeChat does: after any existing query, before any fragment. */
function withQuery(uri: string, query: string): string {
  const hash = uri.indexOf('#')
  const base = hash === -1 ? uri : uri.slice(0, hash)
  const fragment = hash === -1 ? '' : uri.slice(hash)
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'
  return `${base}${joiner}${query}${fragment}`
}
