import { encodeQR } from 'qr'
import { encodePng } from './png.js'

/** How a QR code is drawn. */
export interface QrPngOptions {
  /** Side of the square image in pixels. */
  width: number
  /** Colour of the dark modules. @default black */
  dark?: { r: number; g: number; b: number }
  /** A transparent background instead of white. @default false */
  transparent?: boolean
}

/**
 * `text` as a real, decodable QR code PNG: error correction M and a two-module quiet zone, like the codes
 * WeChat serves. Modules are mapped to pixels by proportion, so any width comes out exact.
 */
export function qrPng(text: string, options: QrPngOptions): Buffer {
  const modules = encodeQR(text, 'raw', { ecc: 'medium', border: 2 })
  const count = modules.length
  const { r, g, b } = options.dark ?? { r: 0, g: 0, b: 0 }
  const dark = [r, g, b, 0xff]
  const light = options.transparent ? [0xff, 0xff, 0xff, 0x00] : [0xff, 0xff, 0xff, 0xff]
  const size = options.width
  return encodePng(size, size, 4, (x, y) => {
    const on = modules[Math.floor((y * count) / size)]?.[Math.floor((x * count) / size)] === true
    return on ? dark : light
  })
}
