/** The value types of subscribe-message template keys (§7): a key's type is its alphabetic prefix. */
export const TEMPLATE_KEY_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
  'enum',
] as const

/** One of {@link TEMPLATE_KEY_TYPES}. */
export type TemplateKeyType = (typeof TEMPLATE_KEY_TYPES)[number]

/** The type of a template key such as `thing12` or `character_string3`, or undefined when it has none. */
export function templateKeyType(key: string): TemplateKeyType | undefined {
  const match = /^([a-z_]+?)(\d+)$/.exec(key)
  const type = match?.[1]
  return (TEMPLATE_KEY_TYPES as readonly string[]).includes(type ?? '')
    ? (type as TemplateKeyType)
    : undefined
}

/** The argument of `registerTemplate()`. */
export interface RegisterTemplateOptions {
  /** The template id, as `template_id` in send requests. */
  templateId: string
  /** The template's keys, e.g. `['thing1', 'time2', 'amount3']`. */
  keys: string[]
  /** The allowed values of each `enum` key, e.g. `{ enum4: ['已发货', '已签收'] }`. */
  enums?: Record<string, string[]>
  /** Limit the template to one app; by default every app may use it. */
  appId?: string
  /** The title `gettemplate` lists. @default the templateId */
  title?: string
  /** The example `gettemplate` lists. @default '' */
  example?: string
  /** 2: one-time, 3: long-term (§14). @default 2 */
  type?: 2 | 3
}

/** The argument of `subscribe()`: one acceptance of `wx.requestSubscribeMessage`. */
export interface SubscribeOptions {
  /** The user, as the app sees them. */
  openid: string
  /** The template the user accepted. */
  templateId: string
  /** The app. @default the first app the emulator was started with */
  appId?: string
  /** How many sends this grants (one per acceptance for one-time templates). @default 1 */
  times?: number
}

/** A subscribe message the emulator accepted, as `messages()` lists it. */
export interface DeliveredSubscribeMessage {
  kind: 'subscribe'
  appId: string
  touser: string
  templateId: string
  page?: string
  data: Record<string, { value: string }>
  miniprogramState: 'developer' | 'trial' | 'formal'
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
  /** Emulator time of delivery, in milliseconds since the epoch. */
  sentAt: number
}

/** A registered template. */
export interface TemplateRecord {
  templateId: string
  keys: string[]
  enums: Record<string, string[]>
  appId?: string
  title: string
  example: string
  type: 2 | 3
}

/** Templates, per-user send grants and the delivered messages. */
export class SubscriptionBook {
  readonly #templates = new Map<string, TemplateRecord>()
  readonly #grants = new Map<string, number>()
  readonly #messages: DeliveredSubscribeMessage[] = []

  /** Register (or replace) a template; throws on keys whose type WeChat does not know. */
  registerTemplate(options: RegisterTemplateOptions): void {
    const {
      templateId,
      keys,
      enums = {},
      appId,
      title = templateId,
      example = '',
      type = 2,
    } = options ?? ({} as RegisterTemplateOptions)
    if (typeof templateId !== 'string' || templateId === '') {
      throw new TypeError('@wxkit/emulator: registerTemplate needs a non-empty templateId')
    }
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new TypeError('@wxkit/emulator: registerTemplate needs a non-empty keys array')
    }
    for (const key of keys) {
      if (typeof key !== 'string' || !templateKeyType(key)) {
        throw new TypeError(
          `@wxkit/emulator: template key ${JSON.stringify(key)} has no known type (e.g. thing1, time2, amount3)`,
        )
      }
    }
    if (new Set(keys).size !== keys.length) {
      throw new TypeError('@wxkit/emulator: registerTemplate keys must not repeat')
    }
    if (enums === null || typeof enums !== 'object' || Array.isArray(enums)) {
      throw new TypeError('@wxkit/emulator: registerTemplate enums must be an object of string arrays')
    }
    for (const [key, values] of Object.entries(enums)) {
      if (!keys.includes(key) || templateKeyType(key) !== 'enum') {
        throw new TypeError(
          `@wxkit/emulator: registerTemplate enums.${key} names no enum key of the template`,
        )
      }
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        throw new TypeError(`@wxkit/emulator: registerTemplate enums.${key} must be a non-empty string array`)
      }
    }
    for (const key of keys) {
      if (templateKeyType(key) === 'enum' && !Object.hasOwn(enums, key)) {
        throw new TypeError(`@wxkit/emulator: registerTemplate needs enums.${key}, the values ${key} allows`)
      }
    }
    if (typeof title !== 'string' || typeof example !== 'string') {
      throw new TypeError('@wxkit/emulator: registerTemplate title and example must be strings')
    }
    if (type !== 2 && type !== 3) {
      throw new TypeError('@wxkit/emulator: registerTemplate type must be 2 (one-time) or 3 (long-term)')
    }
    this.#templates.set(templateId, {
      templateId,
      keys: [...keys],
      enums: Object.fromEntries(Object.entries(enums).map(([key, values]) => [key, [...values]])),
      ...(appId ? { appId } : {}),
      title,
      example,
      type,
    })
  }

  /** The templates `appId` may use, in registration order. */
  templatesOf(appId: string): TemplateRecord[] {
    return structuredClone(
      [...this.#templates.values()].filter((record) => record.appId === undefined || record.appId === appId),
    )
  }

  /** The template `templateId` if `appId` may use it. */
  template(templateId: string, appId: string): TemplateRecord | undefined {
    const record = this.#templates.get(templateId)
    return record && (record.appId === undefined || record.appId === appId) ? record : undefined
  }

  /** Grant `times` sends of `templateId` to `openid` of `appId`. */
  grant(appId: string, openid: string, templateId: string, times: number): void {
    const key = `${appId} ${openid} ${templateId}`
    this.#grants.set(key, (this.#grants.get(key) ?? 0) + times)
  }

  /** Use one grant; false when the user has none left (43101). */
  useGrant(appId: string, openid: string, templateId: string): boolean {
    const key = `${appId} ${openid} ${templateId}`
    const left = this.#grants.get(key) ?? 0
    if (left <= 0) return false
    this.#grants.set(key, left - 1)
    return true
  }

  /** Record a delivered message. */
  deliver(message: DeliveredSubscribeMessage): void {
    this.#messages.push(message)
  }

  /** A copy of the delivered messages, oldest first. */
  messages(): DeliveredSubscribeMessage[] {
    return structuredClone(this.#messages)
  }

  /** Forget templates, grants and messages. */
  clear(): void {
    this.#templates.clear()
    this.#grants.clear()
    this.#messages.length = 0
  }
}
