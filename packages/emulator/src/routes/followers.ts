import type { Context } from 'hono'
import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatJson } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'

const LANGS = ['zh_CN', 'zh_TW', 'en'] as const
/** `user/info/batchget` takes at most 100 users (§15.3). */
export const BATCHGET_MAX = 100

/**
 * The follower endpoints (§15.3), answered from `follow()`/`unfollow()` and the users the app knows.
 * Successes carry no errcode, as WeChat sends them.
 * - `GET /cgi-bin/user/info?openid&lang`: a follower's record (no nickname or avatar since 2021-12-27);
 *   a known non-follower gets `{subscribe: 0, openid, unionid?}`; an openid the app never saw 40003;
 *   `lang` other than zh_CN/zh_TW/en 40097.
 * - `POST /cgi-bin/user/info/batchget {user_list: [{openid, lang?}]}`: `user_list` not an array of objects
 *   47001, empty or over 100 40032, then each entry as above.
 * - `GET /cgi-bin/user/get?next_openid=`: followers after `next_openid` in follow order, one page of the
 *   configured size; `next_openid` is the page's last openid, and a call past the end answers
 *   `{total, count: 0, next_openid: ""}` without `data`. A `next_openid` that is not a follower 40003.
 */
export function createFollowerRoutes(state: EmulatorState, pageSize: number): Hono {
  const app = new Hono()

  app.all('/cgi-bin/user/info', (c) => {
    const token = requireAccessToken(c, state)
    return wechatJson(c, userInfo(state, token.appId, c.req.query('openid'), c.req.query('lang')))
  })

  app.all('/cgi-bin/user/info/batchget', async (c) => {
    const token = requireAccessToken(c, state)
    const list = (await readJsonBody(c)).user_list
    if (!Array.isArray(list) || !list.every((entry) => entry !== null && typeof entry === 'object')) {
      throw new WechatApiFailure(47001)
    }
    if (list.length === 0 || list.length > BATCHGET_MAX) throw new WechatApiFailure(40032)
    const user_info_list = (list as { openid?: unknown; lang?: unknown }[]).map((entry) =>
      userInfo(state, token.appId, entry.openid, entry.lang),
    )
    return wechatJson(c, { user_info_list })
  })

  app.all('/cgi-bin/user/get', (c: Context) => {
    const token = requireAccessToken(c, state)
    const followers = state.followers.list(token.appId)
    const after = c.req.query('next_openid') ?? ''
    let start = 0
    if (after !== '') {
      const index = followers.findIndex((follower) => follower.openid === after)
      if (index < 0) throw new WechatApiFailure(40003)
      start = index + 1
    }
    const page = followers.slice(start, start + pageSize).map((follower) => follower.openid)
    if (page.length === 0) return wechatJson(c, { total: followers.length, count: 0, next_openid: '' })
    return wechatJson(c, {
      total: followers.length,
      count: page.length,
      data: { openid: page },
      next_openid: page.at(-1),
    })
  })

  return app
}

function userInfo(state: EmulatorState, appId: string, openid: unknown, lang: unknown): object {
  if (lang !== undefined && !(LANGS as readonly unknown[]).includes(lang)) {
    throw new WechatApiFailure(40097, 'invalid args: lang')
  }
  if (typeof openid !== 'string' || openid === '') throw new WechatApiFailure(40003)
  const user = state.users.find(appId, openid)
  if (!user) throw new WechatApiFailure(40003)
  const unionid = user.unionid === undefined ? {} : { unionid: user.unionid }
  const follower = state.followers.find(appId, openid)
  if (!follower) return { subscribe: 0, openid, ...unionid }
  const qrScene = follower.qrScene
  return {
    subscribe: 1,
    openid,
    language: 'zh_CN',
    subscribe_time: Math.floor(follower.followedAt / 1000),
    ...unionid,
    remark: '',
    groupid: 0,
    tagid_list: [],
    subscribe_scene: follower.scene,
    qr_scene: typeof qrScene === 'number' ? qrScene : 0,
    qr_scene_str: typeof qrScene === 'string' ? qrScene : '',
  }
}
