import { Hono } from 'hono'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { qrPng } from '../rules/qr-png.js'
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

/** The code as a `width`-pixel PNG in the line colour, on white or, with `is_hyaline`, on transparent. */
function renderWxaCode(appId: string, params: WxaCodeParams): Buffer {
  return qrPng(wxaCodeContent(appId, params), {
    width: params.width,
    dark: params.autoColor ? { r: 0x07, g: 0xc1, b: 0x60 } : params.lineColor,
    transparent: params.isHyaline,
  })
}
