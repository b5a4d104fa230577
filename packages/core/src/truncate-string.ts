/**
 * Truncates `s` to at most `maxChars` Unicode code points — an emoji or any astral character counts as
 * one and is never split into a lone surrogate. Returns `''` when `maxChars <= 0`. Use it for
 * subscribe-message values WeChat limits by length (`thing` ≤ 20, `name` ≤ 10…).
 *
 * @example
 * ```ts
 * truncateString('快递已送达🎉请查收', 6) // '快递已送达🎉'
 * ```
 */
export function truncateString(s: string, maxChars: number): string {
  if (!(maxChars > 0)) return ''
  const limit = Math.floor(maxChars)
  // Fast path: even if every UTF-16 unit were a code point the string fits.
  if (s.length <= limit) return s
  let count = 0
  let index = 0
  while (index < s.length) {
    if (count === limit) return s.slice(0, index)
    const code = s.charCodeAt(index)
    const next = s.charCodeAt(index + 1)
    index += code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1
    count++
  }
  return s
}
