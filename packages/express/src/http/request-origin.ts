import type { Request } from 'express'

type TrustFunction = (address: string | undefined, hop: number) => boolean

/**
 * The origin (`https://host:port`) the browser used for this request, honouring Express's `trust proxy`
 * setting for `X-Forwarded-Proto` (through `req.protocol`) and `X-Forwarded-Host`, the same way on
 * Express 4 and 5.
 *
 * Returns `undefined` when the request has no usable Host.
 */
export function requestOrigin(req: Request): string | undefined {
  const host = requestHost(req)
  if (!host) return undefined
  try {
    const url = new URL(`${req.protocol}://${host}`)
    if (url.pathname !== '/' || url.username || url.password || url.search || url.hash) return undefined
    return url.origin
  } catch {
    return undefined
  }
}

function requestHost(req: Request): string | undefined {
  const trust = req.app.get('trust proxy fn') as TrustFunction | undefined
  let host = req.get('X-Forwarded-Host')
  if (!host || !trust?.(req.socket.remoteAddress, 0)) {
    host = req.get('Host')
  } else {
    host = host.split(',')[0]?.trim()
  }
  return host || undefined
}
