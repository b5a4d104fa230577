import { WechatApiFailure } from '../errors.js'

/** The body fields of `getwxacodeunlimit` after validation, with WeChat's defaults applied (§6). */
export interface WxaCodeParams {
  scene: string
  page?: string
  checkPath: boolean
  envVersion: 'release' | 'trial' | 'develop'
  width: number
  autoColor: boolean
  lineColor: { r: number; g: number; b: number }
  isHyaline: boolean
}

const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/
/** The Mini Program versions a code or link can open. */
export const ENV_VERSIONS = ['release', 'trial', 'develop'] as const

/**
 * Validate a `getwxacodeunlimit` body like WeChat (§6): `scancode_time` 85096; scene missing, empty or
 * longer than 32 characters 40169, outside the allowed charset 40129; page with a leading `/` or a query
 * 41030; wrong types, `env_version` outside release/trial/develop, `width` outside 280–1280 or a colour
 * channel outside 0–255 40097.
 */
export function parseWxaCodeParams(body: Record<string, unknown>): WxaCodeParams {
  if ('scancode_time' in body) throw new WechatApiFailure(85096)
  const { scene, page } = body
  if (typeof scene !== 'string' || scene === '' || [...scene].length > 32) throw new WechatApiFailure(40169)
  if (!SCENE_CHARS.test(scene)) throw new WechatApiFailure(40129)
  if (page !== undefined && typeof page !== 'string') throw new WechatApiFailure(41030)
  if (typeof page === 'string' && (page.startsWith('/') || page.includes('?') || /\s/.test(page))) {
    throw new WechatApiFailure(41030)
  }
  const checkPath = optionalBoolean(body, 'check_path', true)
  const autoColor = optionalBoolean(body, 'auto_color', false)
  const isHyaline = optionalBoolean(body, 'is_hyaline', false)
  const envVersion = body.env_version ?? 'release'
  if (!(ENV_VERSIONS as readonly unknown[]).includes(envVersion)) {
    throw new WechatApiFailure(40097, 'invalid args: env_version')
  }
  const width = body.width ?? 430
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) {
    throw new WechatApiFailure(40097, 'invalid args: width must be 280-1280')
  }
  return {
    scene,
    ...(page ? { page } : {}),
    checkPath,
    envVersion: envVersion as WxaCodeParams['envVersion'],
    width,
    autoColor,
    lineColor: parseLineColor(body.line_color),
    isHyaline,
  }
}

/** A boolean body field with its default; anything else 40097. */
export function optionalBoolean(body: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = body[key] ?? fallback
  if (typeof value !== 'boolean') throw new WechatApiFailure(40097, `invalid args: ${key}`)
  return value
}

/** `line_color` is `{r, g, b}` with decimal 0–255 channels, as numbers or (like WeChat's own example) strings. */
export function parseLineColor(value: unknown): WxaCodeParams['lineColor'] {
  if (value === undefined) return { r: 0, g: 0, b: 0 }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WechatApiFailure(40097, 'invalid args: line_color')
  }
  const channel = (name: 'r' | 'g' | 'b'): number => {
    const raw = (value as Record<string, unknown>)[name]
    const parsed = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : raw
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 0 || parsed > 255) {
      throw new WechatApiFailure(40097, `invalid args: line_color.${name}`)
    }
    return parsed
  }
  return { r: channel('r'), g: channel('g'), b: channel('b') }
}
