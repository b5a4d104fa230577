import { WechatMessageCrypto } from '@wxkit/core'
import { XMLParser } from 'fast-xml-parser'
import { PUSH_APP, replyText } from './push-app.js'
import { type PushPayload, pushPayload } from './push-payloads.js'

const crypto = new WechatMessageCrypto(PUSH_APP)
const parser = new XMLParser({ parseTagValue: false })

/**
 * Send one fresh push to `baseUrl` and check the reply as WeChat would: status 200, an `<Encrypt>` whose
 * `MsgSignature` holds over its `TimeStamp` and `Nonce`, that decrypts with the key and AppID to a text
 * reply addressed back to the sender with the expected content. Answers the problem, or undefined when the
 * reply is right: so no contender is fast because it is broken.
 */
export async function checkPushReply(baseUrl: string): Promise<string | undefined> {
  const payload = pushPayload()
  const response = await fetch(new URL(payload.path, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: payload.body,
  })
  const text = await response.text()
  if (response.status !== 200) return `status ${response.status}`
  return replyProblem(payload, text)
}

function replyProblem(payload: PushPayload, text: string): string | undefined {
  let outer: Record<string, unknown>
  try {
    outer = parser.parse(text).xml
  } catch {
    return 'the reply is not XML'
  }
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = outer ?? {}
  if (typeof Encrypt !== 'string') return 'the reply is not encrypted'
  if (MsgSignature !== crypto.signature(String(TimeStamp), String(Nonce), Encrypt)) {
    return 'the reply MsgSignature does not hold'
  }
  let inner: Record<string, unknown>
  try {
    inner = parser.parse(crypto.decrypt(Encrypt)).xml
  } catch {
    return 'the reply does not decrypt with the key and AppID'
  }
  if (inner?.MsgType !== 'text') return `the reply is a ${String(inner?.MsgType)}, not text`
  if (inner.ToUserName !== payload.openid || inner.FromUserName !== PUSH_APP.account) {
    return 'the reply is not addressed back to the sender'
  }
  if (inner.Content !== replyText(payload.content)) return 'the reply content is wrong'
  return undefined
}
