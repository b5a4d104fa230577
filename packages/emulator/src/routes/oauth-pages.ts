import { html } from 'hono/html'

/** What the consent page shows and posts back. */
export interface ConsentRequest {
  appId: string
  redirectUri: string
  scope: string
  state: string
  nickname: string
}

const STYLE = `body{font-family:-apple-system,system-ui,sans-serif;background:#ededed;margin:0;padding:48px 16px;
color:#191919}main{max-width:420px;margin:auto;background:#fff;border-radius:12px;padding:28px;text-align:center}
h1{font-size:18px;margin:0 0 12px}p{color:#666;font-size:14px;line-height:1.5}button{display:block;width:100%;
font-size:17px;padding:12px;margin-top:12px;border-radius:8px;border:0;cursor:pointer}#allow{background:#07c160;
color:#fff}#deny{background:#f2f2f2;color:#07c160}code{font-size:12px;word-break:break-all}`

/**
 * The snsapi_userinfo consent page: a real form whose Allow and Deny buttons post to
 * `/connect/oauth2/authorize/confirm`, which redirects to `redirect_uri?code=…&state=…` or `?state=…`.
 */
export function consentPage(request: ConsentRequest) {
  return html`<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微信授权 · wxkit emulator</title><style>${STYLE}</style></head>
<body><main>
<h1>网页授权 · Authorize</h1>
<p>应用 <code>${request.appId}</code> 申请获得你的昵称、头像 (<code>${request.scope}</code>)。<br>
The app requests your public profile as <strong>${request.nickname}</strong>.</p>
<form method="post" action="/connect/oauth2/authorize/confirm">
<input type="hidden" name="appid" value="${request.appId}">
<input type="hidden" name="redirect_uri" value="${request.redirectUri}">
<input type="hidden" name="scope" value="${request.scope}">
<input type="hidden" name="state" value="${request.state}">
<button id="allow" type="submit" name="action" value="allow">允许 Allow</button>
<button id="deny" type="submit" name="action" value="deny">拒绝 Deny</button>
</form>
</main></body></html>`
}

/** The error page WeChat shows on the authorize step (HTTP 200, errcode in the text, §8.1). */
export function authorizeErrorPage(errcode: number, message: string) {
  return html`<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>授权错误 · wxkit emulator</title><style>${STYLE}</style></head>
<body><main><h1>授权失败</h1><p id="errcode" data-errcode="${errcode}">errcode ${errcode}: ${message}</p></main></body></html>`
}
