import type { WechatEnv } from '../config.js'
import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import type { RequestOptions } from '../request-options.js'
import { requireString } from '../validate.js'
import { checkSubscribeValue } from './subscribe-value-rules.js'

/** `miniprogram_state` of a subscribe message. */
export type MiniProgramState = 'developer' | 'trial' | 'formal'

/** Body of `POST /cgi-bin/message/subscribe/send`, with WeChat's field names. */
export interface SubscribeMessageRequest {
  /** Recipient openid. */
  touser: string
  /** Template id. */
  template_id: string
  /** Page opened on tap (a query is allowed). */
  page?: string
  /** `{ thing1: { value: '…' } }` with keys exactly as in the template. */
  data: Record<string, { value: string }>
  /** Which Mini Program version a tap opens. Default: derived from the client's `env`. */
  miniprogram_state?: MiniProgramState
  /** Language of the message. */
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
}

/** A reusable template: values passed later map by position onto `templateKeys`. */
export interface PushTemplateConfig {
  /** Template id. */
  templateId: string
  /** Template keys in the order values will be given, e.g. `['thing1', 'time2']`. */
  templateKeys: string[]
  /** Page opened on tap. */
  page?: string
}

/** Per-call options of `sendMessage` and `sendMessageWithTemplate`. */
export interface SubscribeSendOptions extends RequestOptions {
  /**
   * Check each value against its key type's §7 rule (`thing1` ≤ 20 characters…) before sending, so a value
   * WeChat would refuse with 47003 becomes a `WechatValidationError` naming the key and the rule. `false`
   * sends the values as they are (they must still be strings).
   * @default true
   */
  validate?: boolean
}

/** What the subscribe endpoints take: the message (or what builds it) and whether to check its values. */
type Checked<T> = T & { validate: boolean }

const STATE_BY_ENV: Record<WechatEnv, MiniProgramState> = {
  develop: 'developer',
  trial: 'trial',
  release: 'formal',
}

/** The `miniprogram_state` WeChat expects for a client `env`: develop → developer, trial → trial, release → formal. */
export function miniProgramStateOf(env: WechatEnv): MiniProgramState {
  return STATE_BY_ENV[env]
}

/**
 * Validates a subscribe message (each value by its key's type unless `validate` is false) and fills
 * `miniprogram_state` from the client's `env`.
 */
function subscribeBody(
  message: SubscribeMessageRequest,
  env: WechatEnv,
  validate: boolean,
): SubscribeMessageRequest {
  if (message === null || typeof message !== 'object')
    throw new WechatValidationError('message', 'must be an object')
  requireString('touser', message.touser)
  requireString('template_id', message.template_id)
  if (message.data === null || typeof message.data !== 'object' || Array.isArray(message.data)) {
    throw new WechatValidationError('data', 'must be an object of { value } entries')
  }
  for (const [key, entry] of Object.entries(message.data)) {
    if (entry === null || typeof entry !== 'object' || typeof entry.value !== 'string') {
      throw new WechatValidationError(`data.${key}.value`, 'must be a string')
    }
    if (validate) checkSubscribeValue(key, entry.value)
  }
  return { ...message, miniprogram_state: message.miniprogram_state ?? miniProgramStateOf(env) }
}

/** Builds the subscribe message from a {@link PushTemplateConfig} (values by position). */
function templateMessage(
  template: PushTemplateConfig,
  values: unknown[],
  toUser: string,
): SubscribeMessageRequest {
  if (template === null || typeof template !== 'object')
    throw new WechatValidationError('template', 'must be an object')
  requireString('templateId', template.templateId)
  if (!Array.isArray(template.templateKeys) || template.templateKeys.length === 0) {
    throw new WechatValidationError('templateKeys', 'must be a non-empty array')
  }
  if (!Array.isArray(values) || values.length !== template.templateKeys.length) {
    throw new WechatValidationError(
      'values',
      `must have one value per template key (${template.templateKeys.length})`,
    )
  }
  const data: Record<string, { value: string }> = {}
  template.templateKeys.forEach((key, index) => {
    requireString(`templateKeys[${index}]`, key)
    const value = values[index]
    if (value === undefined || value === null || typeof value === 'object' || typeof value === 'function') {
      throw new WechatValidationError(`values[${index}]`, 'must be a string, number or boolean')
    }
    data[key] = { value: String(value) }
  })
  return {
    touser: toUser,
    template_id: template.templateId,
    data,
    ...(template.page === undefined ? {} : { page: template.page }),
  }
}

/**
 * `POST /cgi-bin/message/subscribe/send`. Not idempotent (a repeat may deliver twice), so transient
 * failures are not retried; the one token refresh after 40001/42001 still applies (nothing was sent).
 */
export const sendMessage = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/message/subscribe/send',
  idempotent: false,
  json: ({ message, validate }: Checked<{ message: SubscribeMessageRequest }>, { env }) =>
    subscribeBody(message, env, validate),
  read: (): void => {},
})

/** {@link sendMessage} of a message built from a {@link PushTemplateConfig}. */
export const sendMessageWithTemplate = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/message/subscribe/send',
  idempotent: false,
  read: (): void => {},
  json: (input: Checked<{ template: PushTemplateConfig; values: unknown[]; toUser: string }>, { env }) =>
    subscribeBody(templateMessage(input.template, input.values, input.toUser), env, input.validate),
})

/** One of the account's private subscribe templates, as `GET /wxaapi/newtmpl/gettemplate` lists it. */
export interface SubscribeTemplate {
  /** The template id, as `template_id` in {@link SubscribeMessageRequest}. */
  priTmplId: string
  /** The template's title. */
  title: string
  /** The template's content, one `{{key.DATA}}` per value, e.g. `物品:{{thing1.DATA}}\n时间:{{time2.DATA}}\n`. */
  content: string
  /** An example of a filled-in message. */
  example: string
  /** 2: one-time subscription, 3: long-term subscription. */
  type: 2 | 3
  /** The allowed values of each `enum` key (`keywordCode` is e.g. `enum4.DATA`). */
  keywordEnumValueList?: { keywordCode: string; enumValueList: string[] }[]
}

/** `GET /wxaapi/newtmpl/gettemplate`: the account's private templates. It only reads, so it is retried. */
export const getSubscribeTemplates = defineEndpoint({
  method: 'GET',
  path: '/wxaapi/newtmpl/gettemplate',
  read: (body: { data?: unknown }): SubscribeTemplate[] => {
    if (!Array.isArray(body.data)) {
      throw new WechatResponseError({
        endpoint: '/wxaapi/newtmpl/gettemplate',
        reason: 'no data list in the response',
      })
    }
    return body.data as SubscribeTemplate[]
  },
})
