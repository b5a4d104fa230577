import type { QrCodeRequest } from '@wxkit/core'
import type { NextFunction, Request, Response } from 'express'
import '@wxkit/express'

/** WeChat's rule for `scene` in `wxa/getwxacodeunlimit`: at most 32 characters from this set (no `%`). */
const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/
const DEFAULT_WIDTH = 430

/**
 * `GET /demo/qrcode?scene=…[&width=280..1280]`: a Mini Program code for `scene`, made by
 * `req.wechat.getQrCode` with `check_path: false` (the demo has no released Mini Program pages), answered
 * as the image WeChat returned. Bad input answers `400 invalid_request`; what `getQrCode` throws goes to
 * `wechatErrorHandler()`, which answers it like the middleware's routes (45009 → 429 `rate_limited`, …).
 */
export async function qrCodeRoute(req: Request, res: Response, next: NextFunction): Promise<void> {
  res.set('Cache-Control', 'no-store')
  const scene = req.query.scene
  if (typeof scene !== 'string' || !SCENE_PATTERN.test(scene)) {
    sendError(
      res,
      400,
      'invalid_request',
      "scene must be 1 to 32 characters from 0-9 A-Z a-z !#$&'()*+,/:;=?@-._~",
    )
    return
  }
  const width = readWidth(req.query.width)
  if (width === undefined) {
    sendError(res, 400, 'invalid_request', 'width must be a whole number from 280 to 1280')
    return
  }

  const request: QrCodeRequest = { scene, check_path: false, width }
  let image: Uint8Array
  try {
    image = await req.wechat.getQrCode(request)
  } catch (error) {
    next(error)
    return
  }
  res.type(isPng(image) ? 'image/png' : 'image/jpeg').send(Buffer.from(image))
}

function readWidth(value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_WIDTH
  if (typeof value !== 'string' || !/^\d{3,4}$/.test(value)) return undefined
  const width = Number(value)
  return width >= 280 && width <= 1280 ? width : undefined
}

function isPng(image: Uint8Array): boolean {
  return image[0] === 0x89 && image[1] === 0x50 && image[2] === 0x4e && image[3] === 0x47
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } })
}
