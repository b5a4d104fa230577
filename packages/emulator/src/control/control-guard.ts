import type { MiddlewareHandler } from 'hono'

/**
 * Keeps web pages from driving the control API. A page the developer happens to visit could otherwise
 * mint codes, revoke tokens or inject faults with a `fetch` or a plain HTML form, because such "simple"
 * requests reach the server without a CORS preflight. Test code (Node's fetch, curl, `connectEmulator`)
 * sends no `Origin`, so it is not affected.
 *
 * - A browser request from another origin is refused (403): `Origin` differs from the emulator's own, or
 *   `Sec-Fetch-Site` says `cross-site` / `same-site`.
 * - A browser request that claims the emulator's own origin must name it by a loopback or IP-literal host:
 *   a DNS-rebinding page (`http://attacker.example:4000` resolved to 127.0.0.1) also sends a matching
 *   `Origin` and `Host`, and only the host name gives it away.
 * - A body must be `application/json` (415 otherwise): HTML forms can only send form or text types.
 */
export function guardControlCalls(): MiddlewareHandler {
  return async (c, next) => {
    const fetchSite = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    const own = new URL(c.req.url)
    const crossSite = fetchSite === 'cross-site' || fetchSite === 'same-site'
    if (crossSite || (origin !== undefined && (origin !== own.origin || !isLocalHost(own.hostname)))) {
      return c.json({ error: '@wxkit/emulator: control calls from web pages are refused' }, 403)
    }
    if (hasBody(c.req.raw) && !isJson(c.req.header('content-type'))) {
      return c.json(
        { error: '@wxkit/emulator: a control call with a body must send content-type: application/json' },
        415,
      )
    }
    await next()
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length')
  if (length !== null) return Number(length) > 0
  return request.headers.has('transfer-encoding')
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json'
}

/** `localhost`, `*.localhost`, or an IP literal (the names a rebinding attack cannot use). */
function isLocalHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (hostname.startsWith('[')) return true
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname)
}
