import type { ApiContext } from './api-context.js'
import type { Endpoint, Query } from './endpoint.js'
import type { RequestOptions } from './request-options.js'
import type { ResponseKind } from './wechat-response.js'

/** A call before the access_token is added: what an {@link Endpoint} or a public `request()` becomes. */
export interface Call {
  method: 'GET' | 'POST'
  path: string
  query?: Query | undefined
  json?: unknown
  /** A multipart/form-data body (an upload), sent as it is on every attempt. */
  form?: FormData | undefined
  accessToken: boolean
  idempotent: boolean
  response: ResponseKind
  codeUsedErrcodes?: readonly number[] | undefined
}

/**
 * Sends `call`: with the access_token in the query and the token layer's one refresh-and-retry when it
 * needs one, `retryable` and `signal` taken from the caller's options.
 */
export function send(ctx: ApiContext, call: Call, options: RequestOptions = {}): Promise<unknown> {
  const spec = {
    endpoint: call.path,
    method: call.method,
    query: call.query,
    json: call.json,
    form: call.form,
    idempotent: call.idempotent,
    retryable: options.retryable !== false,
    response: call.response,
    codeUsedErrcodes: call.codeUsedErrcodes,
    signal: options.signal,
  }
  if (!call.accessToken) return ctx.transport.send(spec)
  return ctx.tokens.withAccessToken(options, (token) =>
    ctx.transport.send({ ...spec, query: { ...call.query, access_token: token } }),
  )
}

/** Calls a described endpoint: builds (and so validates) the query and body before any I/O. */
export async function callEndpoint<Input, Output, Body>(
  ctx: ApiContext,
  endpoint: Endpoint<Input, Output, Body>,
  input: Input,
  options?: RequestOptions,
): Promise<Output> {
  const query = endpoint.query?.(input, ctx.config)
  const json = endpoint.json?.(input, ctx.config)
  const form = endpoint.form?.(input, ctx.config)
  const body = await send(
    ctx,
    {
      method: endpoint.method,
      path: endpoint.path,
      query,
      json,
      form,
      accessToken: endpoint.accessToken !== false,
      idempotent: endpoint.idempotent !== false,
      response: endpoint.response ?? 'json',
      codeUsedErrcodes: endpoint.codeUsedErrcodes,
    },
    options,
  )
  return endpoint.read ? endpoint.read(body as Body, ctx.config) : (body as Output)
}
