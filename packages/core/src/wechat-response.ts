import { WechatError, WechatHttpError, WechatResponseError } from './errors.js'
import { scrub } from './redact.js'

/**
 * How an endpoint answers. `json`: an object whose non-zero `errcode` throws. `bytes`: a file (a JSON answer
 * is an error). `bytes-or-json`: a file, or a JSON object that is not an error (media/get answers a video
 * as `{ video_url }`).
 */
export type ResponseKind = 'json' | 'bytes' | 'bytes-or-json'

/** One HTTP answer, read whole. */
export interface RawResponse {
  status: number
  contentType: string | undefined
  bytes: Uint8Array
}

const decoder = new TextDecoder()

/**
 * The one place where a WeChat answer becomes a result or an error: WeChat reports failures with HTTP 200
 * and `{ errcode, errmsg }`, which no HTTP client can know. `secrets` are scrubbed from `errmsg` in case a
 * server echoes a parameter.
 */
export function readAnswer(
  endpoint: string,
  kind: ResponseKind,
  raw: RawResponse,
  secrets: readonly (string | undefined)[],
): unknown {
  if (raw.status < 200 || raw.status > 299) throw new WechatHttpError({ status: raw.status, endpoint })
  if (kind === 'json') return readJson(endpoint, raw, secrets)
  const type = (raw.contentType ?? '').toLowerCase()
  // WeChat labels some JSON errors text/plain, or not at all.
  const looksJson = (type === '' || type.startsWith('text/plain')) && raw.bytes[0] === 0x7b
  if (type.includes('json') || looksJson) {
    const body = readJson(endpoint, raw, secrets)
    if (kind === 'bytes-or-json') return body
    throw new WechatResponseError({
      endpoint,
      reason: 'JSON without an errcode where bytes were expected',
      contentType: raw.contentType,
    })
  }
  // An HTML page is a proxy's or a portal's error page, never a file WeChat sends.
  if (type.startsWith('text/html') || raw.bytes.length === 0) {
    throw new WechatResponseError({
      endpoint,
      reason: raw.bytes.length === 0 ? 'empty body' : 'HTML instead of a file',
      contentType: raw.contentType,
    })
  }
  return raw.bytes
}

function readJson(endpoint: string, raw: RawResponse, secrets: readonly (string | undefined)[]): object {
  const text = decoder.decode(raw.bytes)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    const html = /^\s*</.test(text)
    throw new WechatResponseError({
      endpoint,
      reason: html ? 'HTML instead of JSON' : 'body is not valid JSON',
      contentType: raw.contentType,
    })
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new WechatResponseError({ endpoint, reason: 'JSON is not an object', contentType: raw.contentType })
  }
  const record = body as { errcode?: unknown; errmsg?: unknown }
  if (record.errcode !== undefined && record.errcode !== null) {
    const errcode = Number(record.errcode)
    if (!Number.isInteger(errcode)) {
      throw new WechatResponseError({
        endpoint,
        reason: 'errcode is not a number',
        contentType: raw.contentType,
      })
    }
    if (errcode !== 0) {
      const errmsg = scrub(typeof record.errmsg === 'string' ? record.errmsg : '', secrets)
      throw new WechatError({ errcode, errmsg, endpoint })
    }
  }
  return body
}
