import { randomBytes } from 'node:crypto'
import { WechatMessageCrypto } from '@wxkit/core'
import { PUSH_APP, PUSH_PATH } from './push-app.js'

/** One safe-mode XML push as WeChat sends it: the path with its query, and the body. */
export interface PushPayload {
  path: string
  body: string
  /** The text inside, to check the reply against. */
  content: string
  /** The sender, whom the reply must be addressed to. */
  openid: string
}

const crypto = new WechatMessageCrypto(PUSH_APP)
/** MsgIds are 64-bit in WeChat; these start above 2^53 and never repeat within a run. */
let nextMsgId = 24_000_000_000_000_000n + BigInt(Date.now())

/**
 * A distinct signed and encrypted text message (new MsgId, nonce and content; timestamp now), as the
 * emulator's `pushMessage` sends it in safe mode: `signature`, `timestamp`, `nonce`, `openid`,
 * `encrypt_type=aes`, `msg_signature` in the query, `<ToUserName>` and `<Encrypt>` in the body.
 */
export function pushPayload(): PushPayload {
  const msgId = String(nextMsgId++)
  const openid = `oBench${msgId.slice(-6)}`
  const content = `hello ${msgId.slice(-8)}`
  const createTime = Math.floor(Date.now() / 1000)
  const timestamp = String(createTime)
  const nonce = String(randomBytes(4).readUInt32BE() % 1_000_000_000)
  const inner =
    `<xml><ToUserName><![CDATA[${PUSH_APP.account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`
  const encrypt = crypto.encrypt(inner)
  const query = new URLSearchParams({
    signature: crypto.signature(timestamp, nonce),
    timestamp,
    nonce,
    openid,
    encrypt_type: 'aes',
    msg_signature: crypto.signature(timestamp, nonce, encrypt),
  })
  return {
    path: `${PUSH_PATH}?${query}`,
    body: `<xml><ToUserName><![CDATA[${PUSH_APP.account}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    content,
    openid,
  }
}

/**
 * Payloads made before a run starts, so the load generator spends no time encrypting during it. Taking
 * more than were made still hands out distinct ones (made on the spot, counted in `madeLate`): a payload is
 * never sent twice, so the dedupe of every message is real work.
 */
export class PushPayloadPool {
  readonly #ready: PushPayload[]
  #taken = 0
  madeLate = 0

  constructor(size: number) {
    this.#ready = Array.from({ length: size }, pushPayload)
  }

  take(): PushPayload {
    const ready = this.#ready[this.#taken++]
    if (ready) return ready
    this.madeLate++
    return pushPayload()
  }
}
