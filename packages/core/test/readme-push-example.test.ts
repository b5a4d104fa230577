import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startEmulator } from '@wxkit/emulator'
import { expect, it } from 'vitest'
import { WechatMessageServer } from '../src/index.js'

it('answers a follower through any HTTP server', async () => {
  const keys = { token: 'myToken123', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }
  const messages = new WechatMessageServer({ ...keys, appId: 'wx5c0a0e1a7e570001' })
  messages.on('text', (message) => `You said: ${message.Content}`)
  messages.on('event.subscribe', () => ({
    type: 'news',
    articles: [{ title: 'Welcome', url: 'https://example.com/start' }],
  }))
  const outbox: unknown[] = [] // e.g. a queue that sends customer service messages
  messages.on('lateReply', ({ message, reply }) => {
    outbox.push({ touser: message.FromUserName, reply }) // the handler missed WeChat's 5 s
  })

  // Any framework: hand over the method, the query and the raw body; send back what handle() answers.
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk)
    const { status, headers, body } = await messages.handle({
      method: req.method ?? 'GET',
      query: new URL(req.url ?? '/', 'http://localhost').searchParams,
      body: Buffer.concat(chunks),
    })
    res.writeHead(status, headers).end(body)
  })
  await new Promise<void>((resolve) => http.listen(0, resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/wechat/messages`

  // Try it without WeChat: the emulator pushes as WeChat does (safe mode, XML, retries).
  const wechat = await startEmulator()
  const { reply } = await wechat.control.pushMessage({
    url,
    ...keys,
    message: { MsgType: 'text', Content: 'hi' },
  })
  expect(reply).toMatchObject({ MsgType: 'text', Content: 'You said: hi' })

  await wechat.close()
  http.close()
})
