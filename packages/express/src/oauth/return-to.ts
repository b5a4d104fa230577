const MAX_RETURN_TO_LENGTH = 2048
const PROBE_ORIGIN = 'http://wxkit.invalid'
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Returns `candidate` when it is a safe same-origin relative path (`/path?query#hash`), otherwise
 * `undefined`, so a login can never redirect to another site.
 *
 * Rejected: anything not starting with a single `/` (`https://evil.com`, `//evil.com`, `/\evil.com`,
 * `javascript:`), backslashes and control characters anywhere (browsers turn `\` into `/` and drop tabs and
 * newlines), and percent-encoded forms of the same (`/%2F%2Fevil.com`, `%2F%2Fevil.com`, `/%5Cevil.com`),
 * decoded repeatedly. Dot segments are resolved first, so `/..//evil.com` is rejected too.
 */
export function safeReturnTo(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_RETURN_TO_LENGTH) {
    return undefined
  }
  let decoded = candidate
  for (let round = 0; round < 5; round++) {
    if (!isSafeRawPath(decoded)) return undefined
    let next: string
    try {
      next = decodeURIComponent(decoded)
    } catch {
      return undefined
    }
    if (next === decoded) break
    decoded = next
  }
  if (decoded !== decodeOnceOrSelf(decoded)) return undefined
  let url: URL
  try {
    url = new URL(candidate, PROBE_ORIGIN)
  } catch {
    return undefined
  }
  if (url.origin !== PROBE_ORIGIN) return undefined
  const path = `${url.pathname}${url.search}${url.hash}`
  return isSafeRawPath(path) ? path : undefined
}

function isSafeRawPath(path: string): boolean {
  return (
    path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') && !CONTROL_CHARACTERS.test(path)
  )
}

function decodeOnceOrSelf(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return ''
  }
}
