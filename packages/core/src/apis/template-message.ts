import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString, validatePageUrl } from '../validate.js'

/** Body of `POST /cgi-bin/message/template/send` (Official Account template messages), WeChat's field names. */
export interface TemplateMessageRequest {
  /** Recipient openid; the user must follow the account (43004 otherwise). */
  touser: string
  /** Template id from the account's template library. */
  template_id: string
  /** Page opened on tap (absolute http(s)); `miniprogram` wins when both are given. */
  url?: string
  /** The Mini Program opened on tap (it must be linked to the account). */
  miniprogram?: { appid: string; pagepath?: string }
  /**
   * A dedupe key: WeChat sends one message per `touser` + `client_msg_id` (for about 10 minutes), so a
   * retry after a lost answer with the same id cannot deliver twice.
   */
  client_msg_id?: string
  /** `{ keyword1: { value: '…', color?: '#173177' } }` with the template's keys. */
  data: Record<string, { value: string; color?: string }>
}

/** Result of {@link sendTemplateMessage}. */
export interface TemplateMessageResponse {
  /** The message id; the `TEMPLATESENDJOBFINISH` push reports its delivery as `MsgID`. */
  msgid: number
}

/** Checks a template message before any request. */
function templateBody(message: TemplateMessageRequest): TemplateMessageRequest {
  requireObject('message', message)
  requireString('touser', message.touser, 128)
  requireString('template_id', message.template_id, 128)
  if (message.url !== undefined) validatePageUrl('url', message.url)
  if (message.miniprogram !== undefined) {
    requireObject('miniprogram', message.miniprogram)
    requireString('miniprogram.appid', message.miniprogram.appid, 64)
    if (message.miniprogram.pagepath !== undefined)
      requireString('miniprogram.pagepath', message.miniprogram.pagepath)
  }
  if (message.client_msg_id !== undefined) requireString('client_msg_id', message.client_msg_id, 64)
  requireObject('data', message.data)
  for (const [key, entry] of Object.entries(message.data)) {
    if (entry === null || typeof entry !== 'object' || typeof entry.value !== 'string') {
      throw new WechatValidationError(`data.${key}.value`, 'must be a string')
    }
    if (
      entry.color !== undefined &&
      (typeof entry.color !== 'string' || !/^#[0-9A-Fa-f]{6}$/.test(entry.color))
    ) {
      throw new WechatValidationError(`data.${key}.color`, "must be a colour like '#173177'")
    }
  }
  return message
}

/**
 * `POST /cgi-bin/message/template/send`. Not idempotent: a transport failure after the request may have
 * left is not retried (WeChat may have delivered it). Pass a `client_msg_id` and the call can be repeated
 * safely. The one token refresh after 40001/42001 still applies (nothing was sent).
 */
export const sendTemplateMessage = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/message/template/send',
  idempotent: false,
  json: templateBody,
  read: (body: { msgid?: unknown }): TemplateMessageResponse => {
    if (typeof body.msgid !== 'number') {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/message/template/send',
        reason: 'no msgid in the response',
      })
    }
    return { msgid: body.msgid }
  },
})
