/** How long after a user's last message the account may answer with customer service messages (§14.5). */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 3600_000

/** How many customer service messages one window allows (§14.5, unverified: 20). */
export const CUSTOMER_SERVICE_WINDOW_LIMIT = 20

/**
 * The events that open the window like a message does: a Mini Program user entering the customer service
 * session (§9.5).
 */
const WINDOW_EVENTS: readonly string[] = ['user_enter_tempsession']

/** Whether a pushed message from a user opens their customer service window. */
export function opensCustomerServiceWindow(message: { MsgType?: unknown; Event?: unknown }): boolean {
  return message.MsgType !== 'event' || WINDOW_EVENTS.includes(String(message.Event))
}

/** A customer service message the emulator accepted, as `messages()` lists it. */
export interface DeliveredCustomerMessage {
  kind: 'customer'
  appId: string
  touser: string
  /** `text`, `image`, `link`, `miniprogrampage`, `voice`, `video`, `music`, `news`, `msgmenu`, … */
  msgtype: string
  /** The field named by `msgtype`, as sent (e.g. `{ content: 'Hello' }` for `text`). */
  content: Record<string, unknown>
  /** `customservice.kf_account`, when the message was sent as a customer service account. */
  kfAccount?: string
  /** Emulator time of delivery, in milliseconds since the epoch. */
  sentAt: number
}

/** A "typing" indicator the emulator accepted. */
export interface TypingRecord {
  appId: string
  touser: string
  command: 'Typing' | 'CancelTyping'
  at: number
}

interface Window {
  /** Emulator time of the user's last message. */
  lastMessageAt: number
  /** Messages sent since then. */
  sent: number
}

/** Each user's customer service window (opened by their last message), and the messages sent in it. */
export class CustomerServiceBook {
  readonly #windows = new Map<string, Window>()
  readonly #messages: DeliveredCustomerMessage[] = []
  readonly #typing: TypingRecord[] = []

  /** The user sent the account a message (or an event that opens the window) at `at`. */
  userMessaged(appId: string, openid: string, at: number): void {
    this.#windows.set(`${appId} ${openid}`, { lastMessageAt: at, sent: 0 })
  }

  /**
   * Whether the account may message `openid` now: `ok`, `closed` (no message from them within 48 h:
   * 45015) or `exhausted` (the window's allowance is spent: 45047).
   */
  check(appId: string, openid: string, now: number): 'ok' | 'closed' | 'exhausted' {
    const window = this.#windows.get(`${appId} ${openid}`)
    if (!window || now - window.lastMessageAt > CUSTOMER_SERVICE_WINDOW_MS) return 'closed'
    return window.sent >= CUSTOMER_SERVICE_WINDOW_LIMIT ? 'exhausted' : 'ok'
  }

  /** Record a delivered message (counted against the window). */
  deliver(message: DeliveredCustomerMessage): void {
    const window = this.#windows.get(`${message.appId} ${message.touser}`)
    if (window) window.sent++
    this.#messages.push(message)
  }

  /** Record a typing indicator. */
  type(record: TypingRecord): void {
    this.#typing.push(record)
  }

  /** A copy of the delivered messages, oldest first. */
  messages(): DeliveredCustomerMessage[] {
    return structuredClone(this.#messages)
  }

  /** A copy of the typing indicators, oldest first. */
  typing(): TypingRecord[] {
    return structuredClone(this.#typing)
  }

  /** Forget windows, messages and typing indicators. */
  clear(): void {
    this.#windows.clear()
    this.#messages.length = 0
    this.#typing.length = 0
  }
}
