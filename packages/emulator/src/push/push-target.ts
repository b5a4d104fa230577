import type { PushFormat, PushMode, PushTarget } from './push-options.js'

const TOKEN = /^[A-Za-z0-9]{3,32}$/
const AES_KEY = /^[A-Za-z0-9]{43}$/

/**
 * Check a push target as the console's form does (Token 3–32 letters or digits, EncodingAESKey 43) and
 * fill the defaults; throws a TypeError naming the control call and the field.
 */
export function pushTarget(
  call: string,
  input: {
    url?: unknown
    token?: unknown
    encodingAESKey?: unknown
    format?: unknown
    mode?: unknown
  },
  appid: string,
): PushTarget {
  const { url, token, encodingAESKey, format = 'xml' } = input
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`@wxkit/emulator: ${call} url must be an absolute http(s) URL`)
  }
  if (typeof token !== 'string' || !TOKEN.test(token)) {
    throw new TypeError(`@wxkit/emulator: ${call} token must be 3 to 32 letters or digits`)
  }
  if (encodingAESKey !== undefined && (typeof encodingAESKey !== 'string' || !AES_KEY.test(encodingAESKey))) {
    throw new TypeError(`@wxkit/emulator: ${call} encodingAESKey must be 43 letters or digits`)
  }
  const mode = input.mode ?? (encodingAESKey === undefined ? 'plain' : 'safe')
  if (mode !== 'plain' && mode !== 'compatible' && mode !== 'safe') {
    throw new TypeError(`@wxkit/emulator: ${call} mode must be "plain", "compatible" or "safe"`)
  }
  if (mode !== 'plain' && encodingAESKey === undefined) {
    throw new TypeError(`@wxkit/emulator: ${call} needs an encodingAESKey in ${mode} mode`)
  }
  if (format !== 'xml' && format !== 'json') {
    throw new TypeError(`@wxkit/emulator: ${call} format must be "xml" or "json"`)
  }
  return {
    url: parsed.href,
    token,
    ...(encodingAESKey !== undefined ? { encodingAESKey } : {}),
    appid,
    format: format as PushFormat,
    mode: mode as PushMode,
  }
}
