import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'
import type { LinkEnvVersion, LinkKind, LinkRecord, LinkRefusal } from '../state/links.js'

const DAY_MS = 86_400_000
const MAX_DAYS = 30
const LINK_QUERY = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/
const ENV_VERSIONS: readonly unknown[] = ['release', 'trial', 'develop']

/**
 * URL Link, URL Scheme and Short Link (§14.1): `generate_urllink`, `generatescheme`, `query_urllink`,
 * `queryscheme` and `genwxashortlink`. Links are stored; `openLink()` plays a user opening one. The rules
 * and their errcodes are listed in the README.
 */
export function createLinkRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/wxa/generate_urllink', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const now = state.now()
    const path = linkPath(body.path)
    const query = linkQuery(body.query)
    const envVersion = linkEnv(body.env_version)
    const cloudBase = parseCloudBase(body.cloud_base)
    const expiresAt = linkExpiry(body, now)
    const record = generated(
      state.links.generate(
        {
          kind: 'url_link',
          appId: token.appId,
          path,
          query,
          envVersion,
          expiresAt,
          ...(cloudBase ? { cloudBase } : {}),
        },
        now,
      ),
    )
    return wechatOk(c, { url_link: record.address })
  })

  app.all('/wxa/generatescheme', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const now = state.now()
    // env_version belongs inside jump_wxa (§14.1): WeChat answers a top-level one 47001.
    if ('env_version' in body) throw new WechatApiFailure(47001)
    const jump = body.jump_wxa ?? {}
    if (jump === null || typeof jump !== 'object' || Array.isArray(jump)) throw new WechatApiFailure(47001)
    const { path, query, env_version } = jump as Record<string, unknown>
    const fields = { path: linkPath(path), query: linkQuery(query), envVersion: linkEnv(env_version) }
    const expiresAt = linkExpiry(body, now)
    const record = generated(
      state.links.generate({ kind: 'scheme', appId: token.appId, ...fields, expiresAt }, now),
    )
    return wechatOk(c, { openlink: record.address })
  })

  // The two query endpoints differ only in the field that names the link and the one that answers it.
  for (const [path, field, answer] of [
    ['/wxa/query_urllink', 'url_link', 'url_link_info'],
    ['/wxa/queryscheme', 'scheme', 'scheme_info'],
  ] as const) {
    app.all(path, async (c) => {
      const token = requireAccessToken(c, state)
      const record = queried(state, token.appId, (await readJsonBody(c))[field], field)
      return wechatOk(c, {
        [answer]: linkInfo(record),
        visit_openid: '',
        quota_info: { remain_visit_quota: state.links.remainingVisits(token.appId, state.now()) },
      })
    })
  }

  app.all('/wxa/genwxashortlink', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const now = state.now()
    const { page_url: pageUrl, page_title: pageTitle, is_permanent: permanent = false } = body
    if (typeof pageUrl !== 'string' || pageUrl === '' || pageUrl.length > 1024 || /\s/.test(pageUrl))
      throw new WechatApiFailure(40165)
    if (pageTitle !== undefined && typeof pageTitle !== 'string') throw new WechatApiFailure(47001)
    if (typeof permanent !== 'boolean') throw new WechatApiFailure(47001)
    const [path = '', query = ''] = splitOnce(pageUrl, '?')
    const record = generated(
      state.links.generate(
        {
          kind: 'short_link',
          appId: token.appId,
          path,
          query,
          envVersion: 'release',
          ...(permanent ? {} : { expiresAt: now + MAX_DAYS * DAY_MS }),
          ...(pageTitle ? { pageTitle } : {}),
        },
        now,
      ),
    )
    return wechatOk(c, { link: record.address })
  })

  return app
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}

/** A page without a query string, ≤ 1024 characters: 40165 otherwise. `''` is the home page. */
function linkPath(path: unknown): string {
  if (path === undefined) return ''
  if (typeof path !== 'string' || path.length > 1024 || path.includes('?') || /\s/.test(path))
    throw new WechatApiFailure(40165)
  return path
}

/** ≤ 1024 characters of WeChat's set, every `%` an `%XX` escape: 40212 otherwise. */
function linkQuery(query: unknown): string {
  if (query === undefined) return ''
  if (
    typeof query !== 'string' ||
    query.length > 1024 ||
    !LINK_QUERY.test(query) ||
    /%(?![0-9A-Fa-f]{2})/.test(query)
  ) {
    throw new WechatApiFailure(40212)
  }
  return query
}

function linkEnv(value: unknown): LinkEnvVersion {
  if (value === undefined) return 'release'
  if (!ENV_VERSIONS.includes(value)) throw new WechatApiFailure(40097, 'invalid args: env_version')
  return value as LinkEnvVersion
}

function parseCloudBase(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WechatApiFailure(47001)
  const base = value as Record<string, unknown>
  if (typeof base.env !== 'string' || base.env === '') throw new WechatApiFailure(47001)
  for (const key of ['domain', 'path', 'query', 'resource_appid']) {
    if (base[key] !== undefined && typeof base[key] !== 'string') throw new WechatApiFailure(47001)
  }
  return { ...base }
}

/**
 * When the link expires (ms): `expire_type` 0 (default) at `expire_time` (Unix seconds, in the future and
 * at most 30 days ahead: 85401 otherwise, which is what a millisecond value meets) or 1 after
 * `expire_interval` days (1–30: 85402 otherwise). Neither given: 30 days.
 */
function linkExpiry(body: Record<string, unknown>, now: number): number {
  const { is_expire: isExpire, expire_type: type = 0, expire_time: time, expire_interval: interval } = body
  if (isExpire !== undefined && typeof isExpire !== 'boolean') throw new WechatApiFailure(47001)
  if (type !== 0 && type !== 1) throw new WechatApiFailure(40097, 'invalid args: expire_type')
  if (type === 1) {
    if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1 || interval > MAX_DAYS)
      throw new WechatApiFailure(85402)
    return now + interval * DAY_MS
  }
  if (time === undefined) return now + MAX_DAYS * DAY_MS
  if (
    typeof time !== 'number' ||
    !Number.isInteger(time) ||
    time * 1000 <= now ||
    time * 1000 > now + MAX_DAYS * DAY_MS
  )
    throw new WechatApiFailure(85401)
  return time * 1000
}

/** A generated link, or the quota error that refused it. */
function generated(result: LinkRecord | LinkRefusal): LinkRecord {
  if (result === 'daily-quota') throw new WechatApiFailure(45009)
  if (result === 'long-term-quota') throw new WechatApiFailure(85400)
  if (typeof result === 'string') throw new WechatApiFailure(-1)
  return result
}

/** The token's own link of `kind` at `address`: 40097 for a malformed argument, 85403 when there is none. */
function queried(state: EmulatorState, appId: string, address: unknown, kind: LinkKind): LinkRecord {
  if (typeof address !== 'string' || address === '') throw new WechatApiFailure(40097)
  const record = state.links.find(address, kind)
  if (!record || record.appId !== appId) throw new WechatApiFailure(85403)
  return record
}

function linkInfo(record: LinkRecord): Record<string, unknown> {
  return {
    appid: record.appId,
    path: record.path,
    query: record.query,
    create_time: Math.floor(record.createdAt / 1000),
    expire_time: record.expiresAt === undefined ? 0 : Math.floor(record.expiresAt / 1000),
    env_version: record.envVersion,
    ...(record.cloudBase ? { cloud_base: record.cloudBase } : {}),
  }
}
