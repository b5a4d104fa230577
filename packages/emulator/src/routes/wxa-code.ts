import { Hono } from 'hono'
import { encodeQR } from 'qr'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { encodePng } from '../rules/png.js'
import { parseWxaCodeParams, type WxaCodeParams } from '../rules/wxacode-params.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `POST /wxa/getwxacodeunlimit?access_token=…` (§6): validates the body like WeChat and answers a real QR
 * code as `image/png` (WeChat draws a round "sun code"; a QR keeps the image decodable in tests). Errors
 * are JSON with HTTP 200. The QR encodes `https://wxkit.invalid/wxacode?appid=…&env_version=…&page=…&scene=…`.
 */
export function createWxaCodeRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/wxa/getwxacodeunlimit', async (c) => {
    const token = requireAccessToken(c, state)
    const params = parseWxaCodeParams(await readJsonBody(c))
    const png = renderWxaCode(token.appId, params)
    return c.body(new Uint8Array(png), 200, {
      'Content-Type': 'image/png',
      'Content-Length': String(png.length),
    })
  })

  return app
}

/** The text a wxacode encodes: where it leads, for a test to read back. */
export function wxaCodeContent(
  appId: string,
  params: Pick<WxaCodeParams, 'envVersion' | 'page' | 'scene'>,
): string {
  const query = new URLSearchParams({ appid: appId, env_version: params.envVersion })
  if (params.page) query.set('page', params.page)
  query.set('scene', params.scene)
  return `https://wxkit.invalid/wxacode?${query}`
}

/**
 * The code as a `width`-pixel square PNG: a QR (error correction M, a two-module quiet zone) in the line
 * colour, on white or, with `is_hyaline`, on transparent. Modules are mapped to pixels by proportion, so
 * any width WeChat accepts comes out exact.
 */
function renderWxaCode(appId: string, params: WxaCodeParams): Buffer {
  const { r, g, b } = params.autoColor ? { r: 0x07, g: 0xc1, b: 0x60 } : params.lineColor
  const modules = encodeQR(wxaCodeContent(appId, params), 'raw', { ecc: 'medium', border: 2 })
  const count = modules.length
  const dark = [r, g, b, 0xff]
  const light = params.isHyaline ? [0xff, 0xff, 0xff, 0x00] : [0xff, 0xff, 0xff, 0xff]
  const size = params.width
  return encodePng(size, size, 4, (x, y) => {
    const on = modules[Math.floor((y * count) / size)]?.[Math.floor((x * count) / size)] === true
    return on ? dark : light
  })
}
