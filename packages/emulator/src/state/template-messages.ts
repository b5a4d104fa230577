/** The argument of `registerOaTemplate()`: an Official Account template message template (§15.1). */
export interface RegisterOaTemplateOptions {
  /** The template id, as `template_id` in send requests. */
  templateId: string
  /**
   * The template's keys (`first`, `keyword1`, `remark`, or typed keys such as `thing1`, `time2`): each must
   * be present in a send's `data`. Typed keys follow the subscribe-message value rules. @default [] (any data)
   */
  keys?: string[]
  /** Limit the template to one app; by default every app may use it. */
  appId?: string
}

/** A template message the emulator accepted, as `messages()` lists it. */
export interface DeliveredTemplateMessage {
  kind: 'template'
  appId: string
  touser: string
  templateId: string
  /** What WeChat answered as `msgid`. */
  msgid: number
  url?: string
  miniprogram?: { appid: string; pagepath?: string }
  clientMsgId?: string
  data: Record<string, { value: string; color?: string }>
  /** Emulator time of delivery, in milliseconds since the epoch. */
  sentAt: number
}

/** A registered Official Account template. */
export interface OaTemplateRecord {
  templateId: string
  keys: string[]
  appId?: string
}

/** How long WeChat remembers a `client_msg_id` (§15.1: a dedupe key; WeChat documents 10 minutes). */
export const CLIENT_MSG_ID_TTL_MS = 10 * 60_000

/** Official Account templates, the delivered template messages and the `client_msg_id`s seen. */
export class TemplateMessageBook {
  readonly #templates = new Map<string, OaTemplateRecord>()
  readonly #messages: DeliveredTemplateMessage[] = []
  #nextMsgid = 3_000_000_001

  /** Register (or replace) a template. */
  register(record: OaTemplateRecord): void {
    this.#templates.set(record.templateId, { ...record, keys: [...record.keys] })
  }

  /** The template `templateId` if `appId` may use it. */
  template(templateId: string, appId: string): OaTemplateRecord | undefined {
    const record = this.#templates.get(templateId)
    return record && (record.appId === undefined || record.appId === appId) ? record : undefined
  }

  /** The message already sent with this `client_msg_id` to this user within the dedupe window. */
  duplicateOf(
    appId: string,
    touser: string,
    clientMsgId: string,
    now: number,
  ): DeliveredTemplateMessage | undefined {
    return this.#messages.find(
      (message) =>
        message.appId === appId &&
        message.touser === touser &&
        message.clientMsgId === clientMsgId &&
        now - message.sentAt < CLIENT_MSG_ID_TTL_MS,
    )
  }

  /** Record a delivered message, giving it the next `msgid`. */
  deliver(message: Omit<DeliveredTemplateMessage, 'kind' | 'msgid'>): DeliveredTemplateMessage {
    const delivered: DeliveredTemplateMessage = { kind: 'template', msgid: this.#nextMsgid++, ...message }
    this.#messages.push(delivered)
    return delivered
  }

  /** A copy of the delivered messages, oldest first. */
  messages(): DeliveredTemplateMessage[] {
    return structuredClone(this.#messages)
  }

  /** Forget templates and messages. */
  clear(): void {
    this.#templates.clear()
    this.#messages.length = 0
    this.#nextMsgid = 3_000_000_001
  }
}
