/**
 * The only place that knows which request parameters are secret. Everything a caller, a hook or a log
 * may see goes through here first.
 */

/**
 * Query parameters that carry credentials or one-time codes. `signature` is the hmac of a session_key
 * (`/wxa/checksession`, `/wxa/resetusersessionkey`): whoever holds it can reset the user's key.
 */
const SECRET_PARAMS = [
  'secret',
  'appsecret',
  'access_token',
  'code',
  'js_code',
  'refresh_token',
  'ticket',
  'signature',
]

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

/**
 * The secret values of one call: every query parameter and top-level JSON body field whose name is in the
 * list above (the access_token, a login or phone code, the AppSecret in a stable_token body…).
 */
export function secretsOf(query: Record<string, string | undefined> | undefined, json: unknown): string[] {
  const out: string[] = []
  // Reading a secret's name off null, undefined or a primitive gives undefined too, so no shape check is needed.
  const body = json as { [name: string]: unknown } | null | undefined
  for (const name of SECRET_PARAMS) {
    const inQuery = query?.[name]
    if (typeof inQuery === 'string') out.push(inQuery)
    const inBody = body?.[name]
    if (typeof inBody === 'string') out.push(inBody)
  }
  return out
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
