import { type Context, Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { qrPng } from '../rules/qr-png.js'
import { ENV_VERSIONS, optionalBoolean, parseLineColor } from '../rules/wxacode-params.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * The limited codes (§14.2): `POST /wxa/getwxacode` (a round code in WeChat, a QR here) and `POST
 * /cgi-bin/wxaapp/createwxaqrcode` (a square QR code). Both answer a real, decodable PNG of
 * `https://wxkit.invalid/<wxacode|wxaqrcode>?appid=…&env_version=…&path=…`, or JSON with HTTP 200 on error,
 * and both count towards the app's lifetime limit (45029 once reached, checked last).
 */
export function createLimitedWxaCodeRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/wxa/getwxacode', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const path = codePath(body.path, (value) => [...value].length <= 1024)
    const width = codeWidth(body.width)
    const autoColor = optionalBoolean(body, 'auto_color', false)
    const isHyaline = optionalBoolean(body, 'is_hyaline', false)
    const lineColor = parseLineColor(body.line_color)
    const envVersion = body.env_version ?? 'release'
    if (!(ENV_VERSIONS as readonly unknown[]).includes(envVersion)) {
      throw new WechatApiFailure(40097, 'invalid args: env_version')
    }
    spend(state, token.appId)
    const text = codeContent('wxacode', token.appId, String(envVersion), path)
    return png(
      c,
      qrPng(text, {
        width,
        dark: autoColor ? { r: 0x07, g: 0xc1, b: 0x60 } : lineColor,
        transparent: isHyaline,
      }),
    )
  })

  app.all('/cgi-bin/wxaapp/createwxaqrcode', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    const path = codePath(body.path, (value) => Buffer.byteLength(value, 'utf8') <= 128)
    const width = codeWidth(body.width)
    spend(state, token.appId)
    return png(c, qrPng(codeContent('wxaqrcode', token.appId, 'release', path), { width }))
  })

  return app
}

/** The text a limited code encodes: where it leads, for a test to read back. */
export function codeContent(
  kind: 'wxacode' | 'wxaqrcode',
  appId: string,
  envVersion: string,
  path: string,
): string {
  const query = new URLSearchParams({ appid: appId, env_version: envVersion, path })
  return `https://wxkit.invalid/${kind}?${query}`
}

/** `path`: a non-empty string without whitespace within the endpoint's length; 40159 otherwise. */
function codePath(path: unknown, fits: (path: string) => boolean): string {
  if (typeof path !== 'string' || path === '' || /\s/.test(path) || !fits(path))
    throw new WechatApiFailure(40159)
  return path
}

function codeWidth(value: unknown): number {
  const width = value ?? 430
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) {
    throw new WechatApiFailure(40097, 'invalid args: width must be 280-1280')
  }
  return width
}

function spend(state: EmulatorState, appId: string): void {
  if (!state.limitedCodes.take(appId)) throw new WechatApiFailure(45029)
}

function png(c: Context, image: Buffer): Response {
  return c.body(new Uint8Array(image), 200, {
    'Content-Type': 'image/png',
    'Content-Length': String(image.length),
  })
}
