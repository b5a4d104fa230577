import { defineEndpoint } from '../endpoint.js'
import { WechatValidationError } from '../errors.js'
import { requireObject, requireString, validatePageUrl } from '../validate.js'

/** `text`: plain text (links as `<a href="…">` are allowed by WeChat). */
export interface CustomerTextMessage {
  touser: string
  msgtype: 'text'
  text: { content: string }
}

/** `image`: a temporary media id from `uploadTempMedia({ type: 'image', … })`. */
export interface CustomerImageMessage {
  touser: string
  msgtype: 'image'
  image: { media_id: string }
}

/** `link` (Mini Program): a card opening `url`. */
export interface CustomerLinkMessage {
  touser: string
  msgtype: 'link'
  link: { title: string; description: string; url: string; thumb_url: string }
}

/** `miniprogrampage` (Mini Program): a card opening a page of this Mini Program. */
export interface CustomerMiniProgramPageMessage {
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

/**
 * Body of `POST /cgi-bin/message/custom/send` (§14.5), with WeChat's field names: a union on `msgtype`,
 * whose value names the field that carries the content.
 */
export type CustomerMessage =
  | CustomerTextMessage
  | CustomerImageMessage
  | CustomerLinkMessage
  | CustomerMiniProgramPageMessage

/** Each type's required string fields; a URL check for the ones that are URLs. */
const FIELDS: Readonly<Record<CustomerMessage['msgtype'], readonly string[]>> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'description', 'url', 'thumb_url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
}
const URL_FIELDS: ReadonlySet<string> = new Set(['link.url', 'link.thumb_url'])

/** Checks a message and builds the body WeChat takes: `touser`, `msgtype` and that one field. */
function customerMessageBody(message: CustomerMessage): Record<string, unknown> {
  requireObject('message', message)
  const touser = requireString('touser', message.touser, 128)
  const { msgtype } = message
  if (typeof msgtype !== 'string' || !Object.hasOwn(FIELDS, msgtype)) {
    throw new WechatValidationError('msgtype', `must be one of ${Object.keys(FIELDS).join(', ')}`)
  }
  const content = requireObject(msgtype, (message as unknown as Record<string, unknown>)[msgtype])
  for (const name of FIELDS[msgtype]) {
    const field = `${msgtype}.${name}`
    requireString(field, content[name], 4096)
    if (URL_FIELDS.has(field)) validatePageUrl(field, content[name])
  }
  return { touser, msgtype, [msgtype]: content }
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
