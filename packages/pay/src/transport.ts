import ky, { type KyInstance } from 'ky'
import type { ResolvedPayConfig } from './config.js'
import { createPayNonce } from './crypto/nonce.js'
import { requestMessage, signSha256Rsa } from './crypto/rsa-signature.js'
import {
  isTransientPayError,
  WechatPayError,
  WechatPayNetworkError,
  WechatPayResponseError,
  WechatPayTimeoutError,
} from './errors.js'
import type { SignedHeaders } from './signed-headers.js'

/** One call to the merchant API. */
export interface PayCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The path without query, e.g. `/v3/pay/transactions/jsapi`. */
  path: string
  query?: Record<string, string | undefined> | undefined
  json?: unknown
  /** Whether repeating the call is harmless (only then are transient failures retried). */
  idempotent: boolean
  signal?: AbortSignal | undefined
}

/** A raw answer, before verification. */
export interface RawPayAnswer {
  status: number
  headers: Headers
  bytes: Uint8Array
}

/** Verifies an answer's signature; throws `WechatPayVerificationError`. */
export type AnswerVerifier = (headers: SignedHeaders, bytes: Uint8Array, endpoint: string) => Promise<void>

const USER_AGENT = 'wxkit-pay (+https://github.com/wxkit/wxkit)'
const decoder = new TextDecoder()

function systemCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

/** Picks the `Wechatpay-*` headers out of an answer. */
export function signedHeadersOf(headers: Headers): SignedHeaders {
  return {
    timestamp: headers.get('wechatpay-timestamp') ?? undefined,
    nonce: headers.get('wechatpay-nonce') ?? undefined,
    signature: headers.get('wechatpay-signature') ?? undefined,
    serial: headers.get('wechatpay-serial') ?? undefined,
    requestId: headers.get('request-id') ?? undefined,
  }
}

/**
 * The HTTP layer: signs every attempt afresh (§16.1), verifies every answer (§16.2) before its body is
 * read as data, turns `{code, message}` answers into {@link WechatPayError}, and retries only idempotent
 * calls. ky does the fetching; the retry loop is ours because each attempt needs a new signature and only
 * a verified answer may decide whether to retry.
 */
export class PayTransport {
  readonly #config: ResolvedPayConfig
  readonly #ky: KyInstance

  constructor(config: ResolvedPayConfig) {
    this.#config = config
    this.#ky = ky.create({ retry: 0, timeout: false, throwHttpErrors: false })
  }

  /** Performs `call`, verifies the answer with `verify` and returns the parsed JSON (undefined for 204). */
  async json<T>(call: PayCall, verify: AnswerVerifier): Promise<T> {
    const { limit, delayMs } = this.#config.retry
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await this.#once<T>(call, verify)
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason
        if (!call.idempotent || retryCount >= limit || !isTransientPayError(error)) throw error
        await sleep(Math.round(delayMs * 2 ** retryCount * (0.75 + Math.random() * 0.5)), call.signal)
      }
    }
  }

  async #once<T>(call: PayCall, verify: AnswerVerifier): Promise<T> {
    const raw = await this.#attempt(call)
    const headers = signedHeadersOf(raw.headers)
    const requestId = headers.requestId
    const ok = raw.status >= 200 && raw.status < 300
    // A gateway's own 5xx carries no signature; it is an error either way, so only answers that claim to
    // be WeChat Pay's (or that would be used as data) must verify.
    if (ok || headers.signature !== undefined) await verify(headers, raw.bytes, call.path)
    const text = decoder.decode(raw.bytes)
    if (ok) {
      if (raw.status === 204 || text === '') return undefined as T
      try {
        return JSON.parse(text) as T
      } catch {
        throw new WechatPayResponseError('the body is not JSON', { endpoint: call.path, requestId })
      }
    }
    let body: { code?: unknown; message?: unknown; detail?: unknown } = {}
    try {
      const parsed = JSON.parse(text)
      if (parsed && typeof parsed === 'object') body = parsed
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    throw new WechatPayError({
      status: raw.status,
      code:
        typeof body.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(body.code)
          ? body.code
          : `HTTP_${raw.status}`,
      message: typeof body.message === 'string' ? body.message.slice(0, 500) : '',
      detail: body.detail,
      endpoint: call.path,
      requestId,
    })
  }

  async #attempt(call: PayCall): Promise<RawPayAnswer> {
    const url = new URL(this.#config.baseURL + call.path)
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value)
    }
    const body = call.json === undefined ? '' : JSON.stringify(call.json)
    const timestamp = String(Math.floor(this.#config.now() / 1000))
    const nonce = createPayNonce(32)
    const signature = signSha256Rsa(
      requestMessage(call.method, url.pathname + url.search, timestamp, nonce, body),
      this.#config.privateKey,
    )
    const authorization =
      `WECHATPAY2-SHA256-RSA2048 mchid="${this.#config.mchId}",nonce_str="${nonce}",` +
      `signature="${signature}",timestamp="${timestamp}",serial_no="${this.#config.merchantSerialNo}"`
    const timeout = AbortSignal.timeout(this.#config.timeout)
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout
    try {
      const response = await this.#ky(url, {
        method: call.method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          'User-Agent': USER_AGENT,
          ...(body === '' ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === '' ? {} : { body }),
        signal,
      })
      return {
        status: response.status,
        headers: response.headers,
        bytes: new Uint8Array(await response.arrayBuffer()),
      }
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason
      if (timeout.aborted)
        throw new WechatPayTimeoutError({ timeoutMs: this.#config.timeout, endpoint: call.path })
      throw new WechatPayNetworkError({ endpoint: call.path, code: systemCode(error) })
    }
  }
}
