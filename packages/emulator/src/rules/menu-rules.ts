import { WechatApiFailure, type WechatErrcode } from '../errors.js'

/** Types whose button sends an event with `key` (so `key` is required). */
const KEYED_TYPES = [
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
] as const

/** The button types `menu/create` accepts (§15.4). */
export const MENU_BUTTON_TYPES = [
  ...KEYED_TYPES,
  'view',
  'miniprogram',
  'media_id',
  'article_id',
  'article_view_limited',
] as const

/** One of {@link MENU_BUTTON_TYPES}. */
export type MenuButtonType = (typeof MENU_BUTTON_TYPES)[number]

/** A menu button as stored: WeChat's field names, only the fields its type uses. */
export interface MenuButton {
  name: string
  type?: MenuButtonType
  key?: string
  url?: string
  appid?: string
  pagepath?: string
  media_id?: string
  article_id?: string
  sub_button?: MenuButton[]
}

const KEYED = new Set<string>(KEYED_TYPES)
const TOP_NAME_BYTES = 16
const SUB_NAME_BYTES = 60
const KEY_BYTES = 128
const URL_BYTES = 1024

/** The errcodes of one menu level: top-level buttons, or the buttons in a `sub_button`. */
interface LevelCodes {
  count: WechatErrcode
  type: WechatErrcode
  name: WechatErrcode
  key: WechatErrcode
  url: WechatErrcode
  nameBytes: number
}
const TOP: LevelCodes = {
  count: 40016,
  type: 40017,
  name: 40018,
  key: 40019,
  url: 40020,
  nameBytes: TOP_NAME_BYTES,
}
const SUB: LevelCodes = {
  count: 40023,
  type: 40024,
  name: 40025,
  key: 40026,
  url: 40027,
  nameBytes: SUB_NAME_BYTES,
}

const bytes = (value: string): number => Buffer.byteLength(value, 'utf8')

/**
 * Validate a `menu/create` body like WeChat (§15.4): 1–3 top-level buttons (40016), names 1–16 bytes
 * (40018), types (40017); a `sub_button` list of 1–5 (40023; an empty list means none, as `menu/get`
 * writes it), sub names 1–60 bytes (40025), sub types (40024), no third level (40022); `key` 1–128 bytes
 * for keyed types (40019 / 40026); `url` 1–1024 bytes for `view` and `miniprogram` (40020 / 40027);
 * `appid`/`pagepath` of `miniprogram`, `media_id` and `article_id` present (40097). Lengths are UTF-8 bytes.
 */
export function parseMenu(body: Record<string, unknown>): MenuButton[] {
  const buttons = body.button
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw new WechatApiFailure(40016)
  return buttons.map((raw) => {
    const button = asObject(raw, TOP.type)
    const subs = button.sub_button
    if (Array.isArray(subs) && subs.length > 0) {
      const name = parseName(button.name, TOP)
      if (subs.length > 5) throw new WechatApiFailure(40023)
      const sub_button = subs.map((rawSub) => {
        const sub = asObject(rawSub, SUB.type)
        if (Array.isArray(sub.sub_button) && sub.sub_button.length > 0) throw new WechatApiFailure(40022)
        return parseLeaf(sub, SUB)
      })
      return { name, sub_button }
    }
    if (subs !== undefined && !Array.isArray(subs)) throw new WechatApiFailure(40023)
    return parseLeaf(button, TOP)
  })
}

function asObject(value: unknown, errcode: WechatErrcode): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WechatApiFailure(errcode)
  return value as Record<string, unknown>
}

function parseName(value: unknown, level: LevelCodes): string {
  if (typeof value !== 'string' || value === '' || bytes(value) > level.nameBytes) {
    throw new WechatApiFailure(level.name)
  }
  return value
}

function parseLeaf(button: Record<string, unknown>, level: LevelCodes): MenuButton {
  const name = parseName(button.name, level)
  const type = button.type
  if (typeof type !== 'string' || !(MENU_BUTTON_TYPES as readonly string[]).includes(type)) {
    throw new WechatApiFailure(level.type)
  }
  const leaf: MenuButton = { name, type: type as MenuButtonType }
  if (KEYED.has(type)) leaf.key = sized(button.key, KEY_BYTES, level.key)
  if (type === 'view' || type === 'miniprogram') leaf.url = sized(button.url, URL_BYTES, level.url)
  if (type === 'miniprogram') {
    leaf.appid = required(button.appid, 'appid')
    leaf.pagepath = required(button.pagepath, 'pagepath')
  }
  if (type === 'media_id') leaf.media_id = required(button.media_id, 'media_id')
  if (type === 'article_id' || type === 'article_view_limited') {
    leaf.article_id = required(button.article_id, 'article_id')
  }
  return leaf
}

function sized(value: unknown, max: number, errcode: WechatErrcode): string {
  if (typeof value !== 'string' || value === '' || bytes(value) > max) throw new WechatApiFailure(errcode)
  return value
}

function required(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new WechatApiFailure(40097, `invalid args: ${field}`)
  return value
}
