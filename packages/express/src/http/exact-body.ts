import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'
import { payloadTooLarge, readRawBody, refuseAnnouncedOversize } from './read-body.js'

/**
 * The request body exactly as it arrived, at most `limit` bytes, for a route that must verify what WeChat
 * sent (a parsed object cannot be turned back into those bytes).
 *
 * - Nobody read the stream yet: it is read here (`413` over `limit`, `408` after `timeoutMs`).
 * - A body parser ran first: its bytes are used when they are exact — a `Buffer` (`express.raw()`, or
 *   `req.rawBody` kept by a parser's `verify` hook), or a string that provably re-encodes to the bytes
 *   received (UTF-8, nothing replaced, the announced `Content-Length`). Anything else (`express.json()`'s
 *   object, an XML parser's object, a string that may differ) is a `500 internal_error` that names the
 *   parser to move, never a verdict on a body that is not the one WeChat sent. `route` is how that
 *   message names the route to mount first.
 */
export async function readExactBody(
  req: Request,
  limit: number,
  timeoutMs: number,
  route = 'messageRoutes()',
): Promise<Buffer> {
  refuseAnnouncedOversize(req, limit)
  if (!streamConsumed(req)) return readRawBody(req, limit, timeoutMs)
  const kept = keptBytes(req, route)
  if (typeof kept === 'string') throw new WechatRouteError('internal_error', kept)
  if (kept.length > limit) throw payloadTooLarge(limit)
  return kept
}

/** body-parser marks the bodies it read with `_body`; any other reader leaves an ended stream. */
function streamConsumed(req: Request): boolean {
  return (req as { _body?: unknown })._body === true || req.readableEnded
}

/** The exact bytes an earlier parser left, or why there are none (the error message). */
function keptBytes(req: Request, route: string): Buffer | string {
  const { rawBody } = req as { rawBody?: unknown }
  for (const candidate of [rawBody, req.body]) {
    if (Buffer.isBuffer(candidate)) return candidate
    if (typeof candidate === 'string') {
      if (isExactText(req, candidate)) return Buffer.from(candidate, 'utf8')
      return consumedBy(
        route,
        'express.text() (or another text parser)',
        'turned it into a string that may differ from the bytes received',
      )
    }
  }
  if (req.body === undefined || req.body === null) {
    return consumedBy(route, 'an earlier middleware', 'read the request body and kept nothing of it')
  }
  const type = (req.get('Content-Type') ?? '').toLowerCase()
  const parser = type.includes('json')
    ? 'express.json() (or another JSON parser)'
    : type.includes('xml')
      ? 'an XML body parser'
      : type.includes('urlencoded')
        ? 'express.urlencoded()'
        : 'a body parser'
  return consumedBy(route, parser, 'replaced it with a parsed object')
}

function consumedBy(route: string, parser: string, what: string): string {
  return (
    `@wxkit/express: ${parser} ran before ${route} and ${what}, but what WeChat sends there must be ` +
    `verified on the exact bytes. Mount ${route} before ${parser}, limit that parser to other ` +
    `paths, or use express.raw() (or keep req.rawBody as a Buffer) for this path.`
  )
}

/**
 * A string is the body only when decoding lost nothing: the charset was UTF-8, no byte was replaced by
 * U+FFFD, and its UTF-8 encoding has exactly the announced length (a chunked body cannot be checked).
 */
function isExactText(req: Request, text: string): boolean {
  const charset = /;\s*charset="?([^";\s]+)/i.exec(req.get('Content-Type') ?? '')?.[1]?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return false
  if (text.includes('\uFFFD')) return false
  const announced = req.get('Content-Length')
  return announced !== undefined && /^\d+$/.test(announced) && Buffer.byteLength(text) === Number(announced)
}
