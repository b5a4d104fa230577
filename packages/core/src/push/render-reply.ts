import { WechatValidationError } from '../errors.js'
import type { WechatPush } from './message-types.js'
import type { WechatReply } from './reply-types.js'

/** At most 8 news articles in any reply; WeChat shows only 1 when answering a user's message (§9.5). */
export const MAX_NEWS_ARTICLES = 8

function requireString(field: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return
  if (typeof value !== 'string' || (!optional && value === '')) {
    throw new WechatValidationError(
      `reply.${field}`,
      optional ? 'must be a string' : 'must be a non-empty string',
    )
  }
}

/** A checked copy of a handler's reply, as it is also reported in `lateReply` and stored for retries. */
export function checkReply(reply: unknown, push: WechatPush, miniProgram: boolean): WechatReply | undefined {
  if (reply === undefined || reply === null) return undefined
  const normalized: WechatReply =
    typeof reply === 'string' ? { type: 'text', content: reply } : (reply as WechatReply)
  if (typeof normalized !== 'object')
    throw new WechatValidationError('reply', 'must be a string, an object or undefined')
  if (miniProgram && normalized.type !== 'transfer_customer_service') {
    throw new WechatValidationError(
      'reply',
      'a Mini Program push cannot be answered passively (WeChat ignores it); send a customer service message instead, or answer undefined',
    )
  }
  switch (normalized.type) {
    case 'text':
      requireString('content', normalized.content)
      break
    case 'image':
    case 'voice':
      requireString('mediaId', normalized.mediaId)
      break
    case 'video':
      requireString('mediaId', normalized.mediaId)
      requireString('title', normalized.title, true)
      requireString('description', normalized.description, true)
      break
    case 'music':
      requireString('thumbMediaId', normalized.thumbMediaId)
      for (const field of ['title', 'description', 'musicUrl', 'hqMusicUrl'] as const) {
        requireString(field, normalized[field], true)
      }
      break
    case 'news': {
      const { articles } = normalized
      if (!Array.isArray(articles) || articles.length === 0) {
        throw new WechatValidationError('reply.articles', 'must be a non-empty array')
      }
      if (articles.length > MAX_NEWS_ARTICLES) {
        throw new WechatValidationError(
          'reply.articles',
          `has ${articles.length} articles; WeChat allows at most 8`,
        )
      }
      if (push.MsgType !== 'event' && articles.length > 1) {
        throw new WechatValidationError(
          'reply.articles',
          `has ${articles.length} articles; a reply to a user's message may carry only 1`,
        )
      }
      articles.forEach((article, index) => {
        requireString(`articles[${index}].title`, article?.title)
        for (const field of ['description', 'picUrl', 'url'] as const) {
          requireString(`articles[${index}].${field}`, article?.[field], true)
        }
      })
      break
    }
    case 'transfer_customer_service':
      requireString('kfAccount', normalized.kfAccount, true)
      break
    default:
      throw new WechatValidationError(
        'reply.type',
        'must be text, image, voice, video, music, news or transfer_customer_service',
      )
  }
  return normalized
}

const defined = (entries: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined))

/**
 * The reply's fields with WeChat's names (§9.5): addressed back to the sender (To/From swapped),
 * `CreateTime` in seconds. The same fields serve XML and JSON.
 */
export function replyFields(
  reply: Exclude<WechatReply, string>,
  push: WechatPush,
  nowMs: number,
): Record<string, unknown> {
  const head = {
    ToUserName: push.FromUserName,
    FromUserName: push.ToUserName,
    CreateTime: Math.floor(nowMs / 1000),
    MsgType: reply.type,
  }
  switch (reply.type) {
    case 'text':
      return { ...head, Content: reply.content }
    case 'image':
      return { ...head, Image: { MediaId: reply.mediaId } }
    case 'voice':
      return { ...head, Voice: { MediaId: reply.mediaId } }
    case 'video':
      return {
        ...head,
        Video: defined({ MediaId: reply.mediaId, Title: reply.title, Description: reply.description }),
      }
    case 'music':
      return {
        ...head,
        Music: defined({
          Title: reply.title,
          Description: reply.description,
          MusicUrl: reply.musicUrl,
          HQMusicUrl: reply.hqMusicUrl,
          ThumbMediaId: reply.thumbMediaId,
        }),
      }
    case 'news':
      return {
        ...head,
        ArticleCount: reply.articles.length,
        Articles: {
          item: reply.articles.map((article) =>
            defined({
              Title: article.title,
              Description: article.description,
              PicUrl: article.picUrl,
              Url: article.url,
            }),
          ),
        },
      }
    case 'transfer_customer_service':
      return reply.kfAccount === undefined ? head : { ...head, TransInfo: { KfAccount: reply.kfAccount } }
  }
}
