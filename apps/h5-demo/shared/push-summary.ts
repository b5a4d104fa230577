/** A reply as the conversation shows it: text, one or more articles, nothing (`success`), or another type. */
export type DemoReply =
  | { kind: 'text'; text: string }
  | { kind: 'news'; articles: { title: string; description?: string; url?: string }[] }
  | { kind: 'none' }
  | { kind: 'other'; type: string }

/**
 * One push as the emulator delivered it to the demo's push route, for the page: the reply (absent when no
 * try gave a usable answer), how it travelled and what the user would have seen. Shared by server and page.
 */
export interface DemoPushSummary {
  reply?: DemoReply
  mode: 'plain' | 'compatible' | 'safe'
  format: 'xml' | 'json'
  /** Every HTTP try: its status (0: no answer within 5 s) and duration. */
  attempts: { status: number; ms: number }[]
  /** What WeChat would show the user when no try gave a usable answer. */
  userNotice?: string
}

/** What `POST /demo/messages/send` answers. */
export interface DemoSendAnswer {
  /** The visitor as WeChat knows them (a follower). */
  openid: string
  /** The visitor was not following yet: they followed first, and this is the `subscribe` push. */
  followed?: DemoPushSummary
  /** The visitor's text message and the route's answer. */
  message: DemoPushSummary
}
