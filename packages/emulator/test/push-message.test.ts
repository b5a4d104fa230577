import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP } from '../src/index.js'
import { decryptPush, encryptPush, pushSignature } from '../src/push/push-crypto.js'
import { parsePushXml, toPushXml } from '../src/push/push-xml.js'
import { classicToken, emulator, FIXED_NOW } from './support/emulator-fixture.js'
import { receiver } from './support/push-receiver.js'

const token = 'pushtoken1'
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const text = { MsgType: 'text', Content: '你好 <b>&' }

describe('pushMessage', () => {
  it('pushes a plain XML message signed with the token and reads a text reply', async () => {
    const e = await emulator()
    const server = await receiver((request) => {
      const fields = parsePushXml(request.body) ?? {}
      return {
        body: toPushXml({
          ToUserName: fields.FromUserName,
          FromUserName: fields.ToUserName,
          CreateTime: 1700000000,
          MsgType: 'text',
          Content: `echo ${fields.Content}`,
        }),
      }
    })
    const result = await e.control.pushMessage({ url: server.url, message: text, token })
    const [request] = server.received
    const q = request?.query
    expect(q?.get('signature')).toBe(pushSignature(token, q?.get('timestamp') ?? '', q?.get('nonce') ?? ''))
    expect(q?.get('timestamp')).toBe(String(FIXED_NOW / 1000))
    expect(q?.get('openid')).toBe(result.message.FromUserName)
    expect(q?.has('encrypt_type')).toBe(false)
    expect(request?.contentType).toBe('text/xml')
    expect(request?.body).toContain('<Content><![CDATA[你好 <b>&]]></Content>')
    expect(request?.body).toContain(`<CreateTime>${FIXED_NOW / 1000}</CreateTime>`)
    expect(result.message).toMatchObject({ MsgType: 'text', MsgId: expect.stringMatching(/^\d+$/) })
    expect(result.reply).toMatchObject({ MsgType: 'text', Content: 'echo 你好 <b>&' })
    expect(result.attempts).toEqual([{ status: 200, ms: expect.any(Number) }])
    expect(result.userNotice).toBeUndefined()
  })

  it('pushes safe-mode JSON (only ToUserName and Encrypt) and decrypts a signed encrypted reply', async () => {
    const e = await emulator()
    const server = await receiver((request) => {
      const body = JSON.parse(request.body)
      const q = request.query
      expect(Object.keys(body).sort()).toEqual(['Encrypt', 'ToUserName'])
      expect(q.get('encrypt_type')).toBe('aes')
      expect(q.get('msg_signature')).toBe(
        pushSignature(token, q.get('timestamp') ?? '', q.get('nonce') ?? '', body.Encrypt),
      )
      const opened = decryptPush(encodingAESKey, body.Encrypt)
      expect(opened?.appid).toBe(DEFAULT_APP.appId)
      const message = JSON.parse(opened?.message ?? '{}')
      const Encrypt = encryptPush(encodingAESKey, DEFAULT_APP.appId, JSON.stringify({ got: message.Event }))
      return {
        body: JSON.stringify({
          Encrypt,
          MsgSignature: pushSignature(token, '1', '2', Encrypt),
          TimeStamp: 1,
          Nonce: '2',
        }),
      }
    })
    const result = await e.control.pushMessage({
      url: server.url,
      format: 'json',
      token,
      encodingAESKey,
      message: { MsgType: 'event', Event: 'debug_demo' },
    })
    expect(server.received[0]?.contentType).toBe('application/json')
    expect(result.reply).toEqual({ got: 'debug_demo' })
  })

  it('in compatible mode sends the plain fields beside Encrypt and accepts a plain reply', async () => {
    const e = await emulator()
    const server = await receiver(() => ({ body: '' }))
    const result = await e.control.pushMessage({
      url: server.url,
      mode: 'compatible',
      token,
      encodingAESKey,
      message: text,
    })
    const fields = parsePushXml(server.received[0]?.body ?? '')
    expect(fields).toMatchObject({ MsgType: 'text', Content: text.Content, Encrypt: expect.any(String) })
    expect(result.reply).toBe('')
  })

  it('writes a one-item List as an object in JSON and inside the event’s element in XML', async () => {
    const e = await emulator()
    const server = await receiver(() => ({}))
    const message = {
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      List: [{ TemplateId: 'tpl', SubscribeStatusString: 'accept', PopupScene: 0 }],
    }
    await e.control.pushMessage({ url: server.url, format: 'json', token, message })
    await e.control.pushMessage({ url: server.url, token, message })
    expect(JSON.parse(server.received[0]?.body ?? '').List).toEqual(message.List[0])
    expect(server.received[1]?.body).toContain(
      '<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[tpl]]></TemplateId>',
    )
  })

  it('treats a plaintext reply in safe mode, a forged reply signature and a misaddressed reply as unusable', async () => {
    const e = await emulator()
    const plain = await receiver((request) => {
      const fields = parsePushXml(request.body) ?? {}
      const opened = decryptPush(encodingAESKey, String(fields.Encrypt))
      const message = parsePushXml(opened?.message ?? '') ?? {}
      return {
        body: toPushXml({
          ToUserName: message.FromUserName,
          FromUserName: message.ToUserName,
          CreateTime: 1,
          MsgType: 'text',
          Content: 'x',
        }),
      }
    })
    const result = await e.control.pushMessage({ url: plain.url, token, encodingAESKey, message: text })
    expect(result).toMatchObject({
      userNotice: '该公众号暂时无法提供服务，请稍后再试',
      problem: 'a plaintext reply in safe mode',
    })
    expect(result.reply).toBeUndefined()

    const forged = await receiver(() => ({
      body: toPushXml({
        Encrypt: encryptPush(encodingAESKey, DEFAULT_APP.appId, '<xml></xml>'),
        MsgSignature: '0'.repeat(40),
        TimeStamp: 1,
        Nonce: 'n',
      }),
    }))
    const second = await e.control.pushMessage({ url: forged.url, token, encodingAESKey, message: text })
    expect(second.problem).toMatch(/MsgSignature/)

    const misaddressed = await receiver(() => ({
      body: toPushXml({
        ToUserName: 'someone',
        FromUserName: 'else',
        CreateTime: 1,
        MsgType: 'text',
        Content: 'x',
      }),
    }))
    const third = await e.control.pushMessage({ url: misaddressed.url, token, message: text })
    expect(third.problem).toMatch(/ToUserName/)
    expect(third.attempts).toHaveLength(1)
  })

  it('does not retry an HTTP error answer but shows the user notice', async () => {
    const e = await emulator()
    const server = await receiver(() => ({ status: 500, body: 'oops' }))
    const result = await e.control.pushMessage({ url: server.url, token, message: text })
    expect(result.attempts).toEqual([{ status: 500, ms: expect.any(Number) }])
    expect(result.userNotice).toBeDefined()
  })

  it('retries after 5 s without an answer, with the same MsgId, 3 tries in all', async () => {
    const e = await emulator()
    const server = await receiver((_request, index) => (index < 1 ? { delayMs: 6000 } : {}))
    const result = await e.control.pushMessage({ url: server.url, token, message: text })
    expect(result.attempts.map((a) => a.status)).toEqual([0, 200])
    expect(result.attempts[0]).toMatchObject({ error: 'timeout' })
    expect(result.attempts[0]?.ms).toBeGreaterThanOrEqual(4900)
    expect(result.reply).toBe('success')
    const ids = server.received.map((r) => parsePushXml(r.body)?.MsgId)
    expect(new Set(ids).size).toBe(1)

    const silent = await receiver(() => ({ delayMs: 6000 }))
    const none = await e.control.pushMessage({ url: silent.url, token, message: text })
    expect(none.attempts.map((a) => a.error)).toEqual(['timeout', 'timeout', 'timeout'])
    expect(silent.received).toHaveLength(3)
    expect(none.userNotice).toBe('该公众号暂时无法提供服务，请稍后再试')
  }, 60_000)

  it('reports a refused connection as 3 failed tries', async () => {
    const e = await emulator()
    const result = await e.control.pushMessage({ url: 'http://127.0.0.1:1/x', token, message: text })
    expect(result.attempts.map((a) => a.error)).toEqual([
      'connection failed',
      'connection failed',
      'connection failed',
    ])
  })

  it.each([
    [{ url: 'ftp://x', token, message: text }, /url/],
    [{ url: 'http://x', token: 'a!', message: text }, /token/],
    [{ url: 'http://x', token, message: text, mode: 'safe' }, /encodingAESKey/],
    [{ url: 'http://x', token, message: text, encodingAESKey: 'short' }, /encodingAESKey/],
    [{ url: 'http://x', token, message: text, format: 'yaml' }, /format/],
    [{ url: 'http://x', token, message: { Content: 'no type' } }, /MsgType/],
    [{ url: 'http://x', token, message: { MsgType: 'event' } }, /Event/],
  ])('refuses %j', async (options, error) => {
    const e = await emulator()
    await expect(e.control.pushMessage(options as never)).rejects.toThrow(error)
  })

  it('works over HTTP through connectEmulator', async () => {
    const e = await emulator()
    const server = await receiver(() => ({}))
    const result = await connectEmulator(e.url).pushMessage({ url: server.url, token, message: text })
    expect(result.reply).toBe('success')
    await expect(connectEmulator(e.url).pushMessage({ url: 'nope', token, message: text })).rejects.toThrow(
      /url/,
    )
  })
})

describe('verifyServerUrl', () => {
  it('passes a server that echoes echostr and fails one that does not', async () => {
    const e = await emulator()
    const good = await receiver((request) => {
      const q = request.query
      const ok = q.get('signature') === pushSignature(token, q.get('timestamp') ?? '', q.get('nonce') ?? '')
      return ok ? { body: q.get('echostr') ?? '' } : { status: 403, body: '' }
    })
    const result = await e.control.verifyServerUrl({ url: good.url, token })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(good.received[0]?.method).toBe('GET')
    expect((await e.control.verifyServerUrl({ url: good.url, token: 'otherToken' })).ok).toBe(false)
    const bad = await receiver(() => ({ body: 'hello' }))
    expect(await connectEmulator(e.url).verifyServerUrl({ url: bad.url, token })).toMatchObject({
      ok: false,
      body: 'hello',
    })
  })
})

describe('configurePush', () => {
  it('pushes subscribe_msg_sent_event after a subscribe send, and pushes() lists it', async () => {
    const e = await emulator()
    const server = await receiver(() => ({}))
    await e.control.configurePush({ url: server.url, token, encodingAESKey, format: 'json' })
    await e.control.registerTemplate({ templateId: 'tpl-1', keys: ['thing1'] })
    await e.control.subscribe({ openid: 'oUser0000000000000000000001', templateId: 'tpl-1' })
    const access = await classicToken(e)
    const sent = await fetch(`${e.url}/cgi-bin/message/subscribe/send?access_token=${access}`, {
      method: 'POST',
      body: JSON.stringify({
        touser: 'oUser0000000000000000000001',
        template_id: 'tpl-1',
        data: { thing1: { value: '已发货' } },
      }),
    })
    const { msgid } = (await sent.json()) as { msgid: number }
    await expect.poll(async () => (await e.control.pushes())[0]?.result?.reply).toBe('success')
    const body = JSON.parse(server.received[0]?.body ?? '{}')
    const event = JSON.parse(decryptPush(encodingAESKey, body.Encrypt)?.message ?? '{}')
    expect(event).toMatchObject({
      MsgType: 'event',
      Event: 'subscribe_msg_sent_event',
      FromUserName: 'oUser0000000000000000000001',
      List: { TemplateId: 'tpl-1', MsgID: String(msgid), ErrorCode: 0, ErrorStatus: 'success' },
    })
  })

  it('refuses an unknown app, and reset() forgets the target', async () => {
    const e = await emulator()
    await expect(e.control.configurePush({ appid: 'wxnope', url: 'http://x', token })).rejects.toThrow(
      /appId/,
    )
    await e.control.configurePush({ url: 'http://127.0.0.1:1/', token })
    await e.control.reset()
    expect(await e.control.pushes()).toEqual([])
  })
})
