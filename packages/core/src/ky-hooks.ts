import type { AfterResponseHook, BeforeRequestHook } from 'ky'
import type { WechatHooks } from './hooks.js'
import { redactUrl } from './redact.js'

/** Wraps an exception thrown by a user hook so the transport passes it through untouched. */
export class HookFailure extends Error {
  constructor(readonly error: unknown) {
    super('hook failed')
  }
}

function redactedRequest(request: Request): Request {
  return new Request(redactUrl(request.url), { method: request.method, headers: request.headers })
}

async function runAll<S>(hooks: Array<(state: S) => void | Promise<void>>, state: S): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(state)
    } catch (error) {
      throw new HookFailure(error)
    }
  }
}

/**
 * The user's `beforeRequest` / `afterResponse` as ky hooks with ky's semantics (`beforeRequest` once per
 * call, before the first attempt; `afterResponse` after every attempt), on redacted copies: no secret in
 * the URL, no body. Headers set on the `beforeRequest` copy are copied onto the real request.
 */
export function kyHooks(
  hooks: WechatHooks,
  endpointOf: (options: { context: object }) => string,
): { beforeRequest: BeforeRequestHook[]; afterResponse: AfterResponseHook[] } {
  const { beforeRequest = [], afterResponse = [] } = hooks
  return {
    beforeRequest: beforeRequest.length
      ? [
          async ({ request, options }) => {
            const copy = redactedRequest(request)
            await runAll(beforeRequest, { request: copy, endpoint: endpointOf(options), retryCount: 0 })
            for (const [name, value] of copy.headers) request.headers.set(name, value)
          },
        ]
      : [],
    afterResponse: afterResponse.length
      ? [
          async ({ request, options, response, retryCount }) => {
            const { status, statusText, headers } = response
            await runAll(afterResponse, {
              request: redactedRequest(request),
              response: new Response(null, { status, statusText, headers }),
              endpoint: endpointOf(options),
              retryCount,
            })
          },
        ]
      : [],
  }
}
