import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'

/**
 * The single value of query parameter `name`, read from the raw URL so Express 4 (`qs`, which builds arrays
 * and objects) and Express 5 behave the same. Given twice → `400 invalid_request`.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : ''
  const values = new URLSearchParams(search).getAll(name)
  if (values.length > 1) throw new WechatRouteError('invalid_request', `${name} must be given once`)
  return values[0]
}
