import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import { pushOfficialAccountEvent } from '../push/official-account-events.js'
import { isValidSubscribeValue } from '../rules/subscribe-values.js'
import type { EmulatorState } from '../state/emulator-state.js'
import { templateKeyType } from '../state/subscriptions.js'
import type { DeliveredTemplateMessage } from '../state/template-messages.js'

/**
 * `POST /cgi-bin/message/template/send?access_token=…` (§15.1), checked in this order: `touser` empty 40003;
 * `template_id` empty or not registered (`registerOaTemplate`) for the token's app 40037; `url` not a
 * string, `miniprogram` not `{appid, pagepath?}` of strings, `client_msg_id` not a string, `data` not an
 * object of `{value: string, color?: string}` 47001; a template key missing, or a typed key (`thing1`)
 * breaking the subscribe-message value rule 47003 `argument invalid! data.<key>.value invalid`; `touser` not
 * a user of the app 40003; not a follower 43004. A repeat of a `client_msg_id` to the same user within 10
 * minutes answers the first send's `msgid` and delivers nothing. After a send, `TEMPLATESENDJOBFINISH`
 * (`Status: success`) is pushed to the configured push URL.
 */
export function createTemplateMessageRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/message/template/send', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const { touser, template_id: templateId, url, miniprogram, client_msg_id: clientMsgId, data } = body
    if (typeof touser !== 'string' || touser.trim() === '') throw new WechatApiFailure(40003)
    if (typeof templateId !== 'string' || templateId === '') throw new WechatApiFailure(40037)
    const template = state.templateMessages.template(templateId, token.appId)
    if (!template) throw new WechatApiFailure(40037)
    if (url !== undefined && typeof url !== 'string') throw new WechatApiFailure(47001)
    if (clientMsgId !== undefined && (typeof clientMsgId !== 'string' || clientMsgId === '')) {
      throw new WechatApiFailure(47001)
    }
    const program = parseMiniprogram(miniprogram)
    const delivered = parseData(data)
    for (const key of template.keys) {
      const value = delivered[key]?.value
      const type = templateKeyType(key)
      if (value === undefined || (type !== undefined && !isValidSubscribeValue(type, value))) {
        throw new WechatApiFailure(47003, `argument invalid! data.${key}.value invalid`)
      }
    }
    if (!state.users.find(token.appId, touser)) throw new WechatApiFailure(40003)
    if (!state.followers.find(token.appId, touser)) throw new WechatApiFailure(43004)
    const now = state.now()
    if (clientMsgId !== undefined) {
      const earlier = state.templateMessages.duplicateOf(token.appId, touser, clientMsgId, now)
      if (earlier) return wechatOk(c, { msgid: earlier.msgid })
    }
    const message = state.templateMessages.deliver({
      appId: token.appId,
      touser,
      templateId,
      ...(url === undefined ? {} : { url }),
      ...(program === undefined ? {} : { miniprogram: program }),
      ...(clientMsgId === undefined ? {} : { clientMsgId }),
      data: delivered,
      sentAt: now,
    })
    // WeChat reports the delivery later, as its own push; the send's answer does not wait for it.
    void pushOfficialAccountEvent(state, token.appId, touser, {
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: message.msgid,
      Status: 'success',
    })
    return wechatOk(c, { msgid: message.msgid })
  })

  return app
}

function parseMiniprogram(value: unknown): DeliveredTemplateMessage['miniprogram'] {
  if (value === undefined) return undefined
  const { appid, pagepath } = (value ?? {}) as { appid?: unknown; pagepath?: unknown }
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof appid !== 'string' ||
    appid === '' ||
    (pagepath !== undefined && typeof pagepath !== 'string')
  ) {
    throw new WechatApiFailure(47001)
  }
  return { appid, ...(pagepath === undefined ? {} : { pagepath }) }
}

function parseData(data: unknown): DeliveredTemplateMessage['data'] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new WechatApiFailure(47001)
  const out: DeliveredTemplateMessage['data'] = {}
  for (const [key, entry] of Object.entries(data)) {
    const { value, color } = (entry ?? {}) as { value?: unknown; color?: unknown }
    if (
      entry === null ||
      typeof entry !== 'object' ||
      typeof value !== 'string' ||
      (color !== undefined && typeof color !== 'string')
    ) {
      throw new WechatApiFailure(47001)
    }
    out[key] = { value, ...(color === undefined ? {} : { color }) }
  }
  return out
}
