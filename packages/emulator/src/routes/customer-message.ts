import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import { CUSTOMER_MESSAGE_MEDIA, customerMessageContent } from '../rules/customer-message-rules.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * Customer service messages (§14.5). `POST /cgi-bin/message/custom/send`, checked in this order: the
 * access token; the body (44002, 47001); `touser` empty or not a user of the app 40003; `msgtype` and its
 * field 47001; a media id (`image.media_id`, `thumb_media_id`, …) that is not a live temporary media id of
 * the app 40007; no message from the user within 48 hours 45015; the window's 20 messages spent 45047.
 * `POST /cgi-bin/message/custom/typing`: `touser` as above, `command` `Typing` or `CancelTyping` (else
 * 40097), and the same 48-hour window.
 */
export function createCustomerMessageRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  const recipient = (appId: string, touser: unknown): string => {
    if (typeof touser !== 'string' || touser.trim() === '' || !state.users.find(appId, touser)) {
      throw new WechatApiFailure(40003)
    }
    return touser
  }

  const requireWindow = (appId: string, touser: string): void => {
    const window = state.customerService.check(appId, touser, state.now())
    if (window === 'closed') throw new WechatApiFailure(45015)
    if (window === 'exhausted') throw new WechatApiFailure(45047)
  }

  app.all('/cgi-bin/message/custom/send', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const touser = recipient(token.appId, body.touser)
    const { msgtype, content, kfAccount } = customerMessageContent(body)
    for (const field of CUSTOMER_MESSAGE_MEDIA[msgtype] ?? []) {
      if (!state.tempMedia.find(token.appId, content[field], state.now())) throw new WechatApiFailure(40007)
    }
    requireWindow(token.appId, touser)
    state.customerService.deliver({
      kind: 'customer',
      appId: token.appId,
      touser,
      msgtype,
      content,
      ...(kfAccount === undefined ? {} : { kfAccount }),
      sentAt: state.now(),
    })
    return wechatOk(c)
  })

  app.all('/cgi-bin/message/custom/typing', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const touser = recipient(token.appId, body.touser)
    if (body.command !== 'Typing' && body.command !== 'CancelTyping') throw new WechatApiFailure(40097)
    requireWindow(token.appId, touser)
    state.customerService.type({ appId: token.appId, touser, command: body.command, at: state.now() })
    return wechatOk(c)
  })

  return app
}
