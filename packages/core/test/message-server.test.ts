import { inspect } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { WechatMessageCrypto, WechatMessageServer, type WechatMessageServerOptions } from '../src/index.js'
import { buildPushXml } from '../src/push/push-xml.js'
import { AES_KEY, APP_ID, OLD_AES_KEY, openReply, pushRequest, TOKEN, textMessage } from './push-fixture.js'

function logger() {
  return { warn: vi.fn(), error: vi.fn() }
}

function messageServer(options: Partial<WechatMessageServerOptions> = {}) {
  const log = logger()
  const server = new WechatMessageServer({
    token: TOKEN,
    appId: APP_ID,
    encodingAESKey: AES_KEY,
    logger: log,
    ...options,
  })
  const handler = vi.fn((message: { Content?: string }) => `echo ${message.Content}`)
  server.on('text', handler)
  return { server, handler, log }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

describe('WechatMessageServer: URL verification (GET)', () => {
  it('echoes echostr verbatim as text/plain when the signature holds', async () => {
    const { server } = messageServer()
    const timestamp = String(nowSeconds())
    const signature = new WechatMessageCrypto({
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appId: APP_ID,
    }).signature(timestamp, '42')
    const response = await server.handle({
      method: 'GET',
      query: { signature, timestamp, nonce: '42', echostr: '5927782489442352469' },
    })
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '5927782489442352469',
    })
  })

  it('answers 401 and echoes nothing for a bad signature', async () => {
    const { server } = messageServer()
    const response = await server.handle({
      method: 'GET',
      query: { signature: 'f'.repeat(40), timestamp: String(nowSeconds()), nonce: '1', echostr: 'ECHO' },
    })
    expect(response.status).toBe(401)
    expect(response.body).not.toContain('ECHO')
  })

  it('matches the official vector of §9.1', async () => {
    const server = new WechatMessageServer({ token: 'AAAAA', appId: APP_ID, now: () => 1714037059_000 })
    const response = await server.handle({
      method: 'GET',
      query: {
        signature: '899cf89e464efb63f54ddac96b0a0a235f53aa78',
        timestamp: '1714037059',
        nonce: '486452656',
        echostr: 'x',
      },
    })
    expect(response.body).toBe('x')
  })
})

describe('WechatMessageServer: refusals, none of which calls a handler', () => {
  const cases: Array<[string, () => ReturnType<typeof pushRequest>, number]> = [
    [
      'a forged signature',
      () => {
        const request = pushRequest(textMessage())
        ;(request.query as URLSearchParams).set('signature', '0'.repeat(40))
        return request
      },
      401,
    ],
    [
      'a forged msg_signature',
      () => {
        const request = pushRequest(textMessage())
        ;(request.query as URLSearchParams).set('msg_signature', '0'.repeat(40))
        return request
      },
      401,
    ],
    [
      'a stale timestamp (6 minutes old)',
      () => pushRequest(textMessage(), { timestamp: nowSeconds() - 360 }),
      401,
    ],
    ['a timestamp from the future', () => pushRequest(textMessage(), { timestamp: nowSeconds() + 360 }), 401],
    ['the wrong token', () => pushRequest(textMessage(), { token: 'otherToken' }), 401],
    [
      'another appid inside the plaintext',
      () => pushRequest(textMessage(), { appId: 'wx0000000000000000' }),
      401,
    ],
    ['another key (bad pad)', () => pushRequest(textMessage(), { key: 'Q'.repeat(43) }), 400],
    [
      'a truncated Encrypt',
      () => {
        const request = pushRequest(textMessage())
        const encrypt = /CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(String(request.body))?.[1] ?? ''
        const truncated = encrypt.slice(0, 50)
        const crypto = new WechatMessageCrypto({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID })
        const q = request.query as URLSearchParams
        q.set('msg_signature', crypto.signature(q.get('timestamp') ?? '', q.get('nonce') ?? '', truncated))
        return { ...request, body: buildPushXml({ ToUserName: 'gh', Encrypt: truncated }) }
      },
      400,
    ],
    [
      'a DOCTYPE with an external entity (XXE)',
      () =>
        pushRequest(textMessage(), {
          mode: 'plain',
          body: '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>',
        }),
      400,
    ],
    [
      'a billion-laughs entity bomb',
      () =>
        pushRequest(textMessage(), {
          mode: 'plain',
          body: `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><xml><Content>&lol9;</Content></xml>`,
        }),
      400,
    ],
    [
      'malformed XML',
      () => pushRequest(textMessage(), { mode: 'plain', body: '<xml><Content>hi</xml>' }),
      400,
    ],
    ['malformed JSON', () => pushRequest(textMessage(), { mode: 'plain', body: '{"MsgType":' }), 400],
    ['neither XML nor JSON', () => pushRequest(textMessage(), { mode: 'plain', body: 'MsgType=text' }), 400],
    ['an empty body', () => pushRequest(textMessage(), { mode: 'plain', body: '' }), 400],
    [
      'a push without MsgType',
      () => pushRequest(textMessage({ MsgType: undefined }), { mode: 'plain' }),
      400,
    ],
    ['a 1 MB body', () => pushRequest(textMessage({ Content: 'x'.repeat(1024 * 1024) })), 413],
  ]

  it.each(cases)('refuses %s', async (_name, build, status) => {
    const { server, handler } = messageServer({ acceptPlaintext: true })
    const response = await server.handle(build())
    expect(response.status).toBe(status)
    expect(handler).not.toHaveBeenCalled()
    expect(response.body).not.toMatch(new RegExp(`${TOKEN}|${AES_KEY}|hello`))
  })

  it('refuses other methods with 405 and an Allow header', async () => {
    const { server } = messageServer()
    expect(await server.handle({ method: 'PUT', query: {} })).toMatchObject({
      status: 405,
      headers: { allow: 'GET, POST' },
    })
  })

  it('refuses a plaintext push once a key is set, unless acceptPlaintext is on', async () => {
    const { server, handler } = messageServer()
    expect((await server.handle(pushRequest(textMessage(), { mode: 'plain' }))).status).toBe(401)
    expect(handler).not.toHaveBeenCalled()
    const open = messageServer({ acceptPlaintext: true })
    expect((await open.server.handle(pushRequest(textMessage(), { mode: 'plain' }))).body).toContain(
      'echo hello',
    )
  })

  it('answers a replayed request from its record without running the handler again', async () => {
    const { server, handler } = messageServer()
    const request = pushRequest(textMessage())
    const first = await server.handle(request)
    const replay = await server.handle(request)
    expect(handler).toHaveBeenCalledTimes(1)
    expect(openReply(replay.body)).toContain('echo hello')
    expect(openReply(first.body)).toContain('echo hello')
  })
})

describe('WechatMessageServer: messages in one shape', () => {
  it('normalises a JSON List given as an object and as an array, and CreateTime to a number', async () => {
    const server = new WechatMessageServer({ token: TOKEN, appId: APP_ID, logger: logger() })
    const seen: unknown[] = []
    server.on('event.subscribe_msg_popup_event', (message) => {
      seen.push(message.List)
      expect(typeof message.CreateTime).toBe('number')
    })
    const base = {
      ToUserName: 'gh',
      FromUserName: 'oUser',
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
    }
    const one = { TemplateId: 'a', SubscribeStatusString: 'accept', PopupScene: '0' }
    const two = { TemplateId: 'b', SubscribeStatusString: 'reject', PopupScene: '0' }
    const created = nowSeconds()
    for (const [offset, List] of [
      [0, one],
      [1, [one, two]],
    ] as const) {
      const body = JSON.stringify({ ...base, CreateTime: String(created + offset), List })
      expect((await server.handle(pushRequest({}, { mode: 'plain', body }))).body).toBe('success')
    }
    const xml = buildPushXml({ ...base, CreateTime: created + 2, SubscribeMsgPopupEvent: { List: [one] } })
    await server.handle(pushRequest({}, { mode: 'plain', body: xml }))
    const normalised = { ...one, PopupScene: 0 }
    expect(seen).toEqual([[normalised], [normalised, { ...two, PopupScene: 0 }], [normalised]])
  })

  it('keeps a 64-bit MsgId exact from JSON and passes unknown types through to *', async () => {
    const server = new WechatMessageServer({ token: TOKEN, appId: APP_ID, logger: logger() })
    const seen: unknown[] = []
    server.on('*', (message) => {
      seen.push(message)
    })
    const body = `{"ToUserName":"gh","FromUserName":"o1","CreateTime":${nowSeconds()},"MsgType":"hologram","MsgId":9223372036854775807,"Depth":3}`
    await server.handle(pushRequest({}, { mode: 'plain', body }))
    expect(seen).toEqual([
      expect.objectContaining({ MsgType: 'hologram', MsgId: '9223372036854775807', Depth: 3 }),
    ])
  })
})

describe('WechatMessageServer: handlers and replies', () => {
  it('answers success when a handler throws, logs it and emits an error event', async () => {
    const { server, log } = messageServer()
    const errors: unknown[] = []
    server.on('text', () => {
      throw new Error('database down')
    })
    server.on('error', (event) => errors.push(event.error.message))
    const response = await server.handle(pushRequest(textMessage()))
    expect(response).toMatchObject({ status: 200, body: 'success' })
    expect(errors).toEqual(['database down'])
    expect(log.error).toHaveBeenCalledWith(
      expect.stringContaining('text push handler failed'),
      expect.anything(),
    )
  })

  it('answers success at replyTimeoutMs and reports the late reply', async () => {
    const { server } = messageServer({ replyTimeoutMs: 50 })
    server.on('text', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return 'slow answer'
    })
    const late = new Promise((resolve) => server.on('lateReply', resolve))
    const response = await server.handle(pushRequest(textMessage()))
    expect(response.body).toBe('success')
    expect(await late).toMatchObject({
      reply: { type: 'text', content: 'slow answer' },
      message: { Content: 'hello' },
    })
  })

  it('answers the reply of an async handler, of a thenable, and success with an error event for a rejection', async () => {
    const { server } = messageServer()
    const errors: string[] = []
    server.on('error', (event) => errors.push(event.error.message))
    server.on('text', async (message) => {
      await new Promise((resolve) => setImmediate(resolve))
      if (message.Content === 'reject') throw new Error('rejected late')
      return `async ${message.Content}`
    })
    server.on(
      'image',
      () =>
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, which await accepts too
        ({ then: (resolve: (reply: string) => void) => resolve('from a thenable') }) as never,
    )
    const asynchronous = await server.handle(pushRequest(textMessage({ Content: 'one' })))
    expect(openReply(asynchronous.body)).toContain('<Content><![CDATA[async one]]></Content>')
    const image = textMessage({ MsgType: 'image', Content: undefined, PicUrl: 'http://p', MediaId: 'm' })
    expect(openReply((await server.handle(pushRequest(image))).body)).toContain('from a thenable')
    const rejected = await server.handle(pushRequest(textMessage({ Content: 'reject' })))
    expect(rejected.body).toBe('success')
    expect(errors).toEqual(['rejected late'])
  })

  it('keeps the reply of a synchronous handler that runs past replyTimeoutMs (it cannot be interrupted)', async () => {
    const { server } = messageServer({ replyTimeoutMs: 1 })
    server.on('text', (message) => {
      const until = Date.now() + 10
      while (Date.now() < until) {}
      return `busy ${message.Content}`
    })
    const late: unknown[] = []
    server.on('lateReply', (event) => late.push(event))
    const response = await server.handle(pushRequest(textMessage()))
    expect(openReply(response.body)).toContain('<Content><![CDATA[busy hello]]></Content>')
    expect(late).toEqual([])
  })

  it('runs a handler once for two copies of a message in flight together, sync or async, and both get its reply', async () => {
    for (const handler of [
      (message: { Content?: string }) => `sync ${message.Content}`,
      async (message: { Content?: string }) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return `async ${message.Content}`
      },
    ]) {
      const { server } = messageServer()
      const run = vi.fn(handler)
      server.on('text', run)
      const request = pushRequest(textMessage())
      const [first, second] = await Promise.all([server.handle(request), server.handle(request)])
      expect(run).toHaveBeenCalledTimes(1)
      const expected = (await run.mock.results[0]?.value) as string
      expect(openReply(first.body)).toContain(`<Content><![CDATA[${expected}]]></Content>`)
      expect(openReply(second.body)).toContain(`<Content><![CDATA[${expected}]]></Content>`)
    }
  })

  it('refuses news with 9 articles and a passive reply to a JSON (Mini Program) push, as handler errors', async () => {
    const { server } = messageServer()
    const errors: string[] = []
    server.on('error', (event) => errors.push(event.error.message))
    const articles = Array.from({ length: 9 }, (_, i) => ({ title: `t${i}` }))
    server.on('event.CLICK', () => ({ type: 'news', articles }))
    const click = { ...textMessage(), MsgType: 'event', Event: 'CLICK', EventKey: 'k', MsgId: undefined }
    expect((await server.handle(pushRequest(click))).body).toBe('success')
    expect((await server.handle(pushRequest(textMessage(), { format: 'json' }))).body).toBe('success')
    expect(errors).toEqual([expect.stringMatching(/at most 8/), expect.stringMatching(/Mini Program/)])
  })

  it('writes every reply type addressed back, CreateTime in seconds', async () => {
    const { server } = messageServer()
    const replies = {
      a: { type: 'image', mediaId: 'm1' },
      b: { type: 'voice', mediaId: 'm2' },
      c: { type: 'video', mediaId: 'm3', title: 'T' },
      d: { type: 'music', thumbMediaId: 't', musicUrl: 'http://m' },
      e: { type: 'news', articles: [{ title: 'N', url: 'http://n' }] },
      f: { type: 'transfer_customer_service', kfAccount: 'kf@gh' },
    } as const
    server.on('text', (message) => replies[message.Content as keyof typeof replies])
    const expected = {
      a: '<Image><MediaId><![CDATA[m1]]></MediaId></Image>',
      b: '<Voice><MediaId><![CDATA[m2]]></MediaId></Voice>',
      c: '<Video><MediaId><![CDATA[m3]]></MediaId><Title><![CDATA[T]]></Title></Video>',
      d: '<Music><MusicUrl><![CDATA[http://m]]></MusicUrl><ThumbMediaId><![CDATA[t]]></ThumbMediaId></Music>',
      e: '<ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[N]]></Title><Url><![CDATA[http://n]]></Url></item></Articles>',
      f: '<TransInfo><KfAccount><![CDATA[kf@gh]]></KfAccount></TransInfo>',
    }
    for (const [content, fragment] of Object.entries(expected)) {
      const message = textMessage({ Content: content })
      const inner = openReply((await server.handle(pushRequest(message))).body)
      expect(inner).toContain(fragment)
      expect(inner).toContain(`<ToUserName><![CDATA[${message.FromUserName}]]></ToUserName>`)
      expect(inner).toContain(`<FromUserName><![CDATA[${message.ToUserName}]]></FromUserName>`)
      expect(inner).toMatch(/<CreateTime>\d{10}<\/CreateTime>/)
    }
  })

  it('decrypts with the previous key after a rotation and replies with the key that worked', async () => {
    const { server, handler } = messageServer({ previousEncodingAESKey: OLD_AES_KEY })
    const oldResponse = await server.handle(pushRequest(textMessage(), { key: OLD_AES_KEY }))
    expect(openReply(oldResponse.body, OLD_AES_KEY)).toContain('echo hello')
    const newResponse = await server.handle(pushRequest(textMessage()))
    expect(openReply(newResponse.body, AES_KEY)).toContain('echo hello')
    expect(handler).toHaveBeenCalledTimes(2)
  })
})

describe('WechatMessageServer: secrets', () => {
  it('refuses bad options at construction, naming the option', () => {
    expect(() => new WechatMessageServer({ token: 'a', appId: APP_ID })).toThrow(/token/)
    expect(() => new WechatMessageServer({ token: TOKEN, appId: APP_ID, encodingAESKey: 'x' })).toThrow(
      /encodingAESKey/,
    )
    expect(() => new WechatMessageServer({ token: TOKEN, appId: APP_ID, replyTimeoutMs: -1 })).toThrow(
      /replyTimeoutMs/,
    )
  })

  it('never puts the token, the key or an encrypted message’s plaintext in a log line, response or inspect', async () => {
    const { server, log } = messageServer({ replyTimeoutMs: 20 })
    server.on('text', async () => {
      await new Promise((resolve) => setTimeout(resolve, 60))
      throw new Error('late failure')
    })
    const secretText = 'my card number 4111'
    const responses = [
      await server.handle(pushRequest(textMessage({ Content: secretText }))),
      await server.handle(pushRequest(textMessage({ Content: secretText }), { key: 'Q'.repeat(43) })),
      await server.handle(pushRequest(textMessage({ Content: secretText }), { mode: 'plain' })),
    ]
    await new Promise((resolve) => setTimeout(resolve, 100))
    const everything = JSON.stringify([responses, log.warn.mock.calls, log.error.mock.calls.map((c) => c[0])])
    const pattern = new RegExp(`${TOKEN}|${AES_KEY}|4111`)
    expect(everything).not.toMatch(pattern)
    expect(inspect(server, { depth: 10 })).not.toMatch(pattern)
  })
})
