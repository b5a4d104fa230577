import ky, { type KyInstance } from 'ky'
import type { Dispatcher } from 'undici'
import type { ResolvedConfig } from './config.js'
import type { Query } from './endpoint.js'
import {
  isTransientError,
  isWechatError,
  WechatError,
  WechatHttpError,
  WechatNetworkError,
  WechatResponseError,
  WechatTimeoutError,
} from './errors.js'
import type { Events } from './events.js'
import { redactUrl, scrub, secretsOf } from './redact.js'

/** One WeChat call as the transport sees it (built from an {@link Endpoint} or a public `request()`). */
export interface CallSpec {
  /** API path, e.g. `/sns/jscode2session`. */
  endpoint: string
  method: 'GET' | 'POST'
  /** Query parameters (undefined values are skipped). */
  query?: Query | undefined
  /** JSON body for POST. */
  json?: unknown
  /** Whether repeating the call is harmless (enables transient-failure retries). */
  idempotent: boolean
  /** The caller's `retryable` option (false disables every retry). */
  retryable: boolean
  /** `json`: the parsed object. `bytes`: the body bytes, JSON answers being errors. */
  response: 'json' | 'bytes'
  /** See {@link Endpoint.codeUsedErrcodes}. */
  codeUsedErrcodes?: readonly number[] | undefined
  signal?: AbortSignal | undefined
}

interface RawResponse {
  status: number
  contentType: string | undefined
  bytes: Uint8Array
}

/** undici's fetch bound to a proxy dispatcher (undici is imported only when `proxy` is set). */
interface ProxiedFetch {
  fetch(
    url: string,
    init: {
      method: string
      headers: [string, string][]
      body: ArrayBuffer | undefined
      signal: AbortSignal
      dispatcher: Dispatcher
    },
  ): Promise<unknown>
  dispatcher: Dispatcher
}

interface CallContext {
  endpoint: string
  retryCount: number
}

/** Wraps an exception thrown by a user hook so it is passed through untouched. */
class HookFailure extends Error {
  constructor(readonly error: unknown) {
    super('hook failed')
  }
}

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
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function redactedRequest(request: Request): Request {
  return new Request(redactUrl(request.url), { method: request.method, headers: request.headers })
}

/**
 * The HTTP layer: the one ky instance, the retry loop for transient failures, and the single place
 * where a WeChat `errcode` becomes a {@link WechatError}. No raw ky/fetch error ever leaves this file.
 */
export class Transport {
  readonly #config: ResolvedConfig
  readonly #events: Events
  readonly #ky: KyInstance
  #proxy: Promise<ProxiedFetch> | undefined

  constructor(config: ResolvedConfig, events: Events) {
    this.#config = config
    this.#events = events
    const hooks = config.hooks
    this.#ky = ky.create({
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      ...(config.proxy
        ? {
            // undici's ProxyAgent only works with undici's own fetch, which wants a URL and init, not a
            // global Request. undici is loaded on the first proxied call, so apps without a proxy never
            // pay for importing it.
            fetch: async (input: Request | string | URL, init?: RequestInit) => {
              const proxied = await this.#proxied(config.proxy as string)
              const request = input instanceof Request ? input : new Request(input, init)
              const body = request.body ? await request.arrayBuffer() : undefined
              return (await proxied.fetch(request.url, {
                method: request.method,
                headers: [...request.headers],
                body,
                signal: request.signal,
                dispatcher: proxied.dispatcher,
              })) as unknown as Response
            },
          }
        : {}),
      hooks: {
        beforeRequest: hooks.beforeRequest?.length
          ? [
              async ({ request, options }) => {
                const context = options.context as unknown as CallContext
                const copy = redactedRequest(request)
                for (const hook of hooks.beforeRequest ?? []) {
                  try {
                    await hook({ request: copy, endpoint: context.endpoint, retryCount: context.retryCount })
                  } catch (error) {
                    throw new HookFailure(error)
                  }
                }
                for (const [name, value] of copy.headers) request.headers.set(name, value)
              },
            ]
          : [],
        afterResponse: hooks.afterResponse?.length
          ? [
              async ({ request, options, response }) => {
                const context = options.context as unknown as CallContext
                const state = {
                  request: redactedRequest(request),
                  response: new Response(null, {
                    status: response.status,
                    statusText: response.statusText,
                    headers: response.headers,
                  }),
                  endpoint: context.endpoint,
                  retryCount: context.retryCount,
                }
                for (const hook of hooks.afterResponse ?? []) {
                  try {
                    await hook(state)
                  } catch (error) {
                    throw new HookFailure(error)
                  }
                }
              },
            ]
          : [],
      },
    })
  }

  /**
   * Performs a call and returns the JSON body (or the bytes); throws {@link WechatError} for a non-zero
   * errcode.
   */
  send(spec: CallSpec): Promise<unknown> {
    return spec.response === 'bytes' ? this.#bytes(spec) : this.#json(spec)
  }

  async #json<T>(spec: CallSpec): Promise<T> {
    return this.#withRetries(spec, async (retryCount) => {
      const raw = await this.#attempt(spec, retryCount)
      return this.#parseJson<T>(spec, raw)
    })
  }

  /**
   * A call that answers bytes on success and JSON on failure (`getwxacodeunlimit`, media downloads).
   * Decides by Content-Type, never by status (WeChat's JSON errors come with HTTP 200).
   */
  async #bytes(spec: CallSpec): Promise<Uint8Array> {
    return this.#withRetries(spec, async (retryCount) => {
      const raw = await this.#attempt(spec, retryCount)
      if (raw.status < 200 || raw.status > 299)
        throw new WechatHttpError({ status: raw.status, endpoint: spec.endpoint })
      const type = (raw.contentType ?? '').toLowerCase()
      // WeChat labels some JSON errors text/plain, or not at all.
      const looksJson = (type === '' || type.startsWith('text/plain')) && raw.bytes[0] === 0x7b
      if (type.includes('json') || looksJson) {
        this.#parseJson(spec, raw)
        throw new WechatResponseError({
          endpoint: spec.endpoint,
          reason: 'JSON without an errcode where bytes were expected',
          contentType: raw.contentType,
        })
      }
      // An HTML page is a proxy's or a portal's error page, never a file WeChat sends.
      if (type.startsWith('text/html') || raw.bytes.length === 0) {
        throw new WechatResponseError({
          endpoint: spec.endpoint,
          reason: raw.bytes.length === 0 ? 'empty body' : 'HTML instead of a file',
          contentType: raw.contentType,
        })
      }
      return raw.bytes
    })
  }

  /** Releases the proxy agent's sockets, if any. */
  async close(): Promise<void> {
    const proxy = this.#proxy
    if (!proxy) return
    this.#proxy = undefined
    await (await proxy.catch(() => undefined))?.dispatcher.close()
  }

  /** undici's fetch and one ProxyAgent, created on first use. */
  #proxied(proxyUrl: string): Promise<ProxiedFetch> {
    this.#proxy ??= import('undici').then((undici) => ({
      fetch: undici.fetch as unknown as ProxiedFetch['fetch'],
      dispatcher: new undici.ProxyAgent(proxyUrl),
    }))
    return this.#proxy
  }

  #parseJson<T>(spec: CallSpec, raw: RawResponse): T {
    if (raw.status < 200 || raw.status > 299)
      throw new WechatHttpError({ status: raw.status, endpoint: spec.endpoint })
    const text = decoder.decode(raw.bytes)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      const html = /^\s*</.test(text)
      throw new WechatResponseError({
        endpoint: spec.endpoint,
        reason: html ? 'HTML instead of JSON' : 'body is not valid JSON',
        contentType: raw.contentType,
      })
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WechatResponseError({
        endpoint: spec.endpoint,
        reason: 'JSON is not an object',
        contentType: raw.contentType,
      })
    }
    const record = body as { errcode?: unknown; errmsg?: unknown }
    if (record.errcode !== undefined && record.errcode !== null) {
      const errcode = Number(record.errcode)
      if (!Number.isInteger(errcode)) {
        throw new WechatResponseError({
          endpoint: spec.endpoint,
          reason: 'errcode is not a number',
          contentType: raw.contentType,
        })
      }
      if (errcode !== 0) {
        const errmsg = scrub(typeof record.errmsg === 'string' ? record.errmsg : '', [
          ...secretsOf(spec.query, spec.json),
          this.#config.appSecret,
        ])
        throw new WechatError({ errcode, errmsg, endpoint: spec.endpoint })
      }
    }
    return body as T
  }

  async #withRetries<T>(spec: CallSpec, run: (retryCount: number) => Promise<T>): Promise<T> {
    const { limit, delayMs, maxDelayMs } = this.#config.retry
    let lastTransient: unknown
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await run(retryCount)
      } catch (error) {
        if (spec.signal?.aborted) throw spec.signal.reason
        if (
          lastTransient !== undefined &&
          isWechatError(error) &&
          spec.codeUsedErrcodes?.includes(error.errcode)
        )
          throw lastTransient
        lastTransient = error
        if (!spec.idempotent || !spec.retryable || retryCount >= limit || !isTransientError(error))
          throw error
        const delay = Math.round(
          Math.min(maxDelayMs, delayMs * 2 ** retryCount) * (0.75 + Math.random() * 0.5),
        )
        this.#events.retry({
          endpoint: spec.endpoint,
          retryCount: retryCount + 1,
          error: error as Error,
          delayMs: delay,
        })
        await sleep(delay, spec.signal)
      }
    }
  }

  async #attempt(spec: CallSpec, retryCount: number): Promise<RawResponse> {
    const url = new URL(this.#config.baseURL + spec.endpoint)
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value)
    }
    const timeout = AbortSignal.timeout(this.#config.timeout)
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout
    const context: CallContext = { endpoint: spec.endpoint, retryCount }
    try {
      const response = await this.#ky(url, {
        method: spec.method,
        ...(spec.json === undefined ? {} : { json: spec.json }),
        signal,
        context: context as unknown as Record<string, unknown>,
      })
      const bytes = new Uint8Array(await response.arrayBuffer())
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        bytes,
      }
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason
      if (error instanceof HookFailure) throw error.error
      if (timeout.aborted)
        throw new WechatTimeoutError({ timeoutMs: this.#config.timeout, endpoint: spec.endpoint })
      throw new WechatNetworkError({ endpoint: spec.endpoint, code: systemCode(error) })
    }
  }
}
