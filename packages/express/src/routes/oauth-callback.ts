import { WechatRouteError } from '../errors.js'
import { queryParam } from '../http/query.js'
import { sendRedirect } from '../http/respond.js'
import { codeHash, exchangeKey } from '../oauth/code-exchange.js'
import { invalidState } from '../oauth/oauth-state.js'
import { safeReturnTo } from '../oauth/return-to.js'
import { requireCode } from './code-input.js'
import type { OauthFeature } from './oauth-login.js'
import type { RouteHandler } from './route-group.js'
import { signIn } from './sign-in.js'

const MAX_STATE_LENGTH = 128

/**
 * `GET {prefix}/oauth/callback?code&state` → checks the state against this browser's cookie, exchanges
 * the code (idempotently for the same browser, so a duplicate delivery signs in too), fetches the profile
 * for `snsapi_userinfo`, starts a session and redirects to the `returnTo` recorded at login. Snapshot-page
 * users (`is_snapshotuser`) stay anonymous. When the user refuses consent WeChat sends the state alone
 * (`?state=`): a valid state then redirects to `returnTo` with no session (the page sees `/me` answer 401)
 * and is spent for codes.
 */
export const oauthCallbackRoute: RouteHandler<OauthFeature> = async (oauth, context, req, res) => {
  const state = requireState(queryParam(req, 'state'))
  const rawCode = queryParam(req, 'code')
  const refusal = rawCode === undefined && !mentionsCode(req.originalUrl)
  const code = refusal ? undefined : requireCode(rawCode)
  const pending = context.states.read(req, state)
  const returnTo = safeReturnTo(pending.returnTo) ?? oauth.defaultReturnTo
  if (code === undefined) {
    if (!pending.refused) {
      if (await context.exchange.spent(state)) throw invalidState()
      context.states.markRefused(req, res, pending)
    }
    sendRedirect(res, returnTo)
    return
  }
  if (pending.refused) throw invalidState()
  const result = await context.exchange.redeem(state, code)
  if ('snapshot' in result) {
    sendRedirect(res, returnTo)
    return
  }
  const oauthExchange = exchangeKey(state, codeHash(code))
  if ((await signIn(context, req, res, result.user, { oauthExchange })) === undefined) return
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
