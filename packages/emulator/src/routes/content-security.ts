import { Hono } from 'hono'
import { newRid, WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import { verdictDetail } from '../state/content-rules.js'
import type { EmulatorState } from '../state/emulator-state.js'

const SCENES: readonly unknown[] = [1, 2, 3, 4]

/**
 * Content security v2 (§14.3): `POST /wxa/msg_sec_check` answers a verdict decided by `setContentRules()`;
 * `POST /wxa/media_check_async` answers a `trace_id` and pushes `wxa_media_check` to the app's push URL
 * after `miniProgram.mediaCheckDelayMs` on the emulator clock. Both need a user of the app who logged in
 * (`jscode2session`) within 2 hours. The rules and their errcodes are listed in the README.
 */
export function createContentSecurityRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/wxa/msg_sec_check', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    if (body.version !== 2) throw new WechatApiFailure(47001)
    const { openid, scene, content, title, nickname, signature } = body
    if (!SCENES.includes(scene)) throw new WechatApiFailure(40129)
    if (content === undefined || content === '') throw new WechatApiFailure(44002)
    if (typeof content !== 'string' || [...content].length > 2500) throw new WechatApiFailure(47001)
    for (const text of [title, nickname, signature]) {
      if (text !== undefined && typeof text !== 'string') throw new WechatApiFailure(47001)
    }
    recentUser(state, token.appId, openid)
    const texts = [content, title, nickname, scene === 1 ? signature : undefined].filter(
      (text): text is string => typeof text === 'string',
    )
    const verdict = state.contentRules.judge(texts)
    return wechatOk(c, {
      detail: verdictDetail(verdict),
      result: { suggest: verdict.suggest, label: verdict.label },
      trace_id: newRid(state.now()),
    })
  })

  app.all('/wxa/media_check_async', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    if (body.version !== 2) throw new WechatApiFailure(47001)
    const { media_url: url, media_type: type, scene, openid } = body
    if (typeof url !== 'string' || !/^https?:\/\/[^\s/?#]+/i.test(url) || !URL.canParse(url))
      throw new WechatApiFailure(47001)
    if (type !== 1 && type !== 2) throw new WechatApiFailure(47001)
    if (!SCENES.includes(scene)) throw new WechatApiFailure(40129)
    const user = recentUser(state, token.appId, openid)
    const traceId = newRid(state.now())
    state.mediaChecks.schedule({
      appId: token.appId,
      openid: user,
      traceId,
      verdict: state.contentRules.judge([url]),
    })
    return wechatOk(c, { trace_id: traceId })
  })

  return app
}

/**
 * The author of checked content: an openid of another app only 43104 ("appid and openid do not match"),
 * missing, unknown or not logged in within 2 hours 40003.
 */
function recentUser(state: EmulatorState, appId: string, openid: unknown): string {
  if (typeof openid !== 'string' || openid === '') throw new WechatApiFailure(40003)
  if (state.logins.recent(appId, openid, state.now())) return openid
  const elsewhere = state.apps
    .list()
    .some((other) => other.appId !== appId && state.users.find(other.appId, openid) !== undefined)
  if (elsewhere && !state.users.find(appId, openid)) throw new WechatApiFailure(43104)
  throw new WechatApiFailure(40003)
}
