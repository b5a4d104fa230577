/** One article of a news reply. */
export interface WechatNewsArticle {
  title: string
  description?: string
  /** Cover image URL (large 360×200, small 200×200). */
  picUrl?: string
  /** Where a tap goes. */
  url?: string
}

/**
 * What a handler may answer (§9.5), with camelCase fields; a string is a text reply and `undefined`
 * answers `success` (nothing to send). Only Official Accounts can answer passively: a Mini Program push
 * accepts `transfer_customer_service` or nothing.
 */
export type WechatReply =
  | string
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string; description?: string }
  | {
      type: 'music'
      thumbMediaId: string
      title?: string
      description?: string
      musicUrl?: string
      hqMusicUrl?: string
    }
  /** At most 8 articles; 1 when answering a user's message (§9.5). */
  | { type: 'news'; articles: readonly WechatNewsArticle[] }
  /** Hand the conversation to customer service, optionally to one account (`kf2001@gh_…`). */
  | { type: 'transfer_customer_service'; kfAccount?: string }
