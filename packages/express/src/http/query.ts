import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'

/**
 * The query string's parameters, read from the raw URL so Express 4 (`qs`, which builds arrays and
 * objects) and Express 5 behave the same.
 */
export function rawQuery(req: Request): URLSearchParams {
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : ''
  return new URLSearchParams(search)
}

/** The single value of query parameter `name` (see {@link rawQuery}). Given twice → `400 invalid_request`. */
export function queryParam(req: Request, name: string): string | undefined {
  const values = rawQuery(req).getAll(name)
  if (values.length > 1) throw new WechatRouteError('invalid_request', `${name} must be given once`)
  return values[0]
}
