/**
 * The only place that knows which request parameters are secret. Everything a caller, a hook or a log
 * may see goes through here first.
 */

/** Query parameters that carry credentials or one-time codes. */
const SECRET_PARAMS = ['secret', 'appsecret', 'access_token', 'code', 'js_code', 'refresh_token', 'ticket']

/** Placeholder that replaces a secret. */
export const REDACTED = '***'

/** Returns `url` with every secret query parameter replaced by `***` (parsed with `URL`, never a regex). */
export function redactUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return REDACTED
  }
  for (const name of SECRET_PARAMS) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, REDACTED)
  }
  parsed.username = ''
  parsed.password = ''
  return parsed.toString()
}

/** Returns the path of `url` only (no query, no credentials); what errors carry as `endpoint`. */
export function endpointOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return REDACTED
  }
}

/**
 * Replaces every occurrence of the given secret values in `text` with `***`. Used on text that came from
 * the network (an errmsg) before it lands in an error message, in case a server echoes a parameter.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  return out
}
