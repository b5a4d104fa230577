import { describe, expect, test } from 'vitest'
import {
  ErrCode,
  isWechatError,
  isWechatHttpError,
  isWechatTimeoutError,
  isWechatValidationError,
  type UploadTempMediaRequest,
} from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const UPLOAD = '/cgi-bin/media/upload'
const GET = '/cgi-bin/media/get'
const DAY = 24 * 3600_000
const MINUTE = 60_000
const MIB = 1024 * 1024
/** A fixed emulator time (whole seconds), so `created_at` can be checked exactly. */
const NOW = Date.UTC(2026, 0, 1)
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill)

describe('uploadTempMedia and getTempMedia', () => {
  test.each([
    ['image', 'parcel.png'],
    ['image', 'parcel.JPG'],
    ['voice', 'hello.amr'],
    ['voice', 'hello.mp3'],
    ['thumb', 'thumb.jpg'],
  ] as const)('a %s (%s) goes up as multipart and comes back byte for byte', async (type, filename) => {
    const emu = await emulator({ clock: { now: () => NOW } })
    const wechat = client(emu)
    const data = bytes(3000, 0x5a)
    const uploaded = await wechat.uploadTempMedia({ type, data, filename })
    expect(uploaded).toEqual({ type, media_id: expect.any(String), created_at: NOW / 1000 }) // seconds
    expect(await wechat.getTempMedia(uploaded.media_id)).toEqual(data)
  })

  test('takes a Blob as well as a Uint8Array', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const data = bytes(100, 1)
    const blob = new Blob([data], { type: 'image/gif' })
    const { media_id } = await wechat.uploadTempMedia({ type: 'image', data: blob, filename: 'a.gif' })
    expect(await wechat.getTempMedia(media_id)).toEqual(data)
  })

  test('a video answers { video_url }, which downloads the file', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const data = bytes(4096, 3)
    const { media_id, type } = await wechat.uploadTempMedia({ type: 'video', data, filename: 'clip.mp4' })
    expect(type).toBe('video')
    const media = await wechat.getTempMedia(media_id)
    expect(media).toEqual({ video_url: expect.stringMatching(/^http:\/\//) })
    const download = await fetch((media as { video_url: string }).video_url)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(data)
  })

  test('each type is accepted at its size limit', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.uploadTempMedia({ type: 'thumb', data: bytes(64 * 1024), filename: 't.jpg' })
    await wechat.uploadTempMedia({ type: 'voice', data: bytes(2 * MIB), filename: 'v.mp3' })
    await wechat.uploadTempMedia({ type: 'image', data: bytes(10 * MIB), filename: 'i.bmp' })
    await wechat.uploadTempMedia({ type: 'video', data: new Blob([bytes(10 * MIB)]), filename: 'v.mp4' })
    expect(await calls(emu, UPLOAD)).toBe(4)
  })

  test('the media expires after 3 days on the emulator clock: WechatError 40007', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const { media_id } = await wechat.uploadTempMedia({ type: 'image', data: bytes(10), filename: 'a.png' })
    await emu.control.advanceClock(3 * DAY - MINUTE)
    expect(await wechat.getTempMedia(media_id)).toEqual(bytes(10))
    await emu.control.advanceClock(2 * MINUTE)
    const error = await rejection(wechat.getTempMedia(media_id))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidMediaId)
    expect(error).toMatchObject({ endpoint: GET })
  })

  test('an unknown media id is WechatError 40007', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).getTempMedia('no-such-media-id'))
    expect(isWechatError(error) && error.errcode).toBe(40007)
  })

  test('an uploaded image can be sent as a customer service message; a made-up id is 40007', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await emu.control.userMessage({ openid: 'o_media' })
    const { media_id } = await wechat.uploadTempMedia({ type: 'image', data: bytes(10), filename: 'a.png' })
    await wechat.sendCustomerMessage({ touser: 'o_media', msgtype: 'image', image: { media_id } })
    const error = await rejection(
      wechat.sendCustomerMessage({ touser: 'o_media', msgtype: 'image', image: { media_id: 'MEDIA_ID' } }),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidMediaId)
    expect(await emu.control.messages()).toEqual([
      expect.objectContaining({ msgtype: 'image', content: { media_id } }),
    ])
  })

  test('an injected 40001 on the upload refreshes the token once and sends the same form again', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: UPLOAD, fault: { kind: 'errcode', errcode: 40001 } })
    const data = bytes(500, 9)
    const { media_id } = await wechat.uploadTempMedia({ type: 'image', data, filename: 'a.png' })
    expect(await wechat.getTempMedia(media_id)).toEqual(data)
    expect(await calls(emu, UPLOAD)).toBe(2)
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3) // cold, the normal repeat, one force refresh
  })

  test('a revoked token on getTempMedia is refreshed once', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const { media_id } = await wechat.uploadTempMedia({ type: 'thumb', data: bytes(10), filename: 'a.jpg' })
    await emu.control.revokeTokens()
    expect(await wechat.getTempMedia(media_id)).toEqual(bytes(10))
    expect(await calls(emu, GET)).toBe(2)
  })

  test('the upload is not retried after a timeout (a repeat would store a second copy)', async () => {
    const emu = await emulator()
    const wechat = client(emu, { timeout: 300 })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: UPLOAD, fault: { kind: 'delay', ms: 1500 } })
    const error = await rejection(
      wechat.uploadTempMedia({ type: 'image', data: bytes(10), filename: 'a.png' }),
    )
    expect(isWechatTimeoutError(error)).toBe(true)
    expect(await calls(emu, UPLOAD)).toBe(1)
  })

  test('the upload is not retried after an HTTP 502', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await emu.control.injectFault({ path: UPLOAD, fault: { kind: 'http', status: 502 } })
    const error = await rejection(
      wechat.uploadTempMedia({ type: 'image', data: bytes(10), filename: 'a.png' }),
    )
    expect(isWechatHttpError(error) && error.status).toBe(502)
    expect(await calls(emu, UPLOAD)).toBe(1)
  })

  test('getTempMedia is retried after an HTTP 502 (it only reads)', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const { media_id } = await wechat.uploadTempMedia({ type: 'image', data: bytes(10), filename: 'a.png' })
    await emu.control.injectFault({ path: GET, fault: { kind: 'http', status: 502 } })
    expect(await wechat.getTempMedia(media_id)).toEqual(bytes(10))
    expect(await calls(emu, GET)).toBe(2)
  })
})

describe('uploadTempMedia validation, before any request', () => {
  const ok = { type: 'image', data: bytes(10), filename: 'a.png' } as const
  test.each([
    ['no request', null, 'request', /object/],
    ['an unknown type', { ...ok, type: 'file' }, 'type', /'image', 'voice', 'video' or 'thumb'/],
    ['no type', { data: ok.data, filename: ok.filename }, 'type', /'image'/],
    ['no filename', { ...ok, filename: undefined }, 'filename', /non-empty/],
    ['an empty filename', { ...ok, filename: ' ' }, 'filename', /non-empty/],
    ['a filename with a slash', { ...ok, filename: 'dir/a.png' }, 'filename', /slashes/],
    ['a filename with a newline', { ...ok, filename: 'a\r\n.png' }, 'filename', /control characters/],
    ['a filename without an extension', { ...ok, filename: 'png' }, 'filename', /\.png/],
    [
      'a webp image',
      { ...ok, filename: 'a.webp' },
      'filename',
      /\.bmp, \.png, \.jpeg, \.jpg, \.gif for image/,
    ],
    ['a wav voice', { ...ok, type: 'voice', filename: 'a.wav' }, 'filename', /\.amr, \.mp3 for voice/],
    ['a mov video', { ...ok, type: 'video', filename: 'a.mov' }, 'filename', /\.mp4 for video/],
    ['a png thumb', { ...ok, type: 'thumb', filename: 'a.png' }, 'filename', /\.jpg for thumb/],
    ['a string as data', { ...ok, data: 'abc' }, 'data', /Uint8Array or a Blob/],
    ['an ArrayBuffer as data', { ...ok, data: new ArrayBuffer(4) }, 'data', /Uint8Array or a Blob/],
    ['empty data', { ...ok, data: new Uint8Array(0) }, 'data', /empty/],
    ['an empty Blob', { ...ok, data: new Blob([]) }, 'data', /empty/],
    ['an image over 10 MiB', { ...ok, data: bytes(10 * MIB + 1) }, 'data', /10 MiB \(10485760 bytes\)/],
    [
      'a voice over 2 MiB',
      { ...ok, type: 'voice', filename: 'a.amr', data: bytes(2 * MIB + 1) },
      'data',
      /2 MiB/,
    ],
    [
      'a video Blob over 10 MiB',
      { ...ok, type: 'video', filename: 'a.mp4', data: new Blob([bytes(10 * MIB + 1)]) },
      'data',
      /10 MiB/,
    ],
    [
      'a thumb over 64 KiB',
      { ...ok, type: 'thumb', filename: 'a.jpg', data: bytes(64 * 1024 + 1) },
      'data',
      /64 KiB \(65536 bytes\)/,
    ],
    ['a contentType that is not a MIME type', { ...ok, contentType: 'png' }, 'contentType', /MIME/],
    [
      'a contentType with a header injected',
      { ...ok, contentType: 'image/png\r\nX-Evil: 1' },
      'contentType',
      /MIME/,
    ],
  ])('%s is refused (field %s)', async (_name, request, field, reason) => {
    const emu = await emulator()
    const error = await rejection(client(emu).uploadTempMedia(request as unknown as UploadTempMediaRequest))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((error as Error).message).toMatch(reason)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test.each([
    ['', /non-empty/],
    [undefined, /non-empty/],
    ['x'.repeat(257), /256/],
  ])('getTempMedia(%j) is refused (field mediaId)', async (mediaId, reason) => {
    const emu = await emulator()
    const error = await rejection(client(emu).getTempMedia(mediaId as string))
    expect(isWechatValidationError(error) && error.field).toBe('mediaId')
    expect((error as Error).message).toMatch(reason)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
