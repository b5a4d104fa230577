import { createSign, createVerify, type KeyObject } from 'node:crypto'

/**
 * The string WeChat Pay signs for a request (§16.1): `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY\n`,
 * BODY being the exact bytes sent (empty for GET).
 *
 * @example
 * ```ts
 * requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')
 * // 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n'
 * ```
 */
export function requestMessage(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** The string WeChat Pay signs for an answer or notification (§16.2): `TIMESTAMP\nNONCE\nRAW_BODY\n`. */
export function responseMessage(timestamp: string, nonce: string, body: string | Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.from(body), Buffer.from('\n')])
}

/** SHA256withRSA (RSASSA-PKCS1-v1_5), base64, over `message`. */
export function signSha256Rsa(message: string | Uint8Array, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64')
}

/** Checks a base64 SHA256withRSA signature; false (never a throw) for anything malformed. */
export function verifySha256Rsa(
  message: string | Uint8Array,
  signature: string,
  publicKey: KeyObject,
): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signature, 'base64')
  } catch {
    return false
  }
}
