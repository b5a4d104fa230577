import type { Request, Response } from 'express'
import { toRouteError } from '../error-mapping.js'

/**
 * Sends `body` as JSON with `Cache-Control: no-store` (every route answer is per user and per moment).
 * Written with Node's own `writeHead`/`end`: these answers need none of `res.send`'s content negotiation,
 * ETag or freshness work, which would cost more than signing the JS-SDK config itself. Headers other
 * middleware set earlier are kept, and Node drops the body of a HEAD answer by itself.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  })
  res.end(json)
}

/** Sends a 302 that no cache keeps. */
export function sendRedirect(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store')
  res.status(302).setHeader('Location', location)
  res.end()
}

/**
 * Answers `error` as `{ error: { code, message } }` with its stable status; 5xx errors are also handed to
 * `onError` for logging. Never a stack trace, never a secret.
 */
export function sendError(
  req: Request,
  res: Response,
  error: unknown,
  onError: ((error: unknown, req: Request) => void) | undefined,
): void {
  const routeError = toRouteError(error)
  if (routeError.status >= 500 && onError) {
    try {
      onError(error, req)
    } catch {
      // A failing logger must not turn a clean error response into a crash.
    }
  }
  if (res.headersSent) {
    res.end()
    return
  }
  // The rest of an oversized or stalled body is not worth reading: close the connection after answering.
  if (routeError.code === 'payload_too_large' || routeError.code === 'request_timeout') {
    res.setHeader('Connection', 'close')
  }
  sendJson(res, routeError.status, routeError.toJSON())
}
