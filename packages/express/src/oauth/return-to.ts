const MAX_RETURN_TO_LENGTH = 2048
const MAX_DECODE_ROUNDS = 5
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
 * decoded repeatedly (at most five layers deep, each layer checked). Dot segments are resolved first, so
 * `/..//evil.com` is rejected too.
 */
export function safeReturnTo(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate.length > MAX_RETURN_TO_LENGTH) return undefined
  // Every form on the way is checked, the fully decoded one too; deeper than MAX_DECODE_ROUNDS is refused.
  let decoded = candidate
  for (let round = 0; ; round++) {
    if (!isSafeRawPath(decoded)) return undefined
    const next = decodeOnce(decoded)
    if (next === decoded) break
    if (next === undefined || round === MAX_DECODE_ROUNDS) return undefined
    decoded = next
  }
  // A path-absolute reference (one `/`, no `\`, checked above) parses against any base and never leaves its
  // origin; resolving it only normalises dot segments and encoding, which the check below sees.
  const url = new URL(candidate, PROBE_ORIGIN)
  const path = `${url.pathname}${url.search}${url.hash}`
  return isSafeRawPath(path) ? path : undefined
}

function isSafeRawPath(path: string): boolean {
  return (
    path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') && !CONTROL_CHARACTERS.test(path)
  )
}

function decodeOnce(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}
