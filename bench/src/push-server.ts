/**
 * One push receiver of figure 6 under load, in its own process (like route-server.ts) so the load
 * generator does not share its event loop. `node --import tsx push-server.ts <mode>`; answers `{ port }`
 * over IPC, and `{ usage }` (CPU time, answered requests, handler runs) when asked.
 *
 * Every mode mounts on Express at PUSH_PATH with PUSH_APP and answers a text message with
 * `replyText(Content)`, encrypted (safe mode, XML):
 * - `wxkit`: `messageRoutes(new WechatMessageServer(…))` of `@wxkit/express`, dedupe in process memory;
 * - `wxkit-redis`: the same with `store: createRedisCache(WXKIT_REDIS_URL)` (`@wxkit/redis`);
 * - `wechat`: node-webot's `wechat` 2.1.0 middleware, configured as its README says;
 * - `floor`: a bare Express handler doing only the protocol's work: both signatures, decrypt, parse,
 *   build the reply, encrypt, sign (core's WechatMessageCrypto and fast-xml-parser; no dedupe, no
 *   timestamp window, no handler table).
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { WechatMessageCrypto, WechatMessageServer } from '@wxkit/core'
import { messageRoutes } from '@wxkit/express'
import { createRedisCache } from '@wxkit/redis'
import express, { type Request, type Response } from 'express'
import { XMLParser } from 'fast-xml-parser'
import { PUSH_APP, PUSH_PATH, replyText } from './push-app.js'

const require = createRequire(import.meta.url)
const MODES = ['wxkit', 'wxkit-redis', 'wechat', 'floor'] as const
export type PushServerMode = (typeof MODES)[number]

const mode = process.argv[2] as PushServerMode
if (!MODES.includes(mode)) throw new Error(`usage: push-server.ts ${MODES.join('|')}`)

const { token, encodingAESKey, appId } = PUSH_APP
const app = express()
app.disable('x-powered-by')
app.set('etag', false)
/** Handler runs: with distinct MsgIds every answered message must have run the handler once. */
let handled = 0
let close: () => Promise<void> = async () => {}

if (mode === 'wxkit' || mode === 'wxkit-redis') {
  const store =
    mode === 'wxkit-redis'
      ? createRedisCache(process.env.WXKIT_REDIS_URL ?? 'redis://127.0.0.1:6379', {
          namespace: `wxkit-bench-push:${process.pid}`,
        })
      : undefined
  const server = new WechatMessageServer({ token, encodingAESKey, appId, store })
  server.on('text', (message) => {
    handled++
    return replyText(message.Content)
  })
  app.use(PUSH_PATH, messageRoutes(server))
  close = async () => {
    await store?.clear().catch(() => undefined)
    await store?.disconnect().catch(() => undefined)
  }
} else if (mode === 'wechat') {
  // node-webot/wechat's README: wechat(config, wechat.text(handler)) with res.reply(text).
  const wechat = require('wechat') as WechatMiddleware
  app.use(
    PUSH_PATH,
    wechat(
      { token, appid: appId, encodingAESKey, checkSignature: true },
      wechat.text((message, _req, res) => {
        handled++
        res.reply(replyText(message.Content))
      }),
    ),
  )
} else {
  const crypto = new WechatMessageCrypto({ token, encodingAESKey, appId })
  const parser = new XMLParser({ parseTagValue: false })
  app.post(PUSH_PATH, async (req: Request, res: Response) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const query = req.query as Record<string, string>
    const { timestamp = '', nonce = '' } = query
    const outer = parser.parse(Buffer.concat(chunks).toString('utf8')).xml as { Encrypt: string }
    if (
      crypto.signature(timestamp, nonce) !== query.signature ||
      crypto.signature(timestamp, nonce, outer.Encrypt) !== query.msg_signature
    ) {
      res.status(401).end()
      return
    }
    const message = parser.parse(crypto.decrypt(outer.Encrypt)).xml as Record<string, string>
    handled++
    const now = Math.floor(Date.now() / 1000)
    const Encrypt = crypto.encrypt(
      `<xml><ToUserName><![CDATA[${message.FromUserName}]]></ToUserName><FromUserName><![CDATA[${message.ToUserName}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${replyText(message.Content ?? '')}]]></Content></xml>`,
    )
    const replyNonce = String(Math.floor(Math.random() * 1e9))
    const body = `<xml><Encrypt><![CDATA[${Encrypt}]]></Encrypt><MsgSignature><![CDATA[${crypto.signature(now, replyNonce, Encrypt)}]]></MsgSignature><TimeStamp>${now}</TimeStamp><Nonce><![CDATA[${replyNonce}]]></Nonce></xml>`
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(body)
  })
}

interface WechatMiddleware {
  (
    config: { token: string; appid: string; encodingAESKey: string; checkSignature: boolean },
    handler: unknown,
  ): express.RequestHandler
  text(
    handler: (
      message: { Content: string },
      req: Request,
      res: Response & { reply(text: string): void },
    ) => void,
  ): unknown
}

const listener = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (listener.address() as AddressInfo).port })
})
listener.keepAliveTimeout = 60_000
let answered = 0
listener.on('request', (_req, res) => res.on('finish', () => answered++))
process.on('message', (message) => {
  if (message === 'stop') listener.close(() => void close().then(() => process.exit(0)))
  if (message === 'usage') {
    const { user, system } = process.cpuUsage()
    process.send?.({ usage: { cpuMicros: user + system, requests: answered, handled } })
  }
})
