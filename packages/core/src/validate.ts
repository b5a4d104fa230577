import { WechatValidationError } from './errors.js'

/**
 * Input checks that run before any network call. Each failure is a {@link WechatValidationError}
 * naming the field; the offending value is never echoed (it may be a code or a key).
 */

/** A one-time code (login, phone, OAuth) or another required string argument. */
export function requireString(field: string, value: unknown, maxLength = 1024): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WechatValidationError(field, 'must be a non-empty string')
  }
  if (value.length > maxLength)
    throw new WechatValidationError(field, `must be at most ${maxLength} characters`)
  return value
}

/** A plain object argument (not null, not an array). */
export function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WechatValidationError(field, 'must be an object')
  }
  return value as Record<string, unknown>
}

const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

/** `scene` of getwxacodeunlimit: 1–32 visible characters from WeChat's allowed set (no `%`). */
export function validateScene(scene: unknown): string {
  if (typeof scene !== 'string' || scene.length === 0)
    throw new WechatValidationError('scene', 'must be a non-empty string')
  if (scene.length > 32) throw new WechatValidationError('scene', 'must be at most 32 characters')
  if (!SCENE.test(scene)) {
    throw new WechatValidationError(
      'scene',
      "may only contain 0-9 A-Z a-z and ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~",
    )
  }
  return scene
}

/** `page` of a QR code: no leading `/`, no `?query`. */
export function validateQrPage(page: unknown): string {
  if (typeof page !== 'string' || page === '')
    throw new WechatValidationError('page', 'must be a non-empty string')
  if (page.startsWith('/'))
    throw new WechatValidationError('page', "must not start with '/' (e.g. 'pages/index/index')")
  if (page.includes('?'))
    throw new WechatValidationError('page', 'must not contain a query; put parameters in scene')
  if (/\s/.test(page)) throw new WechatValidationError('page', 'must not contain whitespace')
  return page
}

/** `width` of a QR code: an integer 280..1280. */
export function validateQrWidth(width: unknown): number {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) {
    throw new WechatValidationError('width', 'must be an integer from 280 to 1280')
  }
  return width
}

// Scheme, a host without userinfo, then anything without whitespace or control characters.
const PAGE_URL = /^https?:\/\/[^\s/?#@\\]+(?:[/?#]\S*)?$/i
const CONTROL = /\p{Cc}/u

/** The page URL of a JS-SDK signature: absolute http(s), no whitespace, no credentials. */
export function validatePageUrl(field: string, url: unknown): string {
  if (typeof url !== 'string' || url === '')
    throw new WechatValidationError(field, 'must be a non-empty string')
  if (url.length > 4096) throw new WechatValidationError(field, 'must be at most 4096 characters')
  if (!PAGE_URL.test(url) || CONTROL.test(url) || !URL.canParse(url)) {
    throw new WechatValidationError(
      field,
      'must be an absolute http(s) URL without whitespace or credentials',
    )
  }
  return url
}

/** OAuth `state`: `a-zA-Z0-9`, at most 128 bytes (may be empty). */
export function validateOauthState(state: unknown): string {
  if (typeof state !== 'string' || !/^[a-zA-Z0-9]{0,128}$/.test(state)) {
    throw new WechatValidationError('state', 'must be at most 128 characters from a-z A-Z 0-9')
  }
  return state
}
