import ky, {
  type AfterResponseHook,
  isForceRetryError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  type KyInstance,
  type RetryOptions,
} from 'ky'
import type { ResolvedConfig } from './config.js'
import type { Query } from './endpoint.js'
import {
  isWechatClientError,
  isWechatError,
  WechatHttpError,
  WechatNetworkError,
  WechatTimeoutError,
} from './errors.js'
import type { Events } from './events.js'
import { HookFailure, kyHooks } from './ky-hooks.js'
import { ProxyFetch } from './proxy-fetch.js'
import { secretsOf } from './redact.js'
import { type RawResponse, type ResponseKind, readAnswer } from './wechat-response.js'

/** One WeChat call as the transport sees it (built from an {@link Endpoint} or a public `request()`). */
export interface CallSpec {
  /** API path, e.g. `/sns/jscode2session`. */
  endpoint: string
  method: 'GET' | 'POST'
  /** Query parameters (undefined values are skipped). */
  query?: Query | undefined
  /** JSON body for POST. */
  json?: unknown
  /** A multipart/form-data body for POST (fetch sets its Content-Type with the boundary). */
  form?: FormData | undefined
  /** Whether repeating the call is harmless (enables transient-failure retries). */
  idempotent: boolean
  /** The caller's `retryable` option (false disables every retry). */
  retryable: boolean
  /** `json`: the parsed object. `bytes`: the body bytes, JSON answers being errors. See {@link ResponseKind}. */
  response: ResponseKind
  /** See {@link Endpoint.codeUsedErrcodes}. */
  codeUsedErrcodes?: readonly number[] | undefined
  signal?: AbortSignal | undefined
}

/** What one call carries through ky's hooks (in ky's `context` option). */
interface Attempts {
  spec: CallSpec
  secrets: string[]
  result?: unknown
  /** The failure ky is deciding about (from `shouldRetry`, or the cause we handed to `ky.retry()`). */
  pending?: unknown
  /** Retries so far. */
  retries: number
  /** The last transient failure that ky retried, already turned into a wxkit error. */
  lastTransient?: Error
}

/** ky retries these; 408/429 and every 5xx are transient, other statuses are answers. */
const RETRY_STATUS = [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)]

function systemCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Reads a body within `ms`: ky's `timeout` ends when the headers arrive, a stalled body would hang. A stalled
 * body is cancelled through our own reader (a body that `arrayBuffer()` is reading cannot be cancelled); ky
 * cancels the response it was cloned from, and the two cancelled together close the connection.
 */
async function readBody(response: Response, ms: number): Promise<Uint8Array | undefined> {
  const reader = (response.body ?? new Blob([]).stream()).getReader()
  let stalled = false
  const timer = setTimeout(() => {
    stalled = true
    reader.cancel().catch(() => {})
  }, ms)
  try {
    const chunks: Uint8Array<ArrayBuffer>[] = []
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
    return stalled ? undefined : new Uint8Array(await new Blob(chunks).arrayBuffer())
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The HTTP layer: one ky instance doing what ky does (per-attempt timeout, bounded retries with backoff and
 * jitter, hooks), plus what ky cannot know: WeChat's errcode inside HTTP 200 and the lost-code-exchange
 * rule. No raw ky/fetch error ever leaves this file.
 */
export class Transport {
  readonly #config: ResolvedConfig
  readonly #events: Events
  readonly #ky: KyInstance
  readonly #proxy: ProxyFetch | undefined

  constructor(config: ResolvedConfig, events: Events) {
    this.#config = config
    this.#events = events
    this.#proxy = config.proxy ? new ProxyFetch(config.proxy) : undefined
    // ky shallow-copies `context` per call, so the state travels one level down.
    const attemptsOf = (options: { context: object }) => (options.context as { attempts: Attempts }).attempts
    const user = kyHooks(config.hooks, (options) => attemptsOf(options).spec.endpoint)

    // The answer check. errcode -1 ("system busy") comes with HTTP 200, so ky cannot see it: ky.retry()
    // hands it back to ky's retry (within `limit`, after the same backoff). So does a body that stalls.
    const answer: AfterResponseHook = async ({ response, options }) => {
      const attempts = attemptsOf(options)
      if (!response.ok) return
      const { spec, secrets } = attempts
      const bytes = await readBody(response, config.timeout)
      if (bytes === undefined) {
        attempts.pending = new WechatTimeoutError({ timeoutMs: config.timeout, endpoint: spec.endpoint })
        return ky.retry({ cause: attempts.pending as Error })
      }
      const raw: RawResponse = {
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        bytes,
      }
      try {
        attempts.result = readAnswer(spec.endpoint, spec.response, raw, secrets)
      } catch (error) {
        if (isWechatError(error) && error.errcode === -1) {
          attempts.pending = error
          return ky.retry({ cause: error })
        }
        throw error
      }
      // Any new Response does: ky then cancels the one the hook's clone was read from (ours is not read further).
      return new Response()
    }

    this.#ky = ky.create({
      timeout: Math.min(config.timeout, 2_147_483_647), // ky refuses what setTimeout cannot hold
      ...(this.#proxy ? { fetch: this.#proxy.fetch } : {}),
      hooks: {
        beforeRequest: user.beforeRequest,
        afterResponse: [...user.afterResponse, answer],
      },
    })
  }

  /**
   * Performs a call and returns the JSON body (or the bytes); throws {@link WechatError} for a non-zero
   * errcode, and only wxkit errors (or the caller's abort reason, or a hook's own exception).
   */
  async send(spec: CallSpec): Promise<unknown> {
    const attempts: Attempts = {
      spec,
      secrets: [...secretsOf(spec.query, spec.json), this.#config.appSecret],
      retries: 0,
    }
    try {
      await this.#ky(this.#config.baseURL + spec.endpoint, {
        method: spec.method,
        ...(spec.query ? { searchParams: spec.query } : {}),
        json: spec.json, // ky sends no JSON body for undefined
        body: spec.form ?? null,
        ...(spec.signal ? { signal: spec.signal } : {}),
        context: { attempts },
        retry: spec.idempotent && spec.retryable ? this.#retryOptions(attempts) : 0,
      })
      return attempts.result
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason
      if (error instanceof HookFailure) throw error.error
      const failure = this.#toWechatError(error, spec.endpoint)
      // A code-spending call whose retry meets "code already used": the attempt whose answer was lost did use
      // it, so the caller gets that transient failure (a timeout says "try again"; 40163 would blame the code).
      if (
        attempts.lastTransient &&
        isWechatError(failure) &&
        spec.codeUsedErrcodes?.includes(failure.errcode)
      )
        throw attempts.lastTransient
      throw failure
    }
  }

  /** ky's retry, configured as `retry` says; the first-class parts are ky's, only the reporting is ours. */
  #retryOptions(attempts: Attempts): RetryOptions {
    const { limit, delayMs, maxDelayMs } = this.#config.retry
    return {
      limit,
      methods: ['get', 'post'],
      statusCodes: RETRY_STATUS,
      // WeChat sends no Retry-After; ignoring it keeps every delay ours, so onRetry can report it.
      afterStatusCodes: [],
      retryOnTimeout: true,
      delay: (attempt) => delayMs * 2 ** (attempt - 1),
      backoffLimit: maxDelayMs,
      shouldRetry: ({ error }) => {
        attempts.pending = error
        return undefined // ky's own rules decide
      },
      // ky calls jitter once it has decided to retry, before waiting. onRetry is emitted here rather than
      // in ky's beforeRetry, which runs after the delay: the event announces the delay (and a listener may
      // abort it), as it always has.
      jitter: (delay) => {
        const wait = Math.round(Math.min(maxDelayMs, delay * (0.75 + Math.random() * 0.5)))
        const error = this.#toWechatError(attempts.pending, attempts.spec.endpoint)
        attempts.lastTransient = error
        attempts.retries++
        this.#events.retry({
          endpoint: attempts.spec.endpoint,
          retryCount: attempts.retries,
          error,
          delayMs: wait,
        })
        return wait
      },
    }
  }

  /** Releases the proxy agent's sockets, if any. */
  async close(): Promise<void> {
    await this.#proxy?.close()
  }

  /** A ky or fetch failure as the wxkit error a caller may see (never one whose message holds the URL). */
  #toWechatError(error: unknown, endpoint: string): Error {
    if (error instanceof HookFailure) return error
    const cause = (error as { cause?: unknown } | undefined)?.cause
    if (isForceRetryError(error) && isWechatClientError(cause)) return cause
    if (isWechatClientError(error)) return error
    if (isHTTPError(error)) return new WechatHttpError({ status: error.response.status, endpoint })
    if (isTimeoutError(error)) return new WechatTimeoutError({ timeoutMs: this.#config.timeout, endpoint })
    return new WechatNetworkError({ endpoint, code: systemCode(isNetworkError(error) ? error.cause : error) })
  }
}
