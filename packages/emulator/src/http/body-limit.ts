import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { nginxErrorPage } from './nginx-page.js'

/**
 * The largest request body the emulator reads: 1 MiB, nginx's default `client_max_body_size`, which is
 * what fronts WeChat's API hosts. Real requests are a few hundred bytes.
 */
export const MAX_BODY_BYTES = 1024 * 1024

const CONTROL_PREFIX = '/__wxkit/'

/**
 * Refuse bodies over {@link MAX_BODY_BYTES} (or the limit `raised` gives a path, e.g. the media upload)
 * before any handler reads them, whether they announce a Content-Length or stream in chunks. WeChat paths
 * get what the gateway would send (HTTP 413 with an nginx HTML page); `/__wxkit/*` gets the control API's
 * JSON error shape.
 */
export function limitBodySize(raised: Readonly<Record<string, number>> = {}): MiddlewareHandler {
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        c.header('Connection', 'close')
        if (new URL(c.req.url).pathname.startsWith(CONTROL_PREFIX)) {
          return c.json({ error: `@wxkit/emulator: request bodies are limited to ${maxSize} bytes` }, 413)
        }
        return c.html(nginxErrorPage(413), 413)
      },
    })
  const usual = limit(MAX_BODY_BYTES)
  const perPath = new Map(Object.entries(raised).map(([path, maxSize]) => [path, limit(maxSize)]))
  return (c, next) => (perPath.get(c.req.path) ?? usual)(c, next)
}
