import jsqrModule from 'jsqr'
import { PNG } from 'pngjs'

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
// jsqr is CommonJS with `exports.default`; depending on the loader's interop the function sits one level down.
const jsQR: JsQr =
  typeof jsqrModule === 'function'
    ? (jsqrModule as JsQr)
    : (jsqrModule as unknown as { default: JsQr }).default

/** Decode a PNG QR code: the image and the text it encodes (undefined when it holds no readable code). */
export function decodeQr(png: Buffer): { image: PNG; text: string | undefined } {
  const image = PNG.sync.read(png)
  const qr = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)
  return { image, text: qr?.data }
}
