import { WechatRouteError } from '../errors.js'
import { queryParam } from '../http/query.js'
import { sendRedirect } from '../http/respond.js'
import { codeHash } from '../oauth/code-exchange.js'
import { safeReturnTo } from '../oauth/return-to.js'
import { requireCode } from './code-input.js'
import type { RouteHandler } from './route-context.js'
import { signIn } from './sign-in.js'

const MAX_STATE_LENGTH = 128

/**
 * `GET {prefix}/oauth/callback?code&state` → checks the state, exchanges the code (idempotently, so a
 * duplicate delivery signs in too), fetches the profile for `snsapi_userinfo`, starts a session and
 * redirects to the `returnTo` recorded at login. Snapshot-page users (`is_snapshotuser`) stay anonymous.
 */
export const oauthCallbackRoute: RouteHandler = async (context, req, res) => {
  const oauth = context.options.oauth
  if (!oauth) throw new Error('oauth route called while disabled')
  const state = requireState(queryParam(req, 'state'))
  const code = requireCode(queryParam(req, 'code'))
  const hash = codeHash(code)
  const record = await context.states.redeem(req, state, hash)
  const result = await context.exchange.exchange(code, hash)
  const returnTo = safeReturnTo(record.returnTo) ?? oauth.defaultReturnTo
  if ('snapshot' in result) {
    sendRedirect(res, returnTo)
    return
  }
  if ((await signIn(context, req, res, result.user)) === undefined) return
  sendRedirect(res, returnTo)
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
