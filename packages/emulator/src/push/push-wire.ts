import { randomBytes } from 'node:crypto'
import { decryptPush, encryptPush, pushSignature, sameSignature } from './push-crypto.js'
import type { PushedMessage, PushResult, PushTarget } from './push-options.js'
import { parsePushXml, toPushXml } from './push-xml.js'

/** One push request as WeChat sends it. */
export interface PushRequest {
  url: string
  body: string
  contentType: string
}

/** The message as JSON, with WeChat's quirk: a `List` of one item is an object, not an array (§9.5). */
function toPushJson(message: Record<string, unknown>): string {
  const { List } = message
  return JSON.stringify(Array.isArray(List) && List.length === 1 ? { ...message, List: List[0] } : message)
}

/**
 * The URL and body of one try: `signature`, `timestamp`, `nonce` and (for user-originated pushes)
 * `openid` in the query; in compatible and safe mode also `encrypt_type=aes` and `msg_signature`, and an
 * `Encrypt` field holding the encrypted message (beside the plain fields in compatible mode).
 */
export function pushRequest(target: PushTarget, message: PushedMessage, nowMs: number): PushRequest {
  const timestamp = String(Math.floor(nowMs / 1000))
  const nonce = String(randomBytes(4).readUInt32BE() % 1_000_000_000)
  const url = new URL(target.url)
  url.searchParams.set('signature', pushSignature(target.token, timestamp, nonce))
  url.searchParams.set('timestamp', timestamp)
  url.searchParams.set('nonce', nonce)
  if (typeof message.FromUserName === 'string') url.searchParams.set('openid', message.FromUserName)
  const plain = target.format === 'xml' ? toPushXml(message) : toPushJson(message)
  let body = plain
  if (target.mode !== 'plain' && target.encodingAESKey !== undefined) {
    const Encrypt = encryptPush(target.encodingAESKey, target.appid, plain)
    url.searchParams.set('encrypt_type', 'aes')
    url.searchParams.set('msg_signature', pushSignature(target.token, timestamp, nonce, Encrypt))
    const fields =
      target.mode === 'safe' ? { ToUserName: message.ToUserName, Encrypt } : { ...message, Encrypt }
    body = target.format === 'xml' ? toPushXml(fields) : toPushJson(fields)
  }
  return {
    url: url.href,
    body,
    contentType: target.format === 'xml' ? 'text/xml' : 'application/json',
  }
}

type ReplyVerdict = Pick<PushResult, 'reply' | 'problem'>

function parseBody(format: PushTarget['format'], text: string): Record<string, unknown> | undefined {
  if (format === 'xml') return text.trimStart().startsWith('<') ? parsePushXml(text) : undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Judge a 200 answer as WeChat would: `success` or an empty body; otherwise a reply in the push's format,
 * encrypted and correctly signed in safe mode (either kind in compatible mode, plain in plain mode),
 * addressed back to the sender. Anything else is unusable, with the reason in `problem`.
 */
export function readPushReply(target: PushTarget, message: PushedMessage, text: string): ReplyVerdict {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed === 'success') return { reply: trimmed as '' | 'success' }
  let reply = parseBody(target.format, text)
  if (!reply) return { problem: `the reply is not ${target.format === 'xml' ? 'XML' : 'a JSON object'}` }
  if (reply.Encrypt !== undefined) {
    if (target.mode === 'plain' || target.encodingAESKey === undefined) {
      return { problem: 'an encrypted reply in plain mode' }
    }
    const { Encrypt, MsgSignature, TimeStamp, Nonce } = reply
    if (typeof Encrypt !== 'string' || typeof MsgSignature !== 'string') {
      return { problem: 'the encrypted reply lacks Encrypt or MsgSignature' }
    }
    const expected = pushSignature(target.token, String(TimeStamp ?? ''), String(Nonce ?? ''), Encrypt)
    if (!sameSignature(expected, MsgSignature)) return { problem: 'the reply MsgSignature does not match' }
    const opened = decryptPush(target.encodingAESKey, Encrypt)
    if (!opened) return { problem: 'the reply Encrypt does not decrypt with the EncodingAESKey' }
    if (opened.appid !== target.appid) return { problem: 'the reply carries another appid' }
    const inner = parseBody(target.format, opened.message)
    if (!inner)
      return { problem: `the decrypted reply is not ${target.format === 'xml' ? 'XML' : 'a JSON object'}` }
    reply = inner
  } else if (target.mode === 'safe') {
    return { problem: 'a plaintext reply in safe mode' }
  }
  if (reply.MsgType !== undefined) {
    if (reply.ToUserName !== message.FromUserName || reply.FromUserName !== message.ToUserName) {
      return {
        problem: 'the reply is not addressed from the app back to the sender (ToUserName/FromUserName)',
      }
    }
    if (!/^\d{1,10}$/.test(String(reply.CreateTime ?? '')))
      return { problem: 'the reply CreateTime is not in seconds' }
  }
  return { reply }
}
