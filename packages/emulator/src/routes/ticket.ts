import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `GET /cgi-bin/ticket/getticket?access_token=…&type=jsapi` (§2.1). The ticket belongs to the token's app.
 * While a ticket is live the same ticket is returned, with `expires_in` its remaining seconds. A missing or
 * unknown `type` answers 40097.
 */
export function createTicketRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/ticket/getticket', (c) => {
    const token = requireAccessToken(c, state)
    const type = c.req.query('type')
    if (type !== 'jsapi' && type !== 'wx_card') throw new WechatApiFailure(40097, 'invalid args: type')
    const now = state.now()
    const { record } = state.tickets.getOrMint(token.appId, type, now)
    return wechatOk(c, { ticket: record.ticket, expires_in: Math.floor((record.expiresAt - now) / 1000) })
  })

  return app
}
