import { describe, expect, it } from 'vitest'
import { connectEmulator, type RunningEmulator } from '../src/index.js'
import { decodeQr } from './support/decode-qr.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'

async function setup(): Promise<{
  e: RunningEmulator
  token: string
  create: (body: unknown) => Promise<Record<string, unknown>>
}> {
  const e = await emulator()
  const token = await classicToken(e)
  return {
    e,
    token,
    create: (body) => postJson(`${e.apiBaseUrl}/cgi-bin/qrcode/create?access_token=${token}`, body),
  }
}

const temporary = (scene: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  action_name: 'scene_str' in scene ? 'QR_STR_SCENE' : 'QR_SCENE',
  action_info: { scene },
  ...extra,
})

describe('POST /cgi-bin/qrcode/create and GET /cgi-bin/showqrcode', () => {
  it('issues a temporary code whose image decodes to its url, served without a token', async () => {
    const { e, create } = await setup()
    const body = await create(temporary({ scene_id: 42 }, { expire_seconds: 600 }))
    expect(body).toEqual({
      ticket: expect.any(String),
      expire_seconds: 600,
      url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//),
    })
    const ticket = body.ticket as string
    // Tickets are base64 like WeChat's, so a client that forgets to URL-encode them breaks here, not in production.
    expect(ticket).toMatch(/\+.*==$/)
    const image = await fetch(`${e.mpBaseUrl}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(decodeQr(Buffer.from(await image.arrayBuffer())).text).toBe(body.url)
    expect((await fetch(`${e.mpBaseUrl}/cgi-bin/showqrcode?ticket=${ticket}`)).status).toBe(404)
  })

  it('defaults a temporary code to 60 seconds, then stops serving it', async () => {
    const { e, create } = await setup()
    const body = await create(temporary({ scene_str: 'visitor-7' }))
    expect(body.expire_seconds).toBe(60)
    const url = `${e.mpBaseUrl}/cgi-bin/showqrcode?ticket=${encodeURIComponent(body.ticket as string)}`
    await e.control.advanceClock(59_000)
    expect((await fetch(url)).status).toBe(200)
    await e.control.advanceClock(1_000)
    expect((await fetch(url)).status).toBe(404)
  })

  it('issues permanent codes without expiry, one ticket per scene', async () => {
    const { e, create } = await setup()
    const first = await create({
      action_name: 'QR_LIMIT_SCENE',
      action_info: { scene: { scene_id: 100_000 } },
    })
    const again = await create({
      action_name: 'QR_LIMIT_SCENE',
      action_info: { scene: { scene_id: 100_000 } },
    })
    const str = await create({
      action_name: 'QR_LIMIT_STR_SCENE',
      action_info: { scene: { scene_str: 'shop' } },
    })
    expect(first).toEqual({ ticket: expect.any(String), url: expect.any(String) })
    expect(again.ticket).toBe(first.ticket)
    expect(str.ticket).not.toBe(first.ticket)
    await e.control.advanceClock(365 * 86_400_000)
    const image = await fetch(
      `${e.mpBaseUrl}/cgi-bin/showqrcode?ticket=${encodeURIComponent(first.ticket as string)}`,
    )
    expect(image.status).toBe(200)
  })

  it.each([
    [{ action_name: 'QR_FOREVER', action_info: { scene: { scene_id: 1 } } }, 40052],
    [{ action_info: { scene: { scene_id: 1 } } }, 40052],
    [{ action_name: 'QR_SCENE' }, 40053],
    [{ action_name: 'QR_SCENE', action_info: { scene: {} } }, 40053],
    [temporary({ scene_id: 0 }), 40053],
    [temporary({ scene_id: 4_294_967_296 }), 40053],
    [temporary({ scene_id: 1.5 }), 40053],
    [temporary({ scene_id: '7' }), 40053],
    [{ action_name: 'QR_SCENE', action_info: { scene: { scene_str: 'x' } } }, 40053],
    [{ action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_001 } } }, 40053],
    [temporary({ scene_str: '' }), 40053],
    [temporary({ scene_str: 'x'.repeat(65) }), 40053],
    [temporary({ scene_id: 1 }, { expire_seconds: 2_592_001 }), 40097],
    [temporary({ scene_id: 1 }, { expire_seconds: 0 }), 40097],
    [temporary({ scene_id: 1 }, { expire_seconds: '600' }), 40097],
  ])('answers %j with %i', async (body, errcode) => {
    const { create } = await setup()
    const answer = await create(body)
    expect(answer).toMatchObject({ errcode, errmsg: expect.stringMatching(RID) })
  })

  it('accepts the limits: a 64-character scene_str, scene_id 4294967295 and 30 days', async () => {
    const { create } = await setup()
    expect((await create(temporary({ scene_str: '码'.repeat(64) }))).ticket).toEqual(expect.any(String))
    const longest = await create(temporary({ scene_id: 4_294_967_295 }, { expire_seconds: 2_592_000 }))
    expect(longest.expire_seconds).toBe(2_592_000)
  })
})

describe('scanQrCode()', () => {
  it('makes a non-follower follow (qrscene_ in user/info), then a second scan is a SCAN', async () => {
    const { e, token, create } = await setup()
    const { ticket } = (await create(temporary({ scene_str: 'visitor-7' }))) as { ticket: string }
    const first = await e.control.scanQrCode({ ticket })
    expect(first).toMatchObject({ event: 'subscribe', openid: expect.stringMatching(/^o/) })
    expect(first.push?.event).toMatchObject({
      Event: 'subscribe',
      EventKey: 'qrscene_visitor-7',
      Ticket: ticket,
    })
    const info = await getJson(
      `${e.apiBaseUrl}/cgi-bin/user/info?access_token=${token}&openid=${first.openid}`,
    )
    expect(info).toMatchObject({
      subscribe: 1,
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene: 0,
      qr_scene_str: 'visitor-7',
    })
    const second = await e.control.scanQrCode({ ticket, openid: first.openid })
    expect(second.event).toBe('SCAN')
    expect(second.push?.event).toMatchObject({
      Event: 'SCAN',
      EventKey: 'visitor-7',
      Ticket: ticket,
      FromUserName: first.openid,
    })
  })

  it('records a numeric scene as qr_scene', async () => {
    const { e, token, create } = await setup()
    const { ticket } = (await create(temporary({ scene_id: 9 }))) as { ticket: string }
    const { openid } = await e.control.scanQrCode({ ticket, openid: 'oScanner000000000000000000000' })
    const info = await getJson(`${e.apiBaseUrl}/cgi-bin/user/info?access_token=${token}&openid=${openid}`)
    expect(info).toMatchObject({ qr_scene: 9, qr_scene_str: '' })
  })

  it('pushes nothing for an expired or unknown ticket and says why', async () => {
    const { e, create } = await setup()
    const { ticket } = (await create(temporary({ scene_id: 1 }, { expire_seconds: 30 }))) as {
      ticket: string
    }
    await e.control.advanceClock(30_000)
    const expired = await e.control.scanQrCode({ ticket, openid: 'oLate0000000000000000000000' })
    expect(expired).toEqual({
      openid: 'oLate0000000000000000000000',
      event: null,
      reason: expect.stringMatching(/expired/),
    })
    expect(await connectEmulator(e.url).scanQrCode({ ticket: 'nope' })).toMatchObject({
      event: null,
      reason: expect.stringMatching(/unknown/),
    })
    await expect(e.control.scanQrCode({ ticket: '' })).rejects.toThrow(/needs a ticket/)
  })
})
