import { WechatRouteError } from '../errors.js'
import { queryParam } from '../http/query.js'
import { sendRedirect } from '../http/respond.js'
import { codeHash, exchangeKey } from '../oauth/code-exchange.js'
import { safeReturnTo } from '../oauth/return-to.js'
import { requireCode } from './code-input.js'
import type { OauthFeature } from './oauth-login.js'
import type { RouteHandler } from './route-group.js'
import { signIn } from './sign-in.js'

const MAX_STATE_LENGTH = 128
/** What a state is marked with when the user refused consent (WeChat then sends the state without a code). */
const REFUSED = 'refused'

/**
 * `GET {prefix}/oauth/callback?code&state` → checks the state, exchanges the code (idempotently, so a
 * duplicate delivery signs in too), fetches the profile for `snsapi_userinfo`, starts a session and
 * redirects to the `returnTo` recorded at login. Snapshot-page users (`is_snapshotuser`) stay anonymous.
 * When the user refuses consent WeChat sends the state alone (`?state=`): a valid state then redirects to
 * `returnTo` with no session (the page sees `/me` answer 401) instead of showing a JSON error.
 */
export const oauthCallbackRoute: RouteHandler<OauthFeature> = async (oauth, context, req, res) => {
  const state = requireState(queryParam(req, 'state'))
  const rawCode = queryParam(req, 'code')
  if (rawCode === undefined && !mentionsCode(req.originalUrl)) {
    const refused = await context.states.redeem(req, state, REFUSED)
    sendRedirect(res, safeReturnTo(refused.returnTo) ?? oauth.defaultReturnTo)
    return
  }
  const code = requireCode(rawCode)
  const hash = codeHash(code)
  const record = await context.states.redeem(req, state, hash)
  const key = exchangeKey(state, hash)
  const result = await context.exchange.exchange(code, key)
  const returnTo = safeReturnTo(record.returnTo) ?? oauth.defaultReturnTo
  if ('snapshot' in result) {
    sendRedirect(res, returnTo)
    return
  }
  if ((await signIn(context, req, res, result.user, { oauthExchange: key })) === undefined) return
  sendRedirect(res, returnTo)
}

/** True when the query names `code` in any form (`code`, `code[]`, `code[x]`), i.e. it is not a refusal. */
function mentionsCode(originalUrl: string): boolean {
  const search = originalUrl.includes('?') ? originalUrl.slice(originalUrl.indexOf('?')) : ''
  return [...new URLSearchParams(search).keys()].some((key) => key === 'code' || key.startsWith('code['))
}

function requireState(value: string | undefined): string {
  if (value === undefined || value.length === 0) throw invalid('state is required')
  if (value.length > MAX_STATE_LENGTH) throw invalid(`state must be at most ${MAX_STATE_LENGTH} characters`)
  if (!/^[A-Za-z0-9]+$/.test(value)) throw invalid('state must be letters and digits')
  return value
}

function invalid(message: string): WechatRouteError {
  return new WechatRouteError('invalid_request', message)
}
