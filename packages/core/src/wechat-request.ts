import type { Call } from './call.js'
import type { Query } from './endpoint.js'
import { WechatValidationError } from './errors.js'

/**
 * A call to any WeChat endpoint wxkit does not wrap yet, for {@link Wechat.request} and
 * {@link Wechat.requestBuffer}.
 */
export interface WechatRequest {
  method: 'GET' | 'POST'
  /** The API path, e.g. `/wxa/getwxacode` (letters, digits, `_ - . /`; no query, no `..`). */
  path: string
  /** Query parameters; numbers and booleans are sent as text, undefined values are skipped. */
  query?: Record<string, string | number | boolean | undefined> | undefined
  /** JSON body (POST only). */
  json?: unknown
  /**
   * Put the global access_token in the query (and refresh it once after 40001/40014/42001). `false` for
   * endpoints that take a user-level token or none.
   * @default true
   */
  accessToken?: boolean | undefined
  /**
   * Whether repeating the call is harmless; enables transient-failure retries. Pass `true` for a POST that
   * only reads, never for one that sends or spends.
   * @default true for GET, false for POST
   */
  idempotent?: boolean | undefined
  /** `false` makes exactly one attempt (no token refresh, no transient retry). @default true */
  retryable?: boolean | undefined
  /** Fetch a fresh access_token before the call. */
  reloadAccessToken?: boolean | undefined
  /** Aborts the call, its retry delays and its wait for a shared token fetch. */
  signal?: AbortSignal | undefined
}

const PATH = /^\/[A-Za-z0-9_\-./]*$/

/** Validates a public request before any I/O; every refusal is a {@link WechatValidationError}. */
export function toCall(request: WechatRequest, response: Call['response']): Call {
  if (request === null || typeof request !== 'object')
    throw new WechatValidationError('request', 'must be an object')
  const { method, path } = request
  if (method !== 'GET' && method !== 'POST')
    throw new WechatValidationError('method', "must be 'GET' or 'POST'")
  // Only ever a path under baseURL: no other host, no query smuggled in, no climbing out of it.
  if (typeof path !== 'string' || !PATH.test(path) || path.includes('//') || /\/\.\.?(\/|$)/.test(path))
    throw new WechatValidationError('path', "must be an API path like '/wxa/getwxacode'")
  const accessToken = request.accessToken !== false
  let query: Query | undefined
  if (request.query !== undefined) {
    if (request.query === null || typeof request.query !== 'object' || Array.isArray(request.query))
      throw new WechatValidationError('query', 'must be an object')
    query = {}
    for (const [name, value] of Object.entries(request.query)) {
      if (value === undefined) continue
      if (typeof value === 'number' ? !Number.isFinite(value) : !['string', 'boolean'].includes(typeof value))
        throw new WechatValidationError(`query.${name}`, 'must be a string, a finite number or a boolean')
      query[name] = String(value)
    }
    if (accessToken && 'access_token' in query)
      throw new WechatValidationError(
        'query.access_token',
        'is added by wxkit; pass accessToken: false to send your own',
      )
  }
  if (request.json !== undefined) {
    if (method !== 'POST') throw new WechatValidationError('json', 'is only sent with POST')
    try {
      if (typeof JSON.stringify(request.json) !== 'string') throw new Error('not JSON')
    } catch {
      throw new WechatValidationError('json', 'must be JSON-serialisable')
    }
  }
  return {
    method,
    path,
    query,
    json: request.json,
    accessToken,
    idempotent: request.idempotent ?? method === 'GET',
    response,
  }
}
