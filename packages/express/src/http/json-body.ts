import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'

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
  const announced = Number(req.get('Content-Length'))
  if (Number.isFinite(announced) && announced > limit) {
    if (!req.readableEnded) req.resume()
    throw tooLarge(limit)
  }
  if (alreadyParsed(req)) {
    if (Buffer.byteLength(JSON.stringify(req.body) ?? '') > limit) throw tooLarge(limit)
    return asObject(req.body)
  }
  const text = await readText(req, limit, timeoutMs)
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

function tooLarge(limit: number): WechatRouteError {
  return new WechatRouteError('payload_too_large', `The body must be at most ${limit} bytes`)
}

function readText(req: Request, limit: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    // A client that trickles its body (or never finishes it) gets 408 instead of holding the route open.
    const timer = setTimeout(
      () => finish(new WechatRouteError('request_timeout', 'The request body did not arrive in time')),
      timeoutMs,
    )
    const finish = (error: WechatRouteError | undefined, text?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
      if (error) {
        req.resume()
        reject(error)
      } else {
        resolve(text ?? '')
      }
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        finish(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      const buffer = Buffer.concat(chunks)
      const decoder = new TextDecoder('utf-8', { fatal: true })
      try {
        finish(undefined, decoder.decode(buffer))
      } catch {
        finish(new WechatRouteError('invalid_request', 'The body is not valid UTF-8'))
      }
    }
    const onError = () => finish(new WechatRouteError('invalid_request', 'The body could not be read'))
    const onAborted = onError
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}
