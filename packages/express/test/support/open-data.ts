import { createCipheriv, randomBytes } from 'node:crypto'

/**
 * Encrypts `data` as WeChat does for Mini Program open data (`wx.getWeRunData` …): AES-128-CBC under the
 * login's session_key, with `watermark.appid` set to `appId`. Plays the WeChat client in tests.
 */
export function encryptOpenData(
  sessionKey: string,
  appId: string,
  data: Record<string, unknown>,
): { encryptedData: string; iv: string } {
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const plain = JSON.stringify({
    ...data,
    watermark: { appid: appId, timestamp: Math.floor(Date.now() / 1000) },
  })
  const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}

/** The session_key a Mini Program login of `openid` stored in `map` (the test's own view into the store). */
export function storedSessionKeys(map: Map<unknown, unknown>, openid: string): string[] {
  const keys: string[] = []
  for (const value of map.values()) {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    if (!text.includes(openid)) continue
    const key = /"sessionKey\\?":\\?"([^"\\]+)/.exec(text)?.[1]
    if (key) keys.push(key)
  }
  return keys
}
