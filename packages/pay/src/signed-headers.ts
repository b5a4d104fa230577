/** The `Wechatpay-*` headers of an answer or notification (§16.2), plus `Request-ID`. */
export interface SignedHeaders {
  timestamp: string | undefined
  nonce: string | undefined
  signature: string | undefined
  serial: string | undefined
  requestId?: string | undefined
}

/** Reads the signed headers from a `Headers` or a Node-style header object (names in any case). */
export function readSignedHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): SignedHeaders {
  const get = (name: string): string | undefined => {
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
    for (const [key, value] of Object.entries(headers)) {
      // A repeated header is ambiguous: refuse it rather than pick one.
      if (key.toLowerCase() === name)
        return Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value
    }
    return undefined
  }
  return {
    timestamp: get('wechatpay-timestamp'),
    nonce: get('wechatpay-nonce'),
    signature: get('wechatpay-signature'),
    serial: get('wechatpay-serial'),
    requestId: get('request-id'),
  }
}
