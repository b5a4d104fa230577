import { stringifySetCookie } from 'cookie'
import type { Request, Response } from 'express'

/** How the middleware names and scopes its cookies (from the resolved session options). */
export interface CookieSettings {
  cookieName: string
  secureCookieName: string
  domain: string | undefined
}

/**
 * The session cookie's name for this request: `__Host-wxkit.sid` on https by default (a sibling
 * subdomain cannot set a `__Host-` cookie), the plain name on http or with a `domain`.
 */
export function sessionCookieName(req: Request, settings: CookieSettings): string {
  return req.secure ? settings.secureCookieName : settings.cookieName
}

/**
 * The value of cookie `name` on the request. A request that carries the name twice gets `undefined`:
 * browsers send every matching cookie and the order is not the server's to trust (a sibling subdomain can
 * plant a second one), so which one is meant is unknowable.
 */
export function readCookie(req: Request, name: string): string | undefined {
  let { seen, value } = scanCookies(req, name)
  if (seen !== 1 || value === undefined) return undefined
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

/** True when the request carries cookie `name` at least once. */
export function carriesCookie(req: Request, name: string): boolean {
  return scanCookies(req, name).seen > 0
}

function scanCookies(req: Request, name: string): { seen: number; value: string | undefined } {
  const header = req.headers.cookie
  let value: string | undefined
  let seen = 0
  if (!header) return { seen, value }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue
    seen++
    value = part.slice(eq + 1).trim()
  }
  return { seen, value }
}

/**
 * Appends a `Set-Cookie` for `name`: HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over
 * https (`req.secure`, which honours Express's `trust proxy`) or the name demands it (`__Host-`). `maxAgeMs`
 * 0 deletes the cookie.
 */
export function writeCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  maxAgeMs: number,
  domain?: string,
): void {
  const hostOnly = name.startsWith('__Host-')
  res.append(
    'Set-Cookie',
    stringifySetCookie({
      name,
      value,
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure || hostOnly,
      maxAge: Math.floor(maxAgeMs / 1000),
      domain: hostOnly ? undefined : domain,
      ...(maxAgeMs === 0 ? { expires: new Date(0) } : {}),
    }),
  )
}
