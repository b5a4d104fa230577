/** A push request as any framework can hand it over. */
export interface WechatPushRequest {
  /** `GET` (URL verification) or `POST` (a message). */
  method: string
  /** The query string's parameters (`signature`, `timestamp`, `nonce`, `echostr`, `encrypt_type`, `msg_signature`, `openid`). */
  query: URLSearchParams | Record<string, string | string[] | undefined>
  /** The request headers (only read for diagnostics; the body decides XML or JSON). */
  headers?: Record<string, string | string[] | undefined>
  /** The raw body, exactly as received. */
  body?: string | Uint8Array | undefined
}

/** What to answer WeChat. */
export interface WechatPushResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The first value of query parameter `name`, or undefined. */
export function queryParam(query: WechatPushRequest['query'], name: string): string | undefined {
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined
  const value = query?.[name]
  return Array.isArray(value) ? value[0] : value
}

const TEXT = 'text/plain; charset=utf-8'

/** A plain-text answer. */
export function textResponse(
  status: number,
  body: string,
  extra: Record<string, string> = {},
): WechatPushResponse {
  return { status, headers: { 'content-type': TEXT, ...extra }, body }
}
