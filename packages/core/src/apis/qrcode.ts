import { defineEndpoint } from '../endpoint.js'
import { validateQrPage, validateQrWidth, validateScene } from '../validate.js'

/** Body of `POST /wxa/getwxacodeunlimit`, with WeChat's field names. */
export interface QrCodeRequest {
  /** 1–32 characters from `0-9 A-Z a-z ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~` (no `%`). */
  scene: string
  /** Page to open, e.g. `pages/index/index`: no leading `/`, no query. Default: the home page. */
  page?: string
  /** Require the page to exist in the released version. WeChat's default: true. */
  check_path?: boolean
  /** Which version to open. Default: the client's `env`. */
  env_version?: 'release' | 'trial' | 'develop'
  /** Width in px, 280–1280. WeChat's default: 430. */
  width?: number
  /** Automatic line colour. */
  auto_color?: boolean
  /** Line colour when `auto_color` is false, decimal 0–255. */
  line_color?: { r: number | string; g: number | string; b: number | string }
  /** Transparent background. */
  is_hyaline?: boolean
}

/**
 * `POST /wxa/getwxacodeunlimit`: the image bytes (JPEG, or PNG with `is_hyaline`). WeChat answers errors as
 * JSON with HTTP 200, so the Content-Type decides; a JSON answer becomes a `WechatError` (and a 40001 there
 * triggers the token refresh like any other call).
 */
export const getQrCode = defineEndpoint({
  method: 'POST',
  path: '/wxa/getwxacodeunlimit',
  response: 'bytes',
  json: (request: QrCodeRequest, { env }): QrCodeRequest => {
    if (request === null || typeof request !== 'object') validateScene(undefined)
    validateScene(request.scene)
    if (request.page !== undefined) validateQrPage(request.page)
    if (request.width !== undefined) validateQrWidth(request.width)
    return { ...request, env_version: request.env_version ?? env }
  },
  read: (bytes: Uint8Array) => bytes,
})
