import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import { isValidSubscribeValue } from '../rules/subscribe-values.js'
import type { EmulatorState } from '../state/emulator-state.js'
import { type DeliveredSubscribeMessage, templateKeyType } from '../state/subscriptions.js'

const STATES = ['developer', 'trial', 'formal'] as const
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'] as const

/**
 * `POST /cgi-bin/message/subscribe/send?access_token=…` (§7), checked in this order: `touser` empty 40003;
 * `template_id` empty or not registered for the token's app 40037; `page` not a string, `miniprogram_state`
 * or `lang` outside WeChat's values, `data` missing a template key or a value breaking its key type's rule
 * 47003 (errmsg names the key); `touser` not a user of the app 40003; no subscription left 43101.
 */
export function createSubscribeMessageRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/message/subscribe/send', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const { touser, template_id: templateId, page, data } = body
    if (typeof touser !== 'string' || touser.trim() === '') throw new WechatApiFailure(40003)
    if (typeof templateId !== 'string' || templateId === '') throw new WechatApiFailure(40037)
    const template = state.subscriptions.template(templateId, token.appId)
    if (!template) throw new WechatApiFailure(40037)
    if (page !== undefined && typeof page !== 'string')
      throw new WechatApiFailure(47003, 'argument invalid! page invalid')
    const miniprogramState = body.miniprogram_state ?? 'formal'
    if (!(STATES as readonly unknown[]).includes(miniprogramState)) {
      throw new WechatApiFailure(47003, 'argument invalid! miniprogram_state invalid')
    }
    const lang = body.lang ?? 'zh_CN'
    if (!(LANGS as readonly unknown[]).includes(lang))
      throw new WechatApiFailure(47003, 'argument invalid! lang invalid')
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new WechatApiFailure(47003, 'argument invalid! data invalid')
    }
    const delivered: Record<string, { value: string }> = {}
    for (const key of template.keys) {
      const entry = (data as Record<string, unknown>)[key] as { value?: unknown } | undefined
      const value = entry && typeof entry === 'object' ? entry.value : undefined
      const type = templateKeyType(key)
      if (typeof value !== 'string' || !type || !isValidSubscribeValue(type, value, template.enums[key])) {
        throw new WechatApiFailure(47003, `argument invalid! data.${key}.value invalid`)
      }
      delivered[key] = { value }
    }
    if (!state.users.find(token.appId, touser)) throw new WechatApiFailure(40003)
    if (!state.subscriptions.useGrant(token.appId, touser, templateId)) throw new WechatApiFailure(43101)
    const message: DeliveredSubscribeMessage = {
      kind: 'subscribe',
      appId: token.appId,
      touser,
      templateId,
      ...(typeof page === 'string' ? { page } : {}),
      data: delivered,
      miniprogramState: miniprogramState as DeliveredSubscribeMessage['miniprogramState'],
      lang: lang as DeliveredSubscribeMessage['lang'],
      sentAt: state.now(),
    }
    state.subscriptions.deliver(message)
    const msgid = 2_000_000_000 + state.subscriptions.messages().length
    // WeChat then pushes the send's outcome to the app's server (§9.5), asynchronously.
    void state.push.emit(token.appId, {
      MsgType: 'event',
      Event: 'subscribe_msg_sent_event',
      FromUserName: touser,
      List: [{ TemplateId: templateId, MsgID: String(msgid), ErrorCode: 0, ErrorStatus: 'success' }],
    })
    return wechatOk(c, { msgid })
  })

  /**
   * `GET /wxaapi/newtmpl/gettemplate?access_token=…` (§14): the templates the token's app may use, as
   * `{errcode: 0, errmsg: 'ok', data: [{priTmplId, title, content, example, type, keywordEnumValueList?}]}`;
   * `content` has one `{{key.DATA}}` line per key, `keywordEnumValueList` one entry per `enum` key.
   */
  app.all('/wxaapi/newtmpl/gettemplate', (c) => {
    const token = requireAccessToken(c, state)
    const data = state.subscriptions.templatesOf(token.appId).map((record) => {
      const enums = Object.entries(record.enums).map(([key, values]) => ({
        keywordCode: `${key}.DATA`,
        enumValueList: values,
      }))
      return {
        priTmplId: record.templateId,
        title: record.title,
        content: record.keys.map((key) => `{{${key}.DATA}}\n`).join(''),
        example: record.example,
        type: record.type,
        ...(enums.length > 0 ? { keywordEnumValueList: enums } : {}),
      }
    })
    return wechatOk(c, { data })
  })

  return app
}
