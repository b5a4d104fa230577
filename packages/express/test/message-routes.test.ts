import { createServer, request as httpRequest } from 'node:http'
import type { WechatMessageServer, WechatPushRequest } from '@wxkit/core'
import type { RunningEmulator } from '@wxkit/emulator'
import type { Express, Response as ExpressResponse, NextFunction, Request } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import { AES_KEY, pushRequest, TOKEN, textMessage } from '../../core/test/push-fixture.js'
import { messageRoutes, wechat } from '../src/index.js'
import { SESSION_SECRET } from './support/app-harness.js'
import { echoServer, type Recorder } from './support/echo-server.js'
import { DEFAULT_APP, emulatorConfig, startTestEmulator } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())

const modes = ['plain', 'compatible', 'safe'] as const
const formats = ['xml', 'json'] as const

async function listen(app: Express): Promise<string> {
  return listenForTest(createServer(app))
}

/** Sends a request built for `server.handle()` over HTTP to `url`. */
function send(url: string, request: WechatPushRequest, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}?${new URLSearchParams(request.query as URLSearchParams)}`, {
    method: request.method,
    headers: { 'content-type': 'text/xml' },
    body: request.body as string,
    ...init,
  })
}

describe.each(EXPRESS_VERSIONS)('messageRoutes() on $name', (version) => {
  /** An app with `messageRoutes(server)` at /wechat/messages, after whatever `before` mounts. */
  async function app(
    server: WechatMessageServer,
    before?: (app: Express) => void,
    recorder?: Recorder,
  ): Promise<string> {
    const express = version.express()
    before?.(express)
    express.use(
      '/wechat/messages',
      messageRoutes(server, { bodyTimeoutMs: 500, onError: (error) => recorder?.errors.push(error) }),
    )
    express.use((_req: Request, res: ExpressResponse) => {
      res.status(404).json({ fellThrough: true })
    })
    return `${await listen(express)}/wechat/messages`
  }

  it.each(modes.flatMap((mode) => formats.map((format) => [mode, format] as const)))(
    'answers a %s-mode %s push from the emulator with the handler’s reply',
    async (mode, format) => {
      const { server, recorder } = echoServer(mode === 'plain' ? {} : { encodingAESKey: AES_KEY })
      const url = await app(server)
      const result = await emulator.control.pushMessage({
        url,
        token: TOKEN,
        format,
        mode,
        ...(mode === 'plain' ? {} : { encodingAESKey: AES_KEY }),
        message: { MsgType: 'text', Content: '你好 & <world>' },
      })
      expect(result.userNotice).toBeUndefined()
      expect(result.attempts.map((attempt) => attempt.status)).toEqual([200])
      expect(recorder.runs).toEqual([expect.objectContaining({ MsgType: 'text', Content: '你好 & <world>' })])
      expect(result.reply).toMatchObject(
        format === 'xml'
          ? { MsgType: 'text', Content: 'echo 你好 & <world>', ToUserName: result.message.FromUserName }
          : { MsgType: 'transfer_customer_service', FromUserName: result.message.ToUserName },
      )
    },
  )

  it('passes the console’s URL check, and echoes nothing for a wrong token', async () => {
    const url = await app(echoServer({ encodingAESKey: AES_KEY }).server)
    expect(await emulator.control.verifyServerUrl({ url, token: TOKEN })).toMatchObject({ ok: true })
    const wrong = await emulator.control.verifyServerUrl({ url, token: 'notTheToken1' })
    expect(wrong).toMatchObject({ ok: false, status: 401 })
    expect(wrong.body).not.toContain(wrong.echostr)
  })

  it('answers only its own path, and 405 with Allow for other methods there', async () => {
    const url = await app(echoServer().server)
    const put = await fetch(url, { method: 'PUT', body: 'x' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST')
    expect(await (await fetch(`${url}/deeper`)).json()).toEqual({ fellThrough: true })
  })

  it('refuses a forged signature with 401 and never runs the handler', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
    const url = await app(server)
    const forged = await emulator.control.pushMessage({
      url,
      token: 'forgedToken9',
      encodingAESKey: AES_KEY,
      message: { MsgType: 'text', Content: 'forged' },
    })
    expect(forged.attempts.map((attempt) => attempt.status)).toEqual([401])
    expect(forged.userNotice).toBeDefined()

    const genuine = pushRequest(textMessage({ ToUserName: 'gh_x' }))
    const query = genuine.query as URLSearchParams
    const tampered = new URLSearchParams(query)
    tampered.set(
      'msg_signature',
      query.get('msg_signature')?.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) ?? '',
    )
    expect((await send(url, { ...genuine, query: tampered })).status).toBe(401)
    const unsigned = new URLSearchParams(query)
    unsigned.delete('signature')
    expect((await send(url, { ...genuine, query: unsigned })).status).toBe(401)
    expect(recorder.runs).toEqual([])
  })

  it('refuses a stale timestamp, and runs a replayed request once', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
    const url = await app(server)
    const stale = pushRequest(textMessage(), { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const refused = await send(url, stale)
    expect(refused.status).toBe(401)
    expect(await refused.text()).toMatch(/timestamp/)

    const captured = pushRequest(textMessage({ Content: 'once' }))
    const first = await send(url, captured)
    const replayed = await send(url, captured)
    expect(first.status).toBe(200)
    expect(replayed.status).toBe(200)
    expect(recorder.runs).toHaveLength(1)
  })

  it('refuses a body over the server’s bodyLimit with 413, announced or streamed, without a handler', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY, bodyLimit: 1024 })
    const url = await app(server)
    const big = pushRequest(textMessage({ Content: 'x'.repeat(4096) }))
    const announced = await send(url, big)
    expect(announced.status).toBe(413)
    expect(await announced.json()).toMatchObject({ error: { code: 'payload_too_large' } })

    // A chunked body announces nothing: the route counts what streams in.
    const query = new URLSearchParams(big.query as URLSearchParams)
    const streamed = await rawPost(`${url}?${query}`, [String(big.body)], { chunked: true })
    expect(streamed.status).toBe(413)
    expect(recorder.runs).toEqual([])
  })

  it('refuses a megabyte with the default limit', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
    const url = await app(server)
    const response = await send(url, pushRequest(textMessage({ Content: 'y'.repeat(1_048_576) })))
    expect(response.status).toBe(413)
    expect(recorder.runs).toEqual([])
  })

  it('answers 408 to a body that never finishes, instead of holding the route open', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
    const url = await app(server)
    const request = pushRequest(textMessage())
    const query = new URLSearchParams(request.query as URLSearchParams)
    const slow = await rawPost(`${url}?${query}`, [String(request.body).slice(0, 20)], {
      contentLength: Buffer.byteLength(String(request.body)),
    })
    expect(slow.status).toBe(408)
    expect(JSON.parse(slow.body)).toMatchObject({ error: { code: 'request_timeout' } })
    expect(recorder.runs).toEqual([])
  })

  describe('with a body parser mounted first', () => {
    const verifiesExactBytes: [string, (app: Express) => void, 'xml' | 'json'][] = [
      ['express.raw()', (app) => app.use(version.express.raw({ type: () => true })), 'json'],
      ['express.text() for XML', (app) => app.use(version.express.text({ type: 'text/xml' })), 'xml'],
      [
        'express.json() keeping req.rawBody',
        (app) =>
          app.use(
            version.express.json({
              verify: (req, _res, bytes) => {
                ;(req as unknown as { rawBody: Buffer }).rawBody = bytes
              },
            }),
          ),
        'json',
      ],
      [
        'express.json() (an XML push is not JSON: left unread)',
        (app) => app.use(version.express.json()),
        'xml',
      ],
      ['express.urlencoded()', (app) => app.use(version.express.urlencoded({ extended: false })), 'xml'],
    ]
    it.each(verifiesExactBytes)('%s: still verifies the exact bytes', async (_name, parser, format) => {
      const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
      const url = await app(server, parser)
      const result = await emulator.control.pushMessage({
        url,
        token: TOKEN,
        encodingAESKey: AES_KEY,
        format,
        message: { MsgType: 'text', Content: `through ${_name}` },
      })
      expect(result.attempts.map((attempt) => attempt.status)).toEqual([200])
      expect(result.reply).toMatchObject(
        format === 'xml' ? { Content: `echo through ${_name}` } : { MsgType: 'transfer_customer_service' },
      )
      expect(recorder.runs).toHaveLength(1)
    })

    it('express.json() for a JSON push: 500 naming express.json(), no verdict, no handler', async () => {
      const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
      const url = await app(server, (app) => app.use(version.express.json()), recorder)
      const result = await emulator.control.pushMessage({
        url,
        token: TOKEN,
        encodingAESKey: AES_KEY,
        format: 'json',
        message: { MsgType: 'text', Content: 'parsed away' },
      })
      expect(result.attempts.map((attempt) => attempt.status)).toEqual([500])
      const direct = await send(url, pushRequest(textMessage(), { format: 'json' }), {
        headers: { 'content-type': 'application/json' },
      })
      expect(direct.status).toBe(500)
      const body = (await direct.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('internal_error')
      expect(body.error.message).toMatch(/express\.json\(\).*before messageRoutes\(\)/)
      expect(body.error.message).toMatch(/Mount messageRoutes\(\) before express\.json\(\)/)
      expect(recorder.runs).toEqual([])
      expect(recorder.errors).toHaveLength(2)
    })

    it('an XML parser that leaves an object: 500 naming an XML body parser', async () => {
      const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
      const xmlParser = (req: Request, _res: ExpressResponse, next: NextFunction) => {
        const chunks: Buffer[] = []
        req.on('data', (chunk: Buffer) => chunks.push(chunk))
        req.on('end', () => {
          req.body = { xml: Object.fromEntries([['raw', Buffer.concat(chunks).toString().length]]) }
          next()
        })
      }
      const url = await app(server, (app) => app.use(xmlParser))
      const response = await send(url, pushRequest(textMessage()))
      expect(response.status).toBe(500)
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /an XML body parser ran before messageRoutes\(\)/,
      )
      expect(recorder.runs).toEqual([])
    })

    it('express.text() on bytes that are not UTF-8: 500, where the bare route answers 400', async () => {
      const { server, recorder } = echoServer()
      const request = pushRequest(textMessage(), { mode: 'plain' })
      const query = new URLSearchParams(request.query as URLSearchParams)
      // Invalid UTF-8 in the message, which a lossy decode would accept as another body: a truncated 4-byte
      // sequence becomes one U+FFFD of the same length, so only the replacement gives it away.
      const [head, tail] = String(request.body).split('hello')
      const bytes = Buffer.concat([
        Buffer.from(`${head}hel`),
        Buffer.from([0xf0, 0x90, 0x80]),
        Buffer.from(`o${tail}`),
      ])
      const bare = await app(server)
      const withText = await app(server, (app) => app.use(version.express.text({ type: 'text/xml' })))
      const init = { method: 'POST', headers: { 'content-type': 'text/xml' }, body: bytes }
      expect((await fetch(`${bare}?${query}`, init)).status).toBe(400)
      const lossy = await fetch(`${withText}?${query}`, init)
      expect(lossy.status).toBe(500)
      expect(((await lossy.json()) as { error: { message: string } }).error.message).toMatch(
        /express\.text\(\)/,
      )
      expect(recorder.runs).toEqual([])
    })
  })

  describe('wechat({ messages })', () => {
    it('mounts the push route at {prefix}/messages', async () => {
      const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
      const express = version.express()
      express.use(
        wechat({
          config: emulatorConfig(emulator),
          session: { secret: SESSION_SECRET },
          prefix: '/wx',
          messages: server,
        }),
      )
      express.use((_req: Request, res: ExpressResponse) => {
        res.status(404).json({ fellThrough: true })
      })
      const base = await listen(express)
      const url = `${base}/wx/messages`
      expect(await emulator.control.verifyServerUrl({ url, token: TOKEN })).toMatchObject({ ok: true })
      const result = await emulator.control.pushMessage({
        url,
        token: TOKEN,
        encodingAESKey: AES_KEY,
        message: { MsgType: 'text', Content: 'mounted' },
      })
      expect(result.reply).toMatchObject({ Content: 'echo mounted' })
      expect(recorder.runs).toHaveLength(1)
      expect((await fetch(`${base}/wechat/messages`)).status).toBe(404)
    })

    it('leaves {prefix}/messages to the app without messages', async () => {
      const express = version.express()
      express.use(wechat({ config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } }))
      express.post('/wechat/messages', (_req, res) => {
        res.json({ app: true })
      })
      const base = await listen(express)
      expect(await (await fetch(`${base}/wechat/messages`, { method: 'POST' })).json()).toEqual({ app: true })
    })

    it('refuses anything but a WechatMessageServer at start-up', () => {
      const options = { config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } }
      expect(() => wechat({ ...options, messages: {} as WechatMessageServer })).toThrow(
        '@wxkit/express: option "messages" must be a WechatMessageServer from @wxkit/core',
      )
      expect(() => messageRoutes(undefined as unknown as WechatMessageServer)).toThrow(/WechatMessageServer/)
      expect(() => messageRoutes(echoServer().server, { bodyTimeoutMs: 0 })).toThrow(/bodyTimeoutMs/)
    })
  })

  it('puts no token, EncodingAESKey or AppSecret in any answer or log line', async () => {
    const { server, recorder } = echoServer({ encodingAESKey: AES_KEY })
    const url = await app(server, undefined, recorder)
    const jsonFirst = await app(server, (app) => app.use(version.express.json()), recorder)
    const answers: string[] = []
    const keep = async (response: Response) => {
      answers.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`)
    }
    await keep(await send(url, pushRequest(textMessage({ Content: 'boom' }))))
    await keep(await send(url, pushRequest(textMessage(), { key: 'Q'.repeat(43) })))
    await keep(await send(url, pushRequest(textMessage(), { token: 'otherToken1' })))
    await keep(await send(url, pushRequest(textMessage(), { appId: 'wx0000000000000000' })))
    await keep(await send(url, pushRequest(textMessage(), { body: '<xml><Encrypt>%%%</Encrypt></xml>' })))
    await keep(await send(url, pushRequest(textMessage(), { body: '<!DOCTYPE x [<!ENTITY a "b">]><xml/>' })))
    await keep(await fetch(`${url}?signature=x&timestamp=1&nonce=2&echostr=${TOKEN}`))
    await keep(
      await send(jsonFirst, pushRequest(textMessage(), { format: 'json' }), {
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(answers).toHaveLength(8)
    expect(recorder.runs).toHaveLength(1)
    const everything = [...answers, ...recorder.logs, ...recorder.errors.map((error) => String(error))].join(
      '\n',
    )
    expect(recorder.logs.join('\n')).toMatch(/push handler failed/)
    for (const secret of [TOKEN, AES_KEY, DEFAULT_APP.appSecret]) expect(everything).not.toContain(secret)
  })
})

/**
 * A POST written by hand: `chunks` are sent, then the request is left open (no end) unless `chunked`
 * ends it; answers the status and body the server gave.
 */
function rawPost(
  url: string,
  chunks: string[],
  framing: { chunked: true } | { contentLength: number },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'text/xml' }
    if ('contentLength' in framing) headers['content-length'] = framing.contentLength
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    for (const chunk of chunks) request.write(chunk)
    if ('chunked' in framing) request.end()
  })
}
