import type { Context } from 'hono'

/** WeChat's usual JSON content type (§0); clients must parse whatever the header says. */
export const WECHAT_JSON_TYPE = 'application/json; encoding=utf-8'

/** Answer `body` as JSON with HTTP 200, the way WeChat answers both successes and errors. */
export function wechatJson(c: Context, body: unknown, contentType: string = WECHAT_JSON_TYPE): Response {
  return c.body(JSON.stringify(body), 200, { 'Content-Type': contentType })
}

/** Answer a success with `errcode: 0, errmsg: 'ok'` ahead of the data, as every non-token endpoint does. */
export function wechatOk(c: Context, data: Record<string, unknown> = {}): Response {
  return wechatJson(c, { errcode: 0, errmsg: 'ok', ...data })
}
