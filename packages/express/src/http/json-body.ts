import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'
import { payloadTooLarge, readRawBody, refuseAnnouncedOversize } from './read-body.js'

/**
 * Reads the request body as a JSON object of at most `limit` bytes, so the app needs no body parser.
 *
 * - `Content-Type` must be `application/json` (charset utf-8 if given), else `400 invalid_request`;
 * - more than `limit` bytes (announced or streamed) → `413 payload_too_large`;
 * - an empty body, malformed JSON or anything but a JSON object → `400 invalid_request`.
 *
 * When an app-level parser already consumed the stream (`express.json()`), its `req.body` is used.
 */
export async function readJsonBody(
  req: Request,
  limit: number,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  if (!isJsonContentType(req.get('Content-Type'))) {
    throw new WechatRouteError('invalid_request', 'Content-Type must be application/json')
  }
  const encoding = req.get('Content-Encoding')
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new WechatRouteError('invalid_request', 'Content-Encoding is not supported')
  }
  // The limit holds whoever read the body: the announced size first, then (for a body an app-level parser
  // such as express.json() already consumed under its own, larger limit) the parsed size.
  refuseAnnouncedOversize(req, limit)
  if (alreadyParsed(req)) {
    if (Buffer.byteLength(JSON.stringify(req.body) ?? '') > limit) throw payloadTooLarge(limit)
    return asObject(req.body)
  }
  const text = decodeUtf8(await readRawBody(req, limit, timeoutMs))
  if (text.length === 0) throw new WechatRouteError('invalid_request', 'The body must be a JSON object')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new WechatRouteError('invalid_request', 'The body is not valid JSON')
  }
  return asObject(parsed)
}

function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false
  const [mediaType, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase())
  if (mediaType !== 'application/json') return false
  return parameters.every(
    (parameter) => !parameter.startsWith('charset=') || /^charset="?utf-8"?$/.test(parameter),
  )
}

function alreadyParsed(req: Request): boolean {
  return (req as { _body?: unknown })._body === true || (req.readableEnded && req.body !== undefined)
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WechatRouteError('invalid_request', 'The body must be a JSON object')
  }
  return value as Record<string, unknown>
}

function decodeUtf8(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer)
  } catch {
    throw new WechatRouteError('invalid_request', 'The body is not valid UTF-8')
  }
}
