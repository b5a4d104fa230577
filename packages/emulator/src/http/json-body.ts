import type { Context } from 'hono'
import { WechatApiFailure } from '../errors.js'

/**
 * Read a POST body the way WeChat does: it must be a JSON object. An empty body answers 44002, a form or
 * otherwise non-JSON body 47001 (§0). The Content-Type header is not required to be JSON.
 */
export async function readJsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text()
  if (text.trim() === '') throw new WechatApiFailure(44002)
  const type = c.req.header('content-type') ?? ''
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type))
    throw new WechatApiFailure(47001)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new WechatApiFailure(47001)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new WechatApiFailure(47001)
  return parsed as Record<string, unknown>
}
