import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString, validatePageUrl } from '../validate.js'

/** Where the content appears: 1 profile, 2 comment, 3 forum, 4 social log (§14.3). */
export type ContentScene = 1 | 2 | 3 | 4

/** A content-security verdict. */
export type ContentSuggest = 'risky' | 'pass' | 'review'

/** Body of `POST /wxa/msg_sec_check` (v2, which wxkit adds), with WeChat's field names. */
export interface MsgSecCheckRequest {
  /** The author: a user who used the Mini Program in the last 2 hours. */
  openid: string
  scene: ContentScene
  /** The text, at most 2500 characters. */
  content: string
  /** A title, if the content has one. */
  title?: string
  /** The author's nickname. */
  nickname?: string
  /** The author's signature (profile text): scene 1 only. */
  signature?: string
}

/** One strategy's finding in `detail`. */
export interface ContentCheckDetail {
  strategy: string
  errcode: number
  suggest?: ContentSuggest
  /** 100 normal, 10001 ad, 20001 politics, 20002 porn, 20003 abuse, 20006 crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other. */
  label?: number
  /** The keyword that matched (keyword strategies). */
  keyword?: string
  /** Confidence 0–100 (model strategies). */
  prob?: number
  level?: number
}

/** Result of {@link msgSecCheck}. */
export interface MsgSecCheckResponse {
  /** The overall verdict: act on `suggest` (`risky`: refuse; `review`: hold for a human; `pass`). */
  result: { suggest: ContentSuggest; label: number }
  detail: ContentCheckDetail[]
  /** Quote it when asking WeChat about a verdict. */
  trace_id: string
}

/** Body of `POST /wxa/media_check_async` (v2). */
export interface MediaCheckAsyncRequest {
  /** A publicly downloadable http(s) URL of the file (≤ 10 MB). */
  media_url: string
  /** 1 audio, 2 image. */
  media_type: 1 | 2
  scene: ContentScene
  /** The user who uploaded it (used the Mini Program in the last 2 hours). */
  openid: string
}

/** Result of {@link mediaCheckAsync}: the verdict arrives later as the `wxa_media_check` push with this id. */
export interface MediaCheckAsyncResponse {
  trace_id: string
}

function scene(value: unknown): void {
  if (value !== 1 && value !== 2 && value !== 3 && value !== 4) {
    throw new WechatValidationError('scene', 'must be 1 (profile), 2 (comment), 3 (forum) or 4 (social log)')
  }
}

function optionalText(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string')
    throw new WechatValidationError(field, 'must be a string')
}

function msgSecCheckBody(request: MsgSecCheckRequest) {
  requireObject('request', request)
  requireString('openid', request.openid, 128)
  scene(request.scene)
  if (typeof request.content !== 'string' || request.content === '')
    throw new WechatValidationError('content', 'must be a non-empty string')
  if ([...request.content].length > 2500)
    throw new WechatValidationError('content', 'must be at most 2500 characters')
  optionalText('title', request.title)
  optionalText('nickname', request.nickname)
  optionalText('signature', request.signature)
  if (request.signature !== undefined && request.scene !== 1)
    throw new WechatValidationError('signature', 'is only checked with scene 1 (profile)')
  return { ...request, version: 2 }
}

function mediaCheckBody(request: MediaCheckAsyncRequest) {
  requireObject('request', request)
  validatePageUrl('media_url', request.media_url)
  if (request.media_type !== 1 && request.media_type !== 2)
    throw new WechatValidationError('media_type', 'must be 1 (audio) or 2 (image)')
  scene(request.scene)
  requireString('openid', request.openid, 128)
  return { ...request, version: 2 }
}

/**
 * `POST /wxa/msg_sec_check` (v2): a verdict on user text. Retried on transient failures (it only reads;
 * a repeat gives the same verdict under another `trace_id`).
 */
export const msgSecCheck = defineEndpoint({
  method: 'POST',
  path: '/wxa/msg_sec_check',
  json: msgSecCheckBody,
  read: (body: Partial<MsgSecCheckResponse>): MsgSecCheckResponse => {
    if (!body.result || typeof body.result.suggest !== 'string' || typeof body.trace_id !== 'string') {
      throw new WechatResponseError({
        endpoint: '/wxa/msg_sec_check',
        reason: 'no result/trace_id in the response',
      })
    }
    return {
      result: body.result,
      detail: Array.isArray(body.detail) ? body.detail : [],
      trace_id: body.trace_id,
    }
  },
})

/**
 * `POST /wxa/media_check_async` (v2). Not idempotent: a repeat starts a second check and a second
 * `wxa_media_check` push, so a transport failure after the request left is not retried.
 */
export const mediaCheckAsync = defineEndpoint({
  method: 'POST',
  path: '/wxa/media_check_async',
  idempotent: false,
  json: mediaCheckBody,
  read: (body: { trace_id?: unknown }): MediaCheckAsyncResponse => {
    if (typeof body.trace_id !== 'string' || body.trace_id === '') {
      throw new WechatResponseError({
        endpoint: '/wxa/media_check_async',
        reason: 'no trace_id in the response',
      })
    }
    return { trace_id: body.trace_id }
  },
})
