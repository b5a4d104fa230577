import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, FIXED_NOW, getJson, RID } from './support/emulator-fixture.js'
import { mediaForm, postUpload, uploadMedia } from './support/temp-media.js'

const DAY = 24 * 3600_000
const MINUTE = 60_000
const MIB = 1024 * 1024
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill)

async function get(e: Awaited<ReturnType<typeof emulator>>, mediaId: string) {
  return fetch(`${e.apiBaseUrl}/cgi-bin/media/get?media_id=${mediaId}&access_token=${await classicToken(e)}`)
}

describe('POST /cgi-bin/media/upload (§15.5)', () => {
  it.each([
    ['image', 'a.png', 'image/png'],
    ['image', 'A.JPEG', 'image/jpeg'],
    ['image', 'a.gif', 'image/gif'],
    ['image', 'a.bmp', 'image/bmp'],
    ['voice', 'a.amr', 'audio/amr'],
    ['voice', 'a.mp3', 'audio/mpeg'],
    ['thumb', 'a.jpg', 'image/jpeg'],
  ])('stores %s %s and media/get answers its bytes as %s', async (type, filename, contentType) => {
    const e = await emulator()
    const data = bytes(1000, 42)
    const body = await postUpload(e, type, mediaForm(filename, data))
    expect(body).toEqual({
      type,
      media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
      created_at: FIXED_NOW / 1000,
    })
    expect(body).not.toHaveProperty('errcode')
    const response = await get(e, body.media_id as string)
    expect(response.headers.get('content-type')).toBe(contentType)
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${filename}`)
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(data)
  })

  it('answers a video as {video_url}, which downloads the file', async () => {
    const e = await emulator()
    const data = bytes(2048, 9)
    const mediaId = await uploadMedia(e, 'video', 'clip.mp4', data)
    const body = (await (await get(e, mediaId)).json()) as Record<string, unknown>
    expect(body).toEqual({ video_url: `${e.apiBaseUrl}/__wxkit/temp-media/${mediaId}` })
    const video = await fetch(body.video_url as string)
    expect(video.headers.get('content-type')).toBe('video/mp4')
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(data)
    expect(
      (await fetch(`${e.apiBaseUrl}/__wxkit/temp-media/${await uploadMedia(e, 'image', 'a.png')}`)).status,
    ).toBe(404)
  })

  it('accepts each type at its limit and answers 40006 one byte over it', async () => {
    const e = await emulator()
    const cases = [
      ['image', 'a.jpg', 10 * MIB],
      ['voice', 'a.mp3', 2 * MIB],
      ['video', 'a.mp4', 10 * MIB],
      ['thumb', 'a.jpg', 64 * 1024],
    ] as const
    for (const [type, filename, limit] of cases) {
      expect(await postUpload(e, type, mediaForm(filename, bytes(limit)))).toMatchObject({ type })
      const over = await postUpload(e, type, mediaForm(filename, bytes(limit + 1)))
      expect(over).toMatchObject({ errcode: 40006, errmsg: expect.stringMatching(RID) })
    }
  })

  it('answers 40004 for a type that is not image, voice, video or thumb', async () => {
    const e = await emulator()
    for (const type of ['file', 'IMAGE', '']) {
      expect(await postUpload(e, type, mediaForm('a.png', bytes(10)))).toMatchObject({ errcode: 40004 })
    }
  })

  it.each([
    ['image', 'a.webp'],
    ['image', 'png'],
    ['voice', 'a.wav'],
    ['video', 'a.mov'],
    ['thumb', 'a.png'],
    ['thumb', 'a.jpeg'],
  ])('answers 40005 for %s %s', async (type, filename) => {
    const e = await emulator()
    expect(await postUpload(e, type, mediaForm(filename, bytes(10)))).toMatchObject({ errcode: 40005 })
  })

  it('answers 41005 without a file part named media', async () => {
    const e = await emulator()
    const plainField = new FormData()
    plainField.append('media', 'not a file')
    const cases: [FormData | string | undefined, Record<string, string>][] = [
      [mediaForm('a.png', bytes(10), 'file'), {}],
      [plainField, {}],
      [mediaForm('a.png', new Uint8Array(0)), {}],
      [undefined, {}],
      ['{"media":"x"}', { 'content-type': 'application/json' }],
      [
        '--x\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\n\r\nabc',
        { 'content-type': 'multipart/form-data; boundary=x' },
      ],
      ['abc', { 'content-type': 'multipart/form-data' }],
    ]
    for (const [body, headers] of cases) {
      expect(await postUpload(e, 'image', body, headers)).toMatchObject({ errcode: 41005 })
    }
  })

  it('checks the access token first, and the body limit is raised for this route only', async () => {
    const e = await emulator()
    const noToken = await fetch(`${e.apiBaseUrl}/cgi-bin/media/upload?type=image`, {
      method: 'POST',
      body: mediaForm('a.png', bytes(10)),
    })
    expect(await noToken.json()).toMatchObject({ errcode: 41001 })
    // 5 MiB is past the usual 1 MiB body limit, but within this route's.
    expect(await postUpload(e, 'image', mediaForm('a.png', bytes(5 * MIB)))).toHaveProperty('media_id')
    const token = await classicToken(e)
    const elsewhere = await fetch(`${e.apiBaseUrl}/cgi-bin/message/custom/send?access_token=${token}`, {
      method: 'POST',
      body: mediaForm('a.png', bytes(2 * MIB)),
    })
    expect(elsewhere.status).toBe(413)
    const tooLarge = await fetch(`${e.apiBaseUrl}/cgi-bin/media/upload?type=image&access_token=${token}`, {
      method: 'POST',
      body: mediaForm('a.png', bytes(21 * MIB)),
    })
    expect(tooLarge.status).toBe(413)
  })
})

describe('GET /cgi-bin/media/get (§15.5)', () => {
  it('keeps media 3 days on the emulator clock, then answers 40007', async () => {
    const e = await emulator()
    const mediaId = await uploadMedia(e, 'image', 'a.png')
    await e.control.advanceClock(3 * DAY - MINUTE)
    expect((await get(e, mediaId)).headers.get('content-type')).toBe('image/png')
    await e.control.advanceClock(2 * MINUTE)
    expect(await (await get(e, mediaId)).json()).toMatchObject({ errcode: 40007 })
  })

  it("answers 40007 for an unknown id, a missing one and another app's", async () => {
    const other = { appId: 'wx_other_app', appSecret: 'other-secret-0123456789abcdef' }
    const e = await emulator({ apps: [DEFAULT_APP, other] })
    const first = await postUpload(e, 'image', mediaForm('a.png', bytes(10)))
    const token = await classicToken(e, other)
    const at = (query: string) => getJson(`${e.apiBaseUrl}/cgi-bin/media/get?access_token=${token}${query}`)
    expect(await at(`&media_id=${first.media_id}`)).toMatchObject({ errcode: 40007 })
    expect(await at('&media_id=nope')).toMatchObject({ errcode: 40007 })
    expect(await at('')).toMatchObject({ errcode: 40007 })
  })

  it('reset() forgets every file', async () => {
    const e = await emulator()
    const mediaId = await uploadMedia(e, 'image', 'a.png')
    await e.control.reset()
    expect(await (await get(e, mediaId)).json()).toMatchObject({ errcode: 40007 })
  })
})
