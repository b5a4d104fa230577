import { parseCookie, stringifySetCookie } from 'cookie'
import type { Request, Response } from 'express'

/** The value of cookie `name` on the request, if any. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('Cookie')
  if (!header) return undefined
  return parseCookie(header)[name]
}

/**
 * Appends a `Set-Cookie` for `name`: HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over
 * https (`req.secure`, which honours Express's `trust proxy`). `maxAgeMs` 0 deletes the cookie.
 */
export function writeCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  maxAgeMs: number,
): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie({
      name,
      value,
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: Math.floor(maxAgeMs / 1000),
      ...(maxAgeMs === 0 ? { expires: new Date(0) } : {}),
    }),
  )
}
