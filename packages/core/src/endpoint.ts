import type { ResolvedConfig } from './config.js'
import type { ResponseKind } from './wechat-response.js'

/** Query parameters of a call (undefined values are skipped). */
export type Query = Record<string, string | undefined>

/**
 * One WeChat endpoint, described once. The transport derives everything else: the access_token in the
 * query (unless `accessToken: false`), the one compare-and-swap refresh after 40001/40014/42001, the
 * secrets to scrub (every query or top-level body field named in `redact.ts`, plus the AppSecret),
 * transient-failure retries (only when `idempotent`), and `retryable` / `signal` from the call's options.
 *
 * ## How to add an endpoint
 * A few lines in its `apis/<family>.ts`, then a one-line method on `Wechat` that calls
 * `this.#call(endpoint, input, options)`. Nothing anywhere else.
 *
 * ```ts
 * // apis/mini-program.ts
 * export const checkSessionKey = defineEndpoint({
 *   method: 'GET',
 *   path: '/wxa/checksession',
 *   query: ({ openid, signature }: { openid: string; signature: string }) => {
 *     requireString('openid', openid) // validation runs before any request
 *     return { openid, signature, sig_method: 'hmac_sha256' }
 *   },
 * })
 * // wechat.ts
 * checkSessionKey(input: { openid: string; signature: string }, options?: RequestOptions): Promise<void> {
 *   return this.#call(checkSessionKey, input, options).then(() => {})
 * }
 * ```
 *
 * Set `idempotent: false` for anything a repeat could do twice (sending a message, spending a budget,
 * money), `accessToken: false` for the endpoints that take the AppSecret or a user-level token instead,
 * `response: 'bytes'` for endpoints that answer a file (and JSON on failure), and `read` to check or reshape
 * the answer (throw a `WechatResponseError` for an unusable one).
 */
export interface Endpoint<Input, Output, Body = Output> {
  readonly method: 'GET' | 'POST'
  /** The API path, e.g. `/wxa/business/getuserphonenumber`. */
  readonly path: `/${string}`
  /**
   * Whether the global access_token goes into the query (and 40001/40014/42001 trigger one refresh).
   * @default true
   */
  readonly accessToken?: boolean
  /**
   * Whether repeating the call is harmless, which enables transient-failure retries.
   * @default true
   */
  readonly idempotent?: boolean
  /**
   * For calls that spend a single-use code: the errcodes WeChat answers for a code already used. Met on a
   * retry, they mean the attempt whose answer was lost did use it, so the transient failure is what the
   * caller gets (a timeout says "try again"; 40163 would blame the code).
   */
  readonly codeUsedErrcodes?: readonly number[]
  /**
   * `json`: an object whose non-zero `errcode` throws. `bytes`: the body as bytes, decided by Content-Type
   * (JSON, which WeChat sends with HTTP 200 for errors, throws its errcode). `bytes-or-json`: bytes, or a JSON
   * object without a non-zero errcode.
   * @default 'json'
   */
  readonly response?: ResponseKind
  /** Validates the input and builds the query (the access_token is added by the transport). */
  readonly query?: (input: Input, config: ResolvedConfig) => Query
  /** Validates the input and builds the JSON body (POST). */
  readonly json?: (input: Input, config: ResolvedConfig) => unknown
  /** Validates the input and builds a multipart/form-data body (POST; instead of `json`). */
  readonly form?: (input: Input, config: ResolvedConfig) => FormData
  /** Checks and reshapes the answer; by default the body is returned as it came. */
  readonly read?: (body: Body, config: ResolvedConfig) => Output
}

/** Declares an endpoint (an identity function that lets TypeScript infer the types). */
export function defineEndpoint<Input, Output, Body = Output>(
  endpoint: Endpoint<Input, Output, Body>,
): Endpoint<Input, Output, Body> {
  return endpoint
}
