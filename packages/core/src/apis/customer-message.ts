import { defineEndpoint } from '../endpoint.js'
import { WechatValidationError } from '../errors.js'
import { requireObject, requireString, validatePageUrl } from '../validate.js'

/** Sends the message as this customer service account (`kf_account`, e.g. `test1@account`): Official Account only. */
export interface CustomerServiceAccount {
  customservice?: { kf_account: string }
}

/** `text`: plain text (links as `<a href="…">` are allowed by WeChat). */
export interface CustomerTextMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'text'
  text: { content: string }
}

/** `image`: a temporary media id from `uploadTempMedia({ type: 'image', … })`. */
export interface CustomerImageMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'image'
  image: { media_id: string }
}

/** `link` (Mini Program): a card opening `url`. */
export interface CustomerLinkMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'link'
  link: { title: string; description: string; url: string; thumb_url: string }
}

/** `miniprogrampage` (Mini Program): a card opening a page of this Mini Program. */
export interface CustomerMiniProgramPageMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'miniprogrampage'
  miniprogrampage: {
    title: string
    /** The page, as in app.json; a query is allowed (`pages/item/item?id=42`). */
    pagepath: string
    /** A temporary media id (an image) for the card's picture. */
    thumb_media_id: string
  }
}

/** `miniprogrampage` (Official Account only): a card opening a page of the Mini Program `appid`. */
export interface CustomerOfficialAccountMiniProgramPageMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'miniprogrampage'
  miniprogrampage: {
    title: string
    /** The Mini Program's AppID (linked to the Official Account). */
    appid: string
    /** The page, as in app.json; a query is allowed. */
    pagepath: string
    /** A temporary media id (an image) for the card's picture. */
    thumb_media_id: string
  }
}

/** `voice` (Official Account only): a temporary media id from `uploadTempMedia({ type: 'voice', … })`. */
export interface CustomerVoiceMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'voice'
  voice: { media_id: string }
}

/** `video` (Official Account only): a video and its thumbnail, both temporary media ids. */
export interface CustomerVideoMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'video'
  video: { media_id: string; thumb_media_id: string; title?: string; description?: string }
}

/** `music` (Official Account only): a music card; `thumb_media_id` is temporary media (a thumb). */
export interface CustomerMusicMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'music'
  music: {
    title?: string
    description?: string
    musicurl: string
    /** The high-quality link, played on Wi-Fi. */
    hqmusicurl: string
    thumb_media_id: string
  }
}

/** `news` (Official Account only): an external article card; WeChat takes exactly one article. */
export interface CustomerNewsMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'news'
  news: { articles: [{ title: string; description: string; url: string; picurl: string }] }
}

/** `mpnews` (Official Account only): an article from the account's material, by media id. */
export interface CustomerMpNewsMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'mpnews'
  mpnews: { media_id: string }
}

/** `mpnewsarticle` (Official Account only): a published article, by `article_id`. */
export interface CustomerMpNewsArticleMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'mpnewsarticle'
  mpnewsarticle: { article_id: string }
}

/**
 * `msgmenu` (Official Account only): a question with tappable answers; a tap comes back as a text message
 * whose `bizmsgmenuid` is the item's `id`.
 */
export interface CustomerMsgMenuMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'msgmenu'
  msgmenu: { head_content: string; list: { id: string; content: string }[]; tail_content: string }
}

/** `wxcard` (Official Account only): a card or coupon, by `card_id`. */
export interface CustomerWxCardMessage extends CustomerServiceAccount {
  touser: string
  msgtype: 'wxcard'
  wxcard: { card_id: string }
}

/**
 * Body of `POST /cgi-bin/message/custom/send` (§14.5), with WeChat's field names: a union on `msgtype`,
 * whose value names the field that carries the content. Mini Programs send `text`, `image`, `link` and
 * `miniprogrampage` (without `appid`); the other types, `miniprogrampage` with `appid` and `customservice`
 * are Official Account only.
 */
export type CustomerMessage =
  | CustomerTextMessage
  | CustomerImageMessage
  | CustomerLinkMessage
  | CustomerMiniProgramPageMessage
  | CustomerOfficialAccountMiniProgramPageMessage
  | CustomerVoiceMessage
  | CustomerVideoMessage
  | CustomerMusicMessage
  | CustomerNewsMessage
  | CustomerMpNewsMessage
  | CustomerMpNewsArticleMessage
  | CustomerMsgMenuMessage
  | CustomerWxCardMessage

/** Each type's required string fields (`news` and `msgmenu` also have a list, checked on its own). */
const FIELDS: Readonly<Record<CustomerMessage['msgtype'], readonly string[]>> = {
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
/** Fields that may be left out, but are strings when given. */
const OPTIONAL_FIELDS: Readonly<Partial<Record<CustomerMessage['msgtype'], readonly string[]>>> = {
  miniprogrampage: ['appid'],
  video: ['title', 'description'],
  music: ['title', 'description'],
}
const URL_FIELDS: ReadonlySet<string> = new Set([
  'link.url',
  'link.thumb_url',
  'music.musicurl',
  'music.hqmusicurl',
  'news.articles[0].url',
  'news.articles[0].picurl',
])

/** Checks the required (and given optional) string fields of `content`, named `prefix.<name>`. */
function checkFields(
  prefix: string,
  content: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[] = [],
): void {
  for (const name of [...required, ...optional.filter((n) => content[n] !== undefined)]) {
    const field = `${prefix}.${name}`
    requireString(field, content[name], 4096)
    if (URL_FIELDS.has(field)) validatePageUrl(field, content[name])
  }
}

/** `news.articles` (exactly one) and `msgmenu.list` (at least one item), each item's fields checked. */
function checkList(msgtype: string, content: Record<string, unknown>): void {
  const [name, fields] =
    msgtype === 'news' ? ['articles', ['title', 'description', 'url', 'picurl']] : ['list', ['id', 'content']]
  const list = content[name]
  if (!Array.isArray(list) || list.length === 0 || (msgtype === 'news' && list.length !== 1)) {
    throw new WechatValidationError(
      `${msgtype}.${name}`,
      msgtype === 'news' ? 'must hold exactly one article' : 'must be a non-empty array',
    )
  }
  list.forEach((item: unknown, i) => {
    const prefix = `${msgtype}.${name}[${i}]`
    checkFields(prefix, requireObject(prefix, item), fields)
  })
}

/** Checks a message and builds the body WeChat takes: `touser`, `msgtype`, that one field, `customservice`. */
function customerMessageBody(message: CustomerMessage): Record<string, unknown> {
  requireObject('message', message)
  const touser = requireString('touser', message.touser, 128)
  const { msgtype } = message
  if (typeof msgtype !== 'string' || !Object.hasOwn(FIELDS, msgtype)) {
    throw new WechatValidationError('msgtype', `must be one of ${Object.keys(FIELDS).join(', ')}`)
  }
  const content = requireObject(msgtype, (message as unknown as Record<string, unknown>)[msgtype])
  checkFields(msgtype, content, FIELDS[msgtype], OPTIONAL_FIELDS[msgtype])
  if (msgtype === 'news' || msgtype === 'msgmenu') checkList(msgtype, content)
  const { customservice } = message as CustomerServiceAccount
  if (customservice !== undefined) {
    checkFields('customservice', requireObject('customservice', customservice), ['kf_account'])
  }
  return { touser, msgtype, [msgtype]: content, ...(customservice ? { customservice } : {}) }
}

/**
 * `POST /cgi-bin/message/custom/send`. Not idempotent (a repeat delivers twice), so transient failures are
 * not retried; the one token refresh after 40001/42001 still applies (nothing was sent).
 */
export const sendCustomerMessage = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/message/custom/send',
  idempotent: false,
  json: customerMessageBody,
  read: (): void => {},
})

/** `POST /cgi-bin/message/custom/typing`: shows or hides "typing…" to the user. Harmless to repeat. */
export const setTyping = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/message/custom/typing',
  json: ({ openid, typing }: { openid: string; typing: boolean }) => {
    requireString('openid', openid, 128)
    if (typeof typing !== 'boolean') throw new WechatValidationError('typing', 'must be a boolean')
    return { touser: openid, command: typing ? 'Typing' : 'CancelTyping' }
  },
  read: (): void => {},
})
