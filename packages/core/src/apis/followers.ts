import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/** The language of `user/info`'s country, province and city fields. */
export type UserInfoLang = 'zh_CN' | 'zh_TW' | 'en'

/** A follower, as `user/info` answers since 2021-12-27 (no nickname or avatar any more). */
export interface FollowerInfo {
  subscribe: 1
  openid: string
  /** The user's WeChat language, e.g. `zh_CN`. */
  language: string
  /** When they (last) followed, in Unix seconds. */
  subscribe_time: number
  /** Only when the account is bound to an Open Platform account. */
  unionid?: string
  /** The account's own note on the user. */
  remark: string
  groupid: number
  tagid_list: number[]
  /** How they followed, e.g. `ADD_SCENE_QR_CODE`, `ADD_SCENE_SEARCH`. */
  subscribe_scene: string
  /** The numeric scene of the parameter code they followed through (0 if none). */
  qr_scene: number
  /** The string scene of that code (`''` if none). */
  qr_scene_str: string
}

/** A user who does not follow (any more): WeChat answers only the ids. */
export interface NonFollowerInfo {
  subscribe: 0
  openid: string
  unionid?: string
}

/** Result of `getUserInfo`: narrow on `subscribe`. */
export type UserInfo = FollowerInfo | NonFollowerInfo

/** One page of `GET /cgi-bin/user/get`, as WeChat answers it. */
export interface FollowersPage {
  /** All followers of the account. */
  total: number
  /** Openids on this page (up to 10,000). */
  count: number
  /** Absent on the call after the last page. */
  data?: { openid: string[] }
  /** Pass it to the next call; `''` once the list is done. */
  next_openid: string
}

/** An entry of `batchGetUserInfo`: an openid, or an openid with its `lang`. */
export type BatchUserInfoEntry = string | { openid: string; lang?: UserInfoLang }

/** `user/info/batchget` takes at most this many users per call (§15.3); more are split into several calls. */
export const BATCH_USER_INFO_MAX = 100

const LANGS: readonly unknown[] = ['zh_CN', 'zh_TW', 'en']

function validateLang(field: string, lang: unknown): void {
  if (lang !== undefined && !LANGS.includes(lang))
    throw new WechatValidationError(field, "must be 'zh_CN', 'zh_TW' or 'en'")
}

/** `GET /cgi-bin/user/info?openid&lang`. */
export const getUserInfo = defineEndpoint({
  method: 'GET',
  path: '/cgi-bin/user/info',
  query: ({ openid, lang }: { openid: string; lang?: UserInfoLang | undefined }) => {
    requireString('openid', openid, 128)
    validateLang('lang', lang)
    return { openid, lang: lang ?? 'zh_CN' }
  },
  read: (body: Partial<UserInfo>): UserInfo => {
    if (typeof body.openid !== 'string' || (body.subscribe !== 0 && body.subscribe !== 1)) {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/user/info',
        reason: 'no openid/subscribe in the response',
      })
    }
    return body as UserInfo
  },
})

/** Normalises and checks a `batchGetUserInfo` list; returns the `user_list` entries. */
export function batchUserList(
  entries: readonly BatchUserInfoEntry[],
): { openid: string; lang: UserInfoLang }[] {
  if (!Array.isArray(entries)) throw new WechatValidationError('openids', 'must be an array')
  return entries.map((entry, index) => {
    if (typeof entry === 'string') {
      requireString(`openids[${index}]`, entry, 128)
      return { openid: entry, lang: 'zh_CN' as const }
    }
    requireObject(`openids[${index}]`, entry)
    requireString(`openids[${index}].openid`, entry.openid, 128)
    validateLang(`openids[${index}].lang`, entry.lang)
    return { openid: entry.openid, lang: entry.lang ?? 'zh_CN' }
  })
}

/** `POST /cgi-bin/user/info/batchget` for one chunk of at most 100 users (already checked). */
export const batchGetUserInfoChunk = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/user/info/batchget',
  // A read: repeating it is harmless.
  json: (user_list: { openid: string; lang: UserInfoLang }[]) => ({ user_list }),
  read: (body: { user_info_list?: unknown }): UserInfo[] => {
    if (!Array.isArray(body.user_info_list)) {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/user/info/batchget',
        reason: 'no user_info_list in the response',
      })
    }
    return body.user_info_list as UserInfo[]
  },
})

/** `GET /cgi-bin/user/get?next_openid=`: one raw page of followers. */
export const getFollowers = defineEndpoint({
  method: 'GET',
  path: '/cgi-bin/user/get',
  query: (nextOpenid: string | undefined) => {
    if (nextOpenid !== undefined && nextOpenid !== '') requireString('nextOpenid', nextOpenid, 128)
    return { next_openid: nextOpenid || undefined }
  },
  read: (body: Partial<FollowersPage>): FollowersPage => {
    if (typeof body.total !== 'number' || typeof body.count !== 'number') {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/user/get',
        reason: 'no total/count in the response',
      })
    }
    if (body.count > 0 && !Array.isArray(body.data?.openid)) {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/user/get',
        reason: 'no data.openid in the response',
      })
    }
    return {
      ...body,
      next_openid: typeof body.next_openid === 'string' ? body.next_openid : '',
    } as FollowersPage
  },
})

/**
 * Every follower's openid, page by page: `fetchPage(next_openid)` until a page is empty or `next_openid`
 * comes back empty. A cursor that does not move is an unusable answer, not an endless loop.
 */
export async function* iterateFollowers(
  fetchPage: (nextOpenid: string | undefined) => Promise<FollowersPage>,
): AsyncGenerator<string, void, undefined> {
  let next: string | undefined
  for (;;) {
    const page = await fetchPage(next)
    const openids = page.data?.openid ?? []
    yield* openids
    if (page.count === 0 || openids.length === 0 || page.next_openid === '') return
    if (page.next_openid === next) {
      throw new WechatResponseError({ endpoint: '/cgi-bin/user/get', reason: 'next_openid did not advance' })
    }
    next = page.next_openid
  }
}
