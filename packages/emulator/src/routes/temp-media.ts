import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readMultipartFile } from '../http/multipart-file.js'
import { wechatJson } from '../http/wechat-json.js'
import { allowedFile, contentTypeOf, isTempMediaType, TEMP_MEDIA_LIMITS } from '../rules/temp-media-limits.js'
import type { EmulatorState } from '../state/emulator-state.js'

/** The path of the upload, whose body limit is raised (see {@link MEDIA_UPLOAD_MAX_BODY_BYTES}). */
export const MEDIA_UPLOAD_PATH = '/cgi-bin/media/upload'

/**
 * The largest upload body read: 20 MiB, twice the largest file (image and video, 10 MiB), so a file over
 * its type's limit is answered 40006 as WeChat does, and only a body far past every limit meets the
 * gateway's 413.
 */
export const MEDIA_UPLOAD_MAX_BODY_BYTES = 20 * 1024 * 1024

/**
 * Temporary media (§15.5), kept 3 days on the emulator clock.
 *
 * `POST /cgi-bin/media/upload?type=…`, checked in this order: the access token; `type` not image, voice,
 * video or thumb 40004; no file part named `media` in a multipart/form-data body (or an empty one) 41005;
 * the file name's extension not allowed for the type 40005; the file over the type's limit 40006. Answers
 * `{type, media_id, created_at}` (no errcode, as WeChat).
 *
 * `GET /cgi-bin/media/get?media_id=…`: the access token; the id unknown, another app's or older than 3
 * days 40007; then the bytes (Content-Type from the extension, `Content-Disposition` with the file name),
 * or for a video `{video_url}` pointing at `/__wxkit/temp-media/<media_id>`, which serves the file.
 */
export function createTempMediaRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all(MEDIA_UPLOAD_PATH, async (c) => {
    const token = requireAccessToken(c, state)
    const type = c.req.query('type')
    if (!isTempMediaType(type)) throw new WechatApiFailure(40004)
    const file = await readMultipartFile(c, 'media', TEMP_MEDIA_LIMITS[type].maxBytes)
    if (!file || file.bytes.length === 0) throw new WechatApiFailure(41005)
    if (!allowedFile(type, file.filename)) throw new WechatApiFailure(40005)
    if (file.truncated) throw new WechatApiFailure(40006)
    const record = state.tempMedia.add({
      appId: token.appId,
      type,
      filename: file.filename,
      contentType: file.contentType,
      bytes: file.bytes,
      createdAt: state.now(),
    })
    return wechatJson(c, {
      type,
      media_id: record.mediaId,
      created_at: Math.floor(record.createdAt / 1000),
    })
  })

  app.all('/cgi-bin/media/get', (c) => {
    const token = requireAccessToken(c, state)
    const record = state.tempMedia.find(token.appId, c.req.query('media_id'), state.now())
    if (!record) throw new WechatApiFailure(40007)
    if (record.type === 'video') {
      const origin = new URL(c.req.url).origin
      return wechatJson(c, { video_url: `${origin}/__wxkit/temp-media/${record.mediaId}` })
    }
    return c.body(new Uint8Array(record.bytes), 200, {
      'Content-Type': contentTypeOf(record.filename),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(record.filename)}`,
      'Content-Length': String(record.bytes.length),
    })
  })

  app.get('/__wxkit/temp-media/:mediaId', (c) => {
    const record = state.tempMedia.download(c.req.param('mediaId'), state.now())
    if (!record) return c.text('Not Found', 404)
    return c.body(new Uint8Array(record.bytes), 200, {
      'Content-Type': contentTypeOf(record.filename),
      'Content-Length': String(record.bytes.length),
    })
  })

  return app
}
