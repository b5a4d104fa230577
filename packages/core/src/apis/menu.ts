import { defineEndpoint } from '../endpoint.js'
import { WechatValidationError } from '../errors.js'
import { requireObject } from '../validate.js'

/** Button types that send an event with their `key` (so a `key` is required). */
export type MenuKeyedButtonType =
  | 'click'
  | 'scancode_push'
  | 'scancode_waitmsg'
  | 'pic_sysphoto'
  | 'pic_photo_or_album'
  | 'pic_weixin'
  | 'location_select'

/** A button that does something when tapped (a top-level button without `sub_button`, or a sub-button). */
export type MenuLeafButton =
  | { type: MenuKeyedButtonType; name: string; key: string }
  | { type: 'view'; name: string; url: string }
  | { type: 'miniprogram'; name: string; url: string; appid: string; pagepath: string }
  | { type: 'media_id'; name: string; media_id: string }
  | { type: 'article_id' | 'article_view_limited'; name: string; article_id: string }

/** A top-level button that opens a list of 1–5 sub-buttons. */
export interface MenuParentButton {
  name: string
  sub_button: MenuLeafButton[]
}

/** Body of `POST /cgi-bin/menu/create`: 1–3 top-level buttons. */
export interface Menu {
  button: (MenuLeafButton | MenuParentButton)[]
}

/** Result of `GET /cgi-bin/menu/get`: WeChat writes `sub_button: []` on every leaf. */
export interface GetMenuResponse {
  menu: { button: ((MenuLeafButton & { sub_button: [] }) | MenuParentButton)[]; menuid?: number }
  /** Conditional (personalised) menus, when the account has any. */
  conditionalmenu?: unknown[]
}

const KEYED = new Set<string>([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
])
const TYPES = new Set<string>([
  ...KEYED,
  'view',
  'miniprogram',
  'media_id',
  'article_id',
  'article_view_limited',
])
const encoder = new TextEncoder()
const bytes = (value: string): number => encoder.encode(value).length

function sizedString(field: string, value: unknown, maxBytes: number): void {
  if (typeof value !== 'string' || value === '')
    throw new WechatValidationError(field, 'must be a non-empty string')
  if (bytes(value) > maxBytes)
    throw new WechatValidationError(field, `must be at most ${maxBytes} bytes in UTF-8`)
}

function validateLeaf(field: string, button: Record<string, unknown>, nameBytes: number): void {
  sizedString(`${field}.name`, button.name, nameBytes)
  const type = button.type
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new WechatValidationError(`${field}.type`, `must be one of ${[...TYPES].join(', ')}`)
  }
  if (KEYED.has(type)) sizedString(`${field}.key`, button.key, 128)
  if (type === 'view' || type === 'miniprogram') sizedString(`${field}.url`, button.url, 1024)
  if (type === 'miniprogram') {
    sizedString(`${field}.appid`, button.appid, 64)
    sizedString(`${field}.pagepath`, button.pagepath, 1024)
  }
  if (type === 'media_id') sizedString(`${field}.media_id`, button.media_id, 1024)
  if (type === 'article_id' || type === 'article_view_limited')
    sizedString(`${field}.article_id`, button.article_id, 1024)
}

/**
 * Checks a menu as WeChat does, before any request (§15.4): 1–3 top-level buttons, 1–5 sub-buttons each,
 * names ≤ 16 bytes (top level) and ≤ 60 bytes (sub-buttons) in UTF-8 (a Chinese character is 3 bytes),
 * `key` ≤ 128 bytes, `url` ≤ 1024 bytes, a known `type` with the fields it needs, and no third level. An
 * empty `sub_button: []` means none, so what `getMenu()` answers can be sent back unchanged.
 */
export function validateMenu(menu: Menu): Menu {
  requireObject('menu', menu)
  const buttons = menu.button
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
    throw new WechatValidationError('button', 'must be a list of 1 to 3 buttons')
  }
  buttons.forEach((raw, index) => {
    const field = `button[${index}]`
    const button = requireObject(field, raw)
    const subs = button.sub_button
    if (subs !== undefined && !Array.isArray(subs))
      throw new WechatValidationError(`${field}.sub_button`, 'must be a list')
    if (!Array.isArray(subs) || subs.length === 0) {
      validateLeaf(field, button, 16)
      return
    }
    sizedString(`${field}.name`, button.name, 16)
    if (subs.length > 5) throw new WechatValidationError(`${field}.sub_button`, 'must hold at most 5 buttons')
    subs.forEach((rawSub, subIndex) => {
      const subField = `${field}.sub_button[${subIndex}]`
      const sub = requireObject(subField, rawSub)
      if (Array.isArray(sub.sub_button) && sub.sub_button.length > 0) {
        throw new WechatValidationError(`${subField}.sub_button`, 'menus have two levels only')
      }
      validateLeaf(subField, sub, 60)
    })
  })
  return menu
}

/** `POST /cgi-bin/menu/create`: replaces the menu (a repeat sets the same menu again, so it is retried). */
export const createMenu = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/menu/create',
  json: validateMenu,
  read: (): void => {},
})

/** `GET /cgi-bin/menu/get`. */
export const getMenu = defineEndpoint({
  method: 'GET',
  path: '/cgi-bin/menu/get',
  read: ({ errcode, errmsg, ...menu }: GetMenuResponse & { errcode?: number; errmsg?: string }) =>
    menu as GetMenuResponse,
})

/** `GET /cgi-bin/menu/delete`. */
export const deleteMenu = defineEndpoint({
  method: 'GET',
  path: '/cgi-bin/menu/delete',
  read: (): void => {},
})
