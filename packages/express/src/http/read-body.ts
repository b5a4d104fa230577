import type { Request } from 'express'
import { WechatRouteError } from '../errors.js'

/** The 413 answer for a body over `limit` bytes. */
export function payloadTooLarge(limit: number): WechatRouteError {
  return new WechatRouteError('payload_too_large', `The body must be at most ${limit} bytes`)
}

/**
 * Throws `413 payload_too_large` when `Content-Length` announces more than `limit` bytes, before anything
 * is read (the rest of the body is discarded).
 */
export function refuseAnnouncedOversize(req: Request, limit: number): void {
  const announced = Number(req.get('Content-Length'))
  if (Number.isFinite(announced) && announced > limit) {
    if (!req.readableEnded) req.resume()
    throw payloadTooLarge(limit)
  }
}

/**
 * Reads the request body as raw bytes, at most `limit` of them (announced by `Content-Length` or
 * streamed), within `timeoutMs`: a larger body gets `413 payload_too_large` without being read further,
 * and one that trickles (or never ends) gets `408 request_timeout` instead of holding the route open.
 */
export async function readRawBody(req: Request, limit: number, timeoutMs: number): Promise<Buffer> {
  refuseAnnouncedOversize(req, limit)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const timer = setTimeout(
      () => finish(new WechatRouteError('request_timeout', 'The request body did not arrive in time')),
      timeoutMs,
    )
    const finish = (error: WechatRouteError | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onError)
      if (error) {
        req.resume()
        reject(error)
      } else {
        resolve(Buffer.concat(chunks, size))
      }
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        finish(payloadTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => finish(undefined)
    const onError = () => finish(new WechatRouteError('invalid_request', 'The body could not be read'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onError)
  })
}
