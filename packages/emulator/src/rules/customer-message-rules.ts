import { WechatApiFailure } from '../errors.js'

/**
 * The message types of `message/custom/send` and the string fields each requires (§14.5). Mini Programs
 * send `text`, `image`, `link` and `miniprogrampage`; Official Accounts also `voice`, `video`, `music`,
 * `news`, `mpnews`, `mpnewsarticle`, `msgmenu`, `wxcard` and `miniprogrampage` with `appid`. The emulator
 * does not know which kind an app is, so every app may send every type.
 */
export const CUSTOMER_MESSAGE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'description', 'url', 'thumb_url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
  voice: ['media_id'],
  video: ['media_id', 'thumb_media_id'],
  music: ['musicurl', 'hqmusicurl', 'thumb_media_id'],
  news: [],
  mpnews: ['media_id'],
  mpnewsarticle: ['article_id'],
  msgmenu: ['head_content', 'tail_content'],
  wxcard: ['card_id'],
}

/** The list a type carries, how many items it takes and each item's required string fields. */
const CUSTOMER_MESSAGE_LISTS: Readonly<
  Record<string, { name: string; max: number; fields: readonly string[] }>
> = {
  news: { name: 'articles', max: 1, fields: ['title', 'description', 'url', 'picurl'] },
  msgmenu: { name: 'list', max: Number.POSITIVE_INFINITY, fields: ['id', 'content'] },
}

/**
 * The media ids a message of `msgtype` refers to, each of which must be a live temporary media id of the
 * app (40007 otherwise). Permanent material is not emulated, so these are all temporary; `mpnews.media_id`
 * names permanent news material and is not checked.
 */
export const CUSTOMER_MESSAGE_MEDIA: Readonly<Record<string, readonly string[]>> = {
  image: ['media_id'],
  miniprogrampage: ['thumb_media_id'],
  voice: ['media_id'],
  video: ['media_id', 'thumb_media_id'],
  music: ['thumb_media_id'],
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** 47001 unless each of `fields` of `object` is a non-empty string. */
function requireStrings(object: Record<string, unknown>, fields: readonly string[]): void {
  for (const name of fields) {
    const value = object[name]
    if (typeof value !== 'string' || value.trim() === '') throw new WechatApiFailure(47001)
  }
}

/**
 * The content of a customer service message body, checked as WeChat does: `msgtype` missing or unknown,
 * its field missing or not an object, a required field not a non-empty string, `news.articles` not exactly
 * one article or `msgmenu.list` empty (or an item's fields missing), or `customservice.kf_account` given
 * but not a non-empty string, 47001.
 */
export function customerMessageContent(body: Record<string, unknown>): {
  msgtype: string
  content: Record<string, unknown>
  kfAccount?: string
} {
  const { msgtype } = body
  if (typeof msgtype !== 'string' || !Object.hasOwn(CUSTOMER_MESSAGE_FIELDS, msgtype)) {
    throw new WechatApiFailure(47001)
  }
  const content = body[msgtype]
  if (!isObject(content)) throw new WechatApiFailure(47001)
  requireStrings(content, CUSTOMER_MESSAGE_FIELDS[msgtype] ?? [])
  const list = CUSTOMER_MESSAGE_LISTS[msgtype]
  if (list) {
    const items = content[list.name]
    if (!Array.isArray(items) || items.length === 0 || items.length > list.max) {
      throw new WechatApiFailure(47001)
    }
    for (const item of items) {
      if (!isObject(item)) throw new WechatApiFailure(47001)
      requireStrings(item, list.fields)
    }
  }
  if (body.customservice !== undefined) {
    if (!isObject(body.customservice)) throw new WechatApiFailure(47001)
    requireStrings(body.customservice, ['kf_account'])
    return { msgtype, content, kfAccount: body.customservice.kf_account as string }
  }
  return { msgtype, content }
}
