import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/** The four kinds of temporary media (§15.5). */
export type TempMediaType = 'image' | 'voice' | 'video' | 'thumb'

/** The argument of `uploadTempMedia`. */
export interface UploadTempMediaRequest {
  /** What the file is; decides the size limit and the file types allowed. */
  type: TempMediaType
  /** The file's bytes. */
  data: Uint8Array | Blob
  /**
   * The file name WeChat sees; its extension must fit `type`: image `.bmp .png .jpeg .jpg .gif`, voice
   * `.amr .mp3`, video `.mp4`, thumb `.jpg`.
   */
  filename: string
  /**
   * The part's Content-Type. Default: the Blob's own type, else the one the extension implies
   * (`image/png`, `audio/mpeg`, …).
   */
  contentType?: string
}

/** What `media/upload` answers, with WeChat's field names. */
export interface UploadTempMediaResponse {
  type: TempMediaType
  /** The id to send in messages (`image.media_id`, `thumb_media_id`, …); it works for 3 days. */
  media_id: string
  /** When WeChat stored the file, in unix **seconds**. */
  created_at: number
}

/** What `media/get` answers: the file's bytes, or for a video the URL to download it from. */
export type TempMedia = Uint8Array | { video_url: string }

const MIB = 1024 * 1024

/**
 * §15.5: the largest file (bytes) and the extensions allowed per type. WeChat writes "10 MB", "2 MB" and
 * "64 KB" without saying which megabyte; wxkit reads them as binary (10 MiB, 2 MiB, 64 KiB), as the
 * emulator does.
 */
export const TEMP_MEDIA_LIMITS: Readonly<
  Record<TempMediaType, { maxBytes: number; extensions: readonly string[]; label: string }>
> = {
  image: { maxBytes: 10 * MIB, extensions: ['bmp', 'png', 'jpeg', 'jpg', 'gif'], label: '10 MiB' },
  voice: { maxBytes: 2 * MIB, extensions: ['amr', 'mp3'], label: '2 MiB' },
  video: { maxBytes: 10 * MIB, extensions: ['mp4'], label: '10 MiB' },
  thumb: { maxBytes: 64 * 1024, extensions: ['jpg'], label: '64 KiB' },
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  bmp: 'image/bmp',
  png: 'image/png',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
}

/** `type/subtype` with an optional parameter list, and nothing that could break a multipart header. */
const MIME = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;[\x20-\x7e]*)?$/

function mediaType(type: unknown): TempMediaType {
  if (typeof type !== 'string' || !Object.hasOwn(TEMP_MEDIA_LIMITS, type))
    throw new WechatValidationError('type', "must be 'image', 'voice', 'video' or 'thumb'")
  return type as TempMediaType
}

/** Checks an upload (type, file name, size, Content-Type) and builds the form with the file part `media`. */
function uploadForm(request: UploadTempMediaRequest): FormData {
  requireObject('request', request)
  const type = mediaType(request.type)
  const limit = TEMP_MEDIA_LIMITS[type]
  const filename = requireString('filename', request.filename, 256)
  if ([...filename].some((ch) => ch < ' ' || ch === '\x7f' || ch === '/' || ch === '\\'))
    throw new WechatValidationError('filename', 'must be a file name without control characters or slashes')
  const extension = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase()
  if (extension === undefined || !limit.extensions.includes(extension))
    throw new WechatValidationError(
      'filename',
      `must end in ${limit.extensions.map((e) => `.${e}`).join(', ')} for ${type} media`,
    )
  const { data } = request
  const isBlob = typeof Blob !== 'undefined' && data instanceof Blob
  if (!isBlob && !(data instanceof Uint8Array))
    throw new WechatValidationError('data', 'must be a Uint8Array or a Blob')
  const size = isBlob ? (data as Blob).size : (data as Uint8Array).byteLength
  if (size === 0) throw new WechatValidationError('data', 'must not be empty')
  if (size > limit.maxBytes)
    throw new WechatValidationError(
      'data',
      `must be at most ${limit.label} (${limit.maxBytes} bytes) for ${type} media, got ${size} bytes`,
    )
  if (request.contentType !== undefined) {
    if (typeof request.contentType !== 'string' || !MIME.test(request.contentType))
      throw new WechatValidationError('contentType', "must be a MIME type like 'image/png'")
  }
  const contentType =
    request.contentType ?? ((isBlob && (data as Blob).type) || CONTENT_TYPES[extension] || '')
  const form = new FormData()
  form.append('media', new Blob([data as Blob], { type: contentType }), filename)
  return form
}

function readUpload(body: Record<string, unknown>): UploadTempMediaResponse {
  if (typeof body.media_id !== 'string' || body.media_id === '')
    throw new WechatResponseError({ endpoint: '/cgi-bin/media/upload', reason: 'no media_id in the answer' })
  return {
    type: body.type as TempMediaType,
    media_id: body.media_id,
    created_at: Number(body.created_at),
  }
}

function readMedia(body: Uint8Array | Record<string, unknown>): TempMedia {
  if (body instanceof Uint8Array) return body
  if (typeof body.video_url !== 'string' || body.video_url === '')
    throw new WechatResponseError({ endpoint: '/cgi-bin/media/get', reason: 'JSON without a video_url' })
  return { video_url: body.video_url }
}

/**
 * `POST /cgi-bin/media/upload?type=…`: multipart/form-data with the file part `media` (§15.5). Not
 * idempotent: a repeat would store a second copy under another id, so a transport failure is not retried.
 */
export const uploadTempMedia = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/media/upload',
  idempotent: false,
  query: (request: UploadTempMediaRequest) => ({ type: mediaType(requireObject('request', request).type) }),
  form: uploadForm,
  read: readUpload,
})

/** `GET /cgi-bin/media/get?media_id=…`: the bytes, or `{ video_url }` for a video; retried like any read. */
export const getTempMedia = defineEndpoint({
  method: 'GET',
  path: '/cgi-bin/media/get',
  response: 'bytes-or-json',
  query: (mediaId: string) => ({ media_id: requireString('mediaId', mediaId, 256) }),
  read: readMedia,
})
