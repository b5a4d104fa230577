import { randomBytes } from 'node:crypto'

const URL_SAFE = /[+/=]/g

/**
 * `length` random characters from `[A-Za-z0-9_-]`, the alphabet WeChat's tokens, tickets and codes use, or
 * from `[A-Za-z0-9]` (`alphanumeric`), the one of its link ids (`wxaurl.cn/…`, `?t=…`).
 */
export function randomToken(length: number, alphabet: 'url-safe' | 'alphanumeric' = 'url-safe'): string {
  const swap = (c: string) => (alphabet === 'alphanumeric' ? '' : c === '+' ? '-' : c === '/' ? '_' : '')
  let out = ''
  while (out.length < length) {
    out += randomBytes(length).toString('base64').replace(URL_SAFE, swap)
  }
  return out.slice(0, length)
}

/** A global access_token shaped like WeChat's: a numeric prefix, `_`, then 150 random characters. */
export function newAccessToken(): string {
  return `86_${randomToken(150)}`
}

/** Whether `value` is shaped like an access_token (unknown ones answer 40001, other junk 40014). */
export function looksLikeAccessToken(value: string): boolean {
  return /^\d{2}_[A-Za-z0-9_-]{100,600}$/.test(value)
}
