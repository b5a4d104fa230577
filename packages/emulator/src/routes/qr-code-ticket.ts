import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatJson } from '../http/wechat-json.js'
import { qrPng } from '../rules/qr-png.js'
import type { EmulatorState } from '../state/emulator-state.js'
import type { QrCodeActionName } from '../state/qr-code-tickets.js'

/** Temporary codes live at most 30 days; without `expire_seconds`, 60 seconds (§15.2). */
export const QR_MAX_EXPIRE_SECONDS = 2_592_000
const QR_DEFAULT_EXPIRE_SECONDS = 60
const ACTIONS: readonly QrCodeActionName[] = [
  'QR_SCENE',
  'QR_STR_SCENE',
  'QR_LIMIT_SCENE',
  'QR_LIMIT_STR_SCENE',
]

/**
 * Parameter QR codes (§15.2).
 * - `POST /cgi-bin/qrcode/create`: `action_name` not one of the four 40052; `action_info.scene` missing, a
 *   `scene_id` outside 1–4294967295 (temporary) or 1–100000 (permanent), or a `scene_str` not 1–64
 *   characters 40053; `expire_seconds` of a temporary code not an integer 1–2592000 40097. Answers
 *   `{ticket, expire_seconds, url}` (permanent: `{ticket, url}`) without errcode, as WeChat does.
 * - `GET /cgi-bin/showqrcode?ticket=` (WeChat serves it on mp.weixin.qq.com, without a token): a real,
 *   decodable PNG QR code of the ticket's `url`; an unknown or expired ticket answers HTTP 404.
 */
export function createQrCodeTicketRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/qrcode/create', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const actionName = body.action_name
    if (!(ACTIONS as readonly unknown[]).includes(actionName)) throw new WechatApiFailure(40052)
    const action = actionName as QrCodeActionName
    const permanent = action.startsWith('QR_LIMIT_')
    const scene = parseScene(body.action_info, action)
    const now = state.now()
    let expiresAt: number | undefined
    if (!permanent) {
      const seconds = body.expire_seconds ?? QR_DEFAULT_EXPIRE_SECONDS
      if (
        typeof seconds !== 'number' ||
        !Number.isInteger(seconds) ||
        seconds < 1 ||
        seconds > QR_MAX_EXPIRE_SECONDS
      ) {
        throw new WechatApiFailure(40097, 'invalid args: expire_seconds')
      }
      expiresAt = now + seconds * 1000
    }
    const record = state.qrCodeTickets.create(
      { appId: token.appId, actionName: action, scene, ...(expiresAt === undefined ? {} : { expiresAt }) },
      now,
    )
    return wechatJson(c, {
      ticket: record.ticket,
      ...(record.expiresAt === undefined
        ? {}
        : { expire_seconds: Math.round((record.expiresAt - now) / 1000) }),
      url: record.url,
    })
  })

  app.get('/cgi-bin/showqrcode', async (c) => {
    const record = state.qrCodeTickets.find(c.req.query('ticket') ?? '', state.now())
    if (typeof record === 'string') return c.text('404 Not Found', 404)
    const png = qrPng(record.url, { width: 430 })
    return c.body(new Uint8Array(png), 200, {
      'Content-Type': 'image/png',
      'Content-Length': String(png.length),
      'Cache-Control': 'no-store',
    })
  })

  return app
}

function parseScene(actionInfo: unknown, action: QrCodeActionName): number | string {
  const scene = (actionInfo as { scene?: unknown } | null | undefined)?.scene
  if (scene === null || typeof scene !== 'object') throw new WechatApiFailure(40053)
  const { scene_id: id, scene_str: str } = scene as { scene_id?: unknown; scene_str?: unknown }
  if (action === 'QR_STR_SCENE' || action === 'QR_LIMIT_STR_SCENE') {
    if (typeof str !== 'string' || str === '' || [...str].length > 64) throw new WechatApiFailure(40053)
    return str
  }
  const max = action === 'QR_LIMIT_SCENE' ? 100_000 : 0xffff_ffff
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > max) throw new WechatApiFailure(40053)
  return id
}
