import { createServer } from 'node:http'
import { listenForTest } from '../../../test-support/listen.js'
import { WechatMessageCrypto, type WechatMessageServer, type WechatPushRequest } from '../src/index.js'
import { buildPushXml } from '../src/push/push-xml.js'

export const TOKEN = 'pushToken42'
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
export const OLD_AES_KEY = 'Z'.repeat(43)
export const APP_ID = 'wx5c0a0e1a7e570001'

/** Serve `server` over real HTTP (raw body, as any framework adapter would), at `/wechat/messages`. */
export async function serve(server: WechatMessageServer): Promise<string> {
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const response = await server.handle({
      method: req.method ?? 'GET',
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    })
    if (!res.destroyed) res.writeHead(response.status, response.headers).end(response.body)
  })
  return `${await listenForTest(http)}/wechat/messages`
}

/**
 * A round-robin load balancer in front of `targets`: the first request goes to the first target, the
 * next to the second, and so on. A client that gives up aborts the upstream request too.
 */
export async function balance(targets: string[]): Promise<string> {
  let next = 0
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const target = new URL(req.url ?? '/', targets[next++ % targets.length])
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const upstream = await fetch(target, {
        method: req.method ?? 'GET',
        headers: { 'content-type': String(req.headers['content-type'] ?? 'text/plain') },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        signal: abort.signal,
      })
      const body = await upstream.text()
      res
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' })
        .end(body)
    } catch {
      res.destroy()
    }
  })
  return `${await listenForTest(http)}/wechat/messages`
}

/** A user's text message in the one shape. */
export function textMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ToUserName: 'gh_0123456789ab',
    FromUserName: 'oUser00000000000000000000001',
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: 'hello',
    MsgId: String(Date.now()) + String(Math.floor(Math.random() * 1e6)),
    ...overrides,
  }
}

/** Options of {@link pushRequest}. */
export interface PushRequestOptions {
  mode?: 'plain' | 'safe'
  format?: 'xml' | 'json'
  key?: string
  appId?: string
  token?: string
  timestamp?: number
  /** Replace the body after signing (for forged bodies). */
  body?: string
}

/** A request as WeChat would send it, for `server.handle()`. */
export function pushRequest(
  message: Record<string, unknown>,
  options: PushRequestOptions = {},
): WechatPushRequest {
  const { mode = 'safe', format = 'xml', key = AES_KEY, appId = APP_ID, token = TOKEN } = options
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const nonce = '123456789'
  const crypto = new WechatMessageCrypto({ token, encodingAESKey: key, appId })
  const plain = format === 'xml' ? buildPushXml(message) : JSON.stringify(message)
  const query = new URLSearchParams({ signature: crypto.signature(timestamp, nonce), timestamp, nonce })
  let body = plain
  if (mode === 'safe') {
    const Encrypt = crypto.encrypt(plain)
    query.set('encrypt_type', 'aes')
    query.set('msg_signature', crypto.signature(timestamp, nonce, Encrypt))
    const envelope = { ToUserName: message.ToUserName, Encrypt }
    body = format === 'xml' ? buildPushXml(envelope) : JSON.stringify(envelope)
  }
  return { method: 'POST', query, body: options.body ?? body }
}

/** Decrypt an encrypted reply body (XML or JSON) and return the inner reply text. */
export function openReply(body: string, key = AES_KEY, appId = APP_ID): string {
  const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)?.[1] ?? JSON.parse(body).Encrypt
  return new WechatMessageCrypto({ token: TOKEN, encodingAESKey: key, appId }).decrypt(encrypt)
}
