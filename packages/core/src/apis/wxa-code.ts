import type { WechatEnv } from '../config.js'
import { defineEndpoint } from '../endpoint.js'
import { WechatValidationError } from '../errors.js'
import { requireObject, requireString, validateQrWidth } from '../validate.js'

/** Body of `POST /wxa/getwxacode` (a limited Mini Program code), with WeChat's field names. */
export interface WxaCodeRequest {
  /** The page **with** its query, e.g. `pages/item/item?id=42` (≤ 1024 characters). */
  path: string
  /** Width in px, 280–1280. WeChat's default: 430. */
  width?: number
  /** Automatic line colour. */
  auto_color?: boolean
  /** Line colour when `auto_color` is false, decimal 0–255. */
  line_color?: { r: number | string; g: number | string; b: number | string }
  /** Transparent background. */
  is_hyaline?: boolean
  /** Which version opens. Default: the client's `env`. */
  env_version?: WechatEnv
}

/** Body of `POST /cgi-bin/wxaapp/createwxaqrcode` (a limited square QR code). */
export interface WxaQrCodeRequest {
  /** The page with its query, at most 128 **bytes** (UTF-8). */
  path: string
  /** Width in px, 280–1280. WeChat's default: 430. */
  width?: number
}

const ENV_VERSIONS: readonly string[] = ['release', 'trial', 'develop']

function codePath(path: unknown, check: (path: string) => void): void {
  requireString('path', path, Number.POSITIVE_INFINITY)
  if (/\s/.test(path as string)) throw new WechatValidationError('path', 'must not contain whitespace')
  check(path as string)
}

/** Checks a getwxacode body and fills `env_version` from the client's `env`. */
function wxaCodeBody(request: WxaCodeRequest, { env }: { env: WechatEnv }): WxaCodeRequest {
  requireObject('request', request)
  codePath(request.path, (path) => {
    if (path.length > 1024) throw new WechatValidationError('path', 'must be at most 1024 characters')
  })
  if (request.width !== undefined) validateQrWidth(request.width)
  if (request.env_version !== undefined && !ENV_VERSIONS.includes(request.env_version))
    throw new WechatValidationError('env_version', "must be 'release', 'trial' or 'develop'")
  return { ...request, env_version: request.env_version ?? env }
}

function wxaQrCodeBody(request: WxaQrCodeRequest): WxaQrCodeRequest {
  requireObject('request', request)
  codePath(request.path, (path) => {
    if (new TextEncoder().encode(path).length > 128)
      throw new WechatValidationError('path', 'must be at most 128 bytes (UTF-8)')
  })
  if (request.width !== undefined) validateQrWidth(request.width)
  return request
}

/**
 * `POST /wxa/getwxacode`: the image bytes, or a `WechatError` for WeChat's JSON answer (like `getQrCode`).
 * Not idempotent: every code counts towards the app's 100,000 limited codes for good (45029), so a
 * transport failure after the request left is not retried.
 */
export const getWxaCode = defineEndpoint({
  method: 'POST',
  path: '/wxa/getwxacode',
  response: 'bytes',
  idempotent: false,
  json: wxaCodeBody,
  read: (bytes: Uint8Array) => bytes,
})

/** `POST /cgi-bin/wxaapp/createwxaqrcode`: a square QR code, bytes or a `WechatError`; not retried, like getwxacode. */
export const createWxaQrCode = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/wxaapp/createwxaqrcode',
  response: 'bytes',
  idempotent: false,
  json: wxaQrCodeBody,
  read: (bytes: Uint8Array) => bytes,
})
