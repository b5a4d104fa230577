import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, type EmulatorOptions } from '../src/index.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'
import { receiver } from './support/push-receiver.js'

const token = 'mytoken123'

/** An emulator, a token, and a user who just logged in through jscode2session. */
async function setup(options: EmulatorOptions = {}) {
  const e = await emulator(options)
  const access = await classicToken(e)
  const openid = 'oContent00000000000000000001'
  const code = await e.control.mintCode({ kind: 'login', openid })
  await getJson(
    `${e.apiBaseUrl}/sns/jscode2session?appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}&js_code=${code}&grant_type=authorization_code`,
  )
  const call = (path: string, body: unknown) =>
    postJson(`${e.apiBaseUrl}${path}?access_token=${access}`, body)
  return { e, openid, call }
}

describe('POST /wxa/msg_sec_check', () => {
  it('passes content by default, with a detail and a trace_id', async () => {
    const { openid, call } = await setup()
    expect(await call('/wxa/msg_sec_check', { version: 2, openid, scene: 2, content: 'hello' })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'pass', label: 100 },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 }],
      trace_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    })
  })

  it('judges by setContentRules: risky wins over review, title and nickname count, case-insensitively', async () => {
    const { e, openid, call } = await setup()
    await e.control.setContentRules({ risky: ['Casino'], review: ['discount'] })
    const check = (fields: object) => call('/wxa/msg_sec_check', { version: 2, openid, scene: 3, ...fields })
    expect(await check({ content: 'big casino night' })).toMatchObject({
      result: { suggest: 'risky', label: 21000 },
      detail: [{ strategy: 'content_model' }, { strategy: 'keyword', suggest: 'risky', keyword: 'Casino' }],
    })
    expect(await check({ content: 'fine', title: 'a DISCOUNT' })).toMatchObject({
      result: { suggest: 'review' },
    })
    expect(await check({ content: 'discount casino' })).toMatchObject({ result: { suggest: 'risky' } })
    expect(await check({ content: 'fine', nickname: 'casino' })).toMatchObject({
      result: { suggest: 'risky' },
    })
    // The signature is only read with scene 1.
    expect(await check({ content: 'fine', signature: 'casino' })).toMatchObject({
      result: { suggest: 'pass' },
    })
    expect(await check({ scene: 1, content: 'fine', signature: 'casino' })).toMatchObject({
      result: { suggest: 'risky' },
    })
    await e.control.reset()
  })

  it('needs a user who logged in within 2 hours (40003), and answers 43104 for another app’s user', async () => {
    const other = { appId: 'wx00000000000other', appSecret: 'other-secret-0000000000000000000' }
    const { e, openid, call } = await setup({ apps: [DEFAULT_APP, other] })
    await e.control.mintCode({ kind: 'login', appId: other.appId, openid: 'oOtherAppUser000000000000001' })
    const check = (who: string) =>
      call('/wxa/msg_sec_check', { version: 2, openid: who, scene: 2, content: 'x' })
    expect((await check('oOtherAppUser000000000000001')).errcode).toBe(43104)
    expect((await check('oNeverSeen0000000000000000001')).errcode).toBe(40003)
    await e.control.advanceClock(2 * 3600_000 - 1000)
    expect((await check(openid)).errcode).toBe(0)
    await e.control.advanceClock(1000)
    const stale = await postJson(`${e.apiBaseUrl}/wxa/msg_sec_check?access_token=${await classicToken(e)}`, {
      version: 2,
      openid,
      scene: 2,
      content: 'x',
    })
    expect(stale).toMatchObject({ errcode: 40003, errmsg: expect.stringMatching(RID) })
  })

  it.each([
    ['no version', { scene: 2, content: 'x' }, 47001],
    ['version 1', { version: 1, scene: 2, content: 'x' }, 47001],
    ['scene 5', { version: 2, scene: 5, content: 'x' }, 40129],
    ['no content', { version: 2, scene: 2 }, 44002],
    ['empty content', { version: 2, scene: 2, content: '' }, 44002],
    ['content of 2501 characters', { version: 2, scene: 2, content: '字'.repeat(2501) }, 47001],
    ['a non-string title', { version: 2, scene: 2, content: 'x', title: 1 }, 47001],
    ['no openid', { version: 2, scene: 2, content: 'x', openid: '' }, 40003],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const { openid, call } = await setup()
    expect((await call('/wxa/msg_sec_check', { openid, ...body })).errcode).toBe(errcode)
  })

  it('accepts 2500 characters', async () => {
    const { openid, call } = await setup()
    const body = { version: 2, openid, scene: 4, content: '字'.repeat(2500) }
    expect((await call('/wxa/msg_sec_check', body)).errcode).toBe(0)
  })
})

describe('POST /wxa/media_check_async', () => {
  it('answers a trace_id at once and pushes wxa_media_check after the delay on the emulator clock', async () => {
    const { e, openid, call } = await setup({ miniProgram: { mediaCheckDelayMs: 600_000 } })
    const server = await receiver(() => ({}))
    await e.control.configurePush({ url: server.url, token, format: 'json' })
    await e.control.setContentRules({ risky: ['bad.png'] })
    const answer = await call('/wxa/media_check_async', {
      version: 2,
      media_url: 'https://cdn.example.com/bad.png',
      media_type: 2,
      scene: 1,
      openid,
    })
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', trace_id: expect.any(String) })
    await e.control.advanceClock(599_000)
    expect(server.received).toHaveLength(0)
    await e.control.advanceClock(1000)
    expect(server.received).toHaveLength(1)
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toMatchObject({
      MsgType: 'event',
      Event: 'wxa_media_check',
      FromUserName: openid,
      appid: DEFAULT_APP.appId,
      trace_id: answer.trace_id,
      version: 2,
      errcode: 0,
      result: { suggest: 'risky', label: 21000 },
      detail: [
        { strategy: 'content_model', suggest: 'risky' },
        { strategy: 'keyword', keyword: 'bad.png' },
      ],
    })
    expect((await e.control.pushes()).map((p) => p.message.Event)).toEqual(['wxa_media_check'])
  })

  it('delivers without advanceClock too, on a real-time timer', async () => {
    const { e, openid, call } = await setup({
      clock: { now: Date.now },
      miniProgram: { mediaCheckDelayMs: 50 },
    })
    const server = await receiver(() => ({}))
    await e.control.configurePush({ url: server.url, token, format: 'json' })
    const body = { version: 2, media_url: 'https://cdn.example.com/a.mp3', media_type: 1, scene: 2, openid }
    await call('/wxa/media_check_async', body)
    await expect.poll(() => server.received.length, { timeout: 5000 }).toBe(1)
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toMatchObject({
      result: { suggest: 'pass', label: 100 },
    })
  })

  it('reset() drops checks that are still pending', async () => {
    const { e, openid, call } = await setup()
    const server = await receiver(() => ({}))
    await e.control.configurePush({ url: server.url, token, format: 'json' })
    const body = { version: 2, media_url: 'https://cdn.example.com/a.png', media_type: 2, scene: 2, openid }
    await call('/wxa/media_check_async', body)
    await e.control.reset()
    await e.control.advanceClock(3600_000)
    expect(server.received).toHaveLength(0)
  })

  it.each([
    ['no version', { media_url: 'https://x.example/a.png', media_type: 2, scene: 1 }, 47001],
    ['a relative media_url', { version: 2, media_url: '/a.png', media_type: 2, scene: 1 }, 47001],
    ['media_type 3', { version: 2, media_url: 'https://x.example/a.png', media_type: 3, scene: 1 }, 47001],
    ['scene 0', { version: 2, media_url: 'https://x.example/a.png', media_type: 2, scene: 0 }, 40129],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const { openid, call } = await setup()
    expect((await call('/wxa/media_check_async', { openid, ...body })).errcode).toBe(errcode)
  })

  it('needs a recent user too', async () => {
    const { call } = await setup()
    const body = {
      version: 2,
      media_url: 'https://x.example/a.png',
      media_type: 2,
      scene: 1,
      openid: 'oNope',
    }
    expect((await call('/wxa/media_check_async', body)).errcode).toBe(40003)
  })
})

describe('setContentRules', () => {
  it('refuses anything but arrays of non-empty strings', async () => {
    const e = await emulator()
    await expect(e.control.setContentRules({ risky: 'x' as never })).rejects.toThrow(/risky/)
    await expect(e.control.setContentRules({ review: [''] })).rejects.toThrow(/review/)
    await expect(e.control.setContentRules(null as never)).rejects.toThrow(TypeError)
  })
})
