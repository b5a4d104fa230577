import type { ResolvedConfig } from './config.js'
import { WechatClientError, WechatResponseError } from './errors.js'
import type { Events } from './events.js'
import type { ForceRefreshBudget } from './force-refresh-budget.js'
import type { CallSpec, Transport } from './transport.js'

/** A token or ticket as WeChat handed it out. */
export interface Fetched {
  value: string
  /** Seconds, as WeChat said. */
  expiresIn: number
  /** Whether it came from a stable_token force_refresh. */
  forced: boolean
}

interface TokenResponse {
  access_token?: unknown
  expires_in?: unknown
}

interface TicketResponse {
  ticket?: unknown
  expires_in?: unknown
}

const STABLE = '/cgi-bin/stable_token'

function readToken(endpoint: string, body: TokenResponse): { value: string; expiresIn: number } {
  const expiresIn = Number(body.expires_in)
  if (typeof body.access_token !== 'string' || body.access_token === '' || !(expiresIn > 0)) {
    throw new WechatResponseError({ endpoint, reason: 'no access_token/expires_in in the response' })
  }
  return { value: body.access_token, expiresIn }
}

function stableToken(transport: Transport, config: ResolvedConfig, force: boolean): Promise<unknown> {
  const { appId, appSecret } = config
  const spec: CallSpec = {
    endpoint: STABLE,
    method: 'POST',
    json: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: force },
    // Each force refresh spends budget: never repeat it automatically.
    idempotent: !force,
    retryable: !force,
    response: 'json',
  }
  return transport.send(spec)
}

/**
 * The global access_token from WeChat: `GET /cgi-bin/token` in classic mode, `POST /cgi-bin/stable_token`
 * in stable mode. When stable mode hands back the very token a call just rejected (`rejected`), one
 * force refresh is made, within the shared budget.
 */
export async function fetchAccessToken(
  config: ResolvedConfig,
  transport: Transport,
  budget: ForceRefreshBudget,
  events: Events,
  rejected: string | undefined,
): Promise<Fetched> {
  const { appId, appSecret, tokenMode } = config
  if (tokenMode === 'classic') {
    const body = await transport.send({
      endpoint: '/cgi-bin/token',
      method: 'GET',
      query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
      idempotent: true,
      retryable: true,
      response: 'json',
    })
    return { ...readToken('/cgi-bin/token', body as TokenResponse), forced: false }
  }
  const normal = readToken(STABLE, (await stableToken(transport, config, false)) as TokenResponse)
  // `normal.value` is never empty, so this also covers a fetch that rejects nothing.
  if (normal.value !== rejected) return { ...normal, forced: false }
  if (!(await budget.take())) {
    const message =
      '@wxkit/core: stable_token force_refresh budget exhausted (20/day, 30 s apart); keeping the current token'
    events.warn(message, { appId })
    events.error({ endpoint: STABLE, error: new WechatClientError(message, { endpoint: STABLE }) })
    return { ...normal, forced: false }
  }
  const forced = readToken(STABLE, (await stableToken(transport, config, true)) as TokenResponse)
  return { ...forced, forced: true }
}

/**
 * The jsapi_ticket from `GET /cgi-bin/ticket/getticket`, called through `withAccessToken`: the token
 * layer's one refresh policy, the same every API call gets.
 */
export async function fetchJsTicket(
  transport: Transport,
  withAccessToken: <T>(call: (token: string) => Promise<T>) => Promise<T>,
): Promise<Fetched> {
  const body = (await withAccessToken((token) =>
    transport.send({
      endpoint: '/cgi-bin/ticket/getticket',
      method: 'GET',
      query: { access_token: token, type: 'jsapi' },
      idempotent: true,
      retryable: true,
      response: 'json',
    }),
  )) as TicketResponse
  const expiresIn = Number(body.expires_in)
  if (typeof body.ticket !== 'string' || body.ticket === '' || !(expiresIn > 0)) {
    throw new WechatResponseError({
      endpoint: '/cgi-bin/ticket/getticket',
      reason: 'no ticket/expires_in in the response',
    })
  }
  return { value: body.ticket, expiresIn, forced: false }
}
