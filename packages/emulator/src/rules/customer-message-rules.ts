import { WechatApiFailure } from '../errors.js'

/**
 * The message types of `message/custom/send` and the string fields each requires (§14.5). Mini Programs
 * send `text`, `image`, `link` and `miniprogrampage`.
 */
export const CUSTOMER_MESSAGE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'description', 'url', 'thumb_url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
}

/** The media ids a message of `msgtype` refers to (checked against temporary media). */
export const CUSTOMER_MESSAGE_MEDIA: Readonly<Record<string, readonly string[]>> = {
  image: ['media_id'],
  miniprogrampage: ['thumb_media_id'],
}

/**
 * The content of a customer service message body, checked as WeChat does: `msgtype` missing or unknown,
 * its field missing or not an object, or a required field not a non-empty string, 47001.
 */
export function customerMessageContent(body: Record<string, unknown>): {
  msgtype: string
  content: Record<string, unknown>
} {
  const { msgtype } = body
  if (typeof msgtype !== 'string' || !Object.hasOwn(CUSTOMER_MESSAGE_FIELDS, msgtype)) {
    throw new WechatApiFailure(47001)
  }
  const content = body[msgtype]
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new WechatApiFailure(47001)
  }
  const fields = content as Record<string, unknown>
  for (const name of CUSTOMER_MESSAGE_FIELDS[msgtype] ?? []) {
    const value = fields[name]
    if (typeof value !== 'string' || value.trim() === '') throw new WechatApiFailure(47001)
  }
  return { msgtype, content: fields }
}
