import type { WechatMessageServer } from '@wxkit/core'
import type { Request, Response } from 'express'
import { readExactBody } from '../http/exact-body.js'
import { rawQuery } from '../http/query.js'

/**
 * Answers one request from WeChat's push with `server.handle()`: the exact body (bounded by the server's
 * `bodyLimit` and by `bodyTimeoutMs`), the raw query and the headers go in; its status, headers and body go
 * out as they are, uncached. Refusals (401 signature, 400 malformed, 405 method …) are the server's.
 */
export async function answerPush(
  server: WechatMessageServer,
  req: Request,
  res: Response,
  bodyTimeoutMs: number,
): Promise<void> {
  // Only a POST carries a message; the GET URL check and other methods are answered from the URL alone.
  const body = req.method === 'POST' ? await readExactBody(req, server.bodyLimit, bodyTimeoutMs) : undefined
  const answer = await server.handle({
    method: req.method,
    query: rawQuery(req),
    headers: req.headers,
    body,
  })
  // WeChat gave up on this try (5 s) and closed the connection; a retry gets the reply instead.
  if (res.destroyed || res.writableEnded) return
  res.writeHead(answer.status, {
    ...answer.headers,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(answer.body),
  })
  res.end(answer.body)
}
