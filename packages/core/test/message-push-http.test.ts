import { describe, expect, it } from 'vitest'
import { WechatMessageServer } from '../src/index.js'
import { emulator } from './helpers.js'
import { AES_KEY, APP_ID, OLD_AES_KEY, serve, TOKEN } from './push-fixture.js'

const modes = ['plain', 'compatible', 'safe'] as const
const formats = ['xml', 'json'] as const

/** A server for the emulator's default app that echoes text (XML) or hands JSON pushes to customer service. */
function echoServer(options: { encodingAESKey?: string; previousEncodingAESKey?: string } = {}) {
  const server = new WechatMessageServer({ token: TOKEN, appId: APP_ID, logger: { warn() {} }, ...options })
  const seen: unknown[] = []
  server.on('text', (message, context) => {
    seen.push(message)
    return context.format === 'xml' ? `echo ${message.Content}` : { type: 'transfer_customer_service' }
  })
  return { server, seen }
}

describe('every mode × format over real HTTP, pushed by the emulator', () => {
  it.each(modes.flatMap((mode) => formats.map((format) => [mode, format] as const)))(
    '%s mode, %s',
    async (mode, format) => {
      const emu = await emulator()
      const { server, seen } = echoServer(mode === 'plain' ? {} : { encodingAESKey: AES_KEY })
      const url = await serve(server)
      const result = await emu.control.pushMessage({
        url,
        token: TOKEN,
        format,
        mode,
        ...(mode === 'plain' ? {} : { encodingAESKey: AES_KEY }),
        message: { MsgType: 'text', Content: '你好 & <world>' },
      })
      expect(result.userNotice).toBeUndefined()
      expect(result.attempts).toEqual([{ status: 200, ms: expect.any(Number) }])
      expect(seen).toEqual([
        expect.objectContaining({
          MsgType: 'text',
          Content: '你好 & <world>',
          CreateTime: expect.any(Number),
        }),
      ])
      expect(result.reply).toMatchObject(
        format === 'xml'
          ? { MsgType: 'text', Content: 'echo 你好 & <world>', ToUserName: result.message.FromUserName }
          : { MsgType: 'transfer_customer_service', FromUserName: result.message.ToUserName },
      )
    },
  )

  it('passes the console URL check and answers success for events without a handler', async () => {
    const emu = await emulator()
    const { server } = echoServer({ encodingAESKey: AES_KEY })
    const url = await serve(server)
    expect(await emu.control.verifyServerUrl({ url, token: TOKEN })).toMatchObject({ ok: true })
    expect(await emu.control.verifyServerUrl({ url, token: 'wrongToken' })).toMatchObject({
      ok: false,
      status: 401,
    })
    const event = await emu.control.pushMessage({
      url,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      message: { MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_42' },
    })
    expect(event.reply).toBe('success')
  })

  it('after a key rotation, answers pushes under the previous key with that key', async () => {
    const emu = await emulator()
    const { server, seen } = echoServer({ encodingAESKey: AES_KEY, previousEncodingAESKey: OLD_AES_KEY })
    const url = await serve(server)
    for (const key of [OLD_AES_KEY, AES_KEY]) {
      const result = await emu.control.pushMessage({
        url,
        token: TOKEN,
        encodingAESKey: key,
        message: { MsgType: 'text', Content: key.slice(0, 3) },
      })
      // The emulator decrypts the reply with the key it pushed with, so a usable reply proves the key.
      expect(result.reply).toMatchObject({ Content: `echo ${key.slice(0, 3)}` })
    }
    expect(seen).toHaveLength(2)
  })

  it('a server on another key or token makes WeChat show the user notice', async () => {
    const emu = await emulator()
    const url = await serve(echoServer({ encodingAESKey: OLD_AES_KEY }).server)
    const result = await emu.control.pushMessage({
      url,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      message: { MsgType: 'text', Content: 'x' },
    })
    expect(result).toMatchObject({ attempts: [{ status: 400 }], userNotice: expect.any(String) })
  })
})
