import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'
import { RecentResults } from './recent-results.js'

/**
 * The query string's parameters, read from the raw URL so Express 4 (`qs`, which builds arrays and
 * objects) and Express 5 behave the same.
 */
export function rawQuery(req: Request): URLSearchParams {
  const url = req.originalUrl
  const question = url.indexOf('?')
  return new URLSearchParams(question === -1 ? '' : url.slice(question))
}

/**
 * The single value of query parameter `name` (see {@link rawQuery}), decoded exactly as `URLSearchParams`
 * decodes it. Given twice → `400 invalid_request`.
 *
 * Every request of the JS-SDK route reads one parameter, so this scans the query string itself instead of
 * building a `URLSearchParams` (its object, its list and every other parameter's strings). A part whose
 * name or value `decodeURIComponent` cannot decode the way the URL standard does (a malformed `%`
 * sequence, invalid UTF-8) goes to `URLSearchParams` instead, so the answer never differs from it.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const url = req.originalUrl
  const question = url.indexOf('?')
  if (question === -1) return undefined
  let value: string | undefined
  let start = question + 1
  while (start <= url.length) {
    let end = url.indexOf('&', start)
    if (end === -1) end = url.length
    if (end > start) {
      const eq = url.indexOf('=', start)
      const split = eq === -1 || eq > end ? end : eq
      const key = decodeComponent(url.slice(start, split))
      const raw = split === end ? '' : url.slice(split + 1, end)
      if (key === undefined) return slowQueryParam(url.slice(question), name)
      if (key === name) {
        if (value !== undefined) throw new WechatRouteError('invalid_request', `${name} must be given once`)
        value = decodeComponent(raw)
        if (value === undefined) return slowQueryParam(url.slice(question), name)
      }
    }
    start = end + 1
  }
  return value
}

/** How many recent percent-decodings {@link queryParam} keeps. */
export const DECODED_PARTS = 256
/** Longer parts are decoded every time, so the memo stays small (the JS-SDK route takes 2048 at most). */
const MAX_REMEMBERED_PART = 3 * 2048

// The JS-SDK route's `url` arrives percent-encoded, and the same few pages ask over and over: decoding
// was a measurable part of the route's own work.
const decodedParts = new RecentResults<string>(DECODED_PARTS)

/** Whether {@link queryParam} remembers the decoding of `part` (for tests of the memo). */
export function isPartRemembered(part: string): boolean {
  return decodedParts.has(part)
}

/** `application/x-www-form-urlencoded` decoding of one name or value; `undefined` where it is not plain. */
function decodeComponent(part: string): string | undefined {
  const spaced = part.includes('+') ? part.replaceAll('+', ' ') : part
  if (!spaced.includes('%')) return spaced
  const remembered = decodedParts.get(spaced)
  if (remembered !== undefined) return remembered
  let decoded: string
  try {
    // Where decodeURIComponent succeeds (well-formed escapes of valid UTF-8) it decodes as the URL
    // standard's percent-decode + UTF-8 decode does; where that standard would substitute, it throws.
    decoded = decodeURIComponent(spaced)
  } catch {
    return undefined
  }
  if (spaced.length <= MAX_REMEMBERED_PART) decodedParts.set(spaced, decoded)
  return decoded
}

function slowQueryParam(search: string, name: string): string | undefined {
  const values = new URLSearchParams(search).getAll(name)
  if (values.length > 1) throw new WechatRouteError('invalid_request', `${name} must be given once`)
  return values[0]
}
